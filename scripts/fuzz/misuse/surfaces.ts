// Every public function and method the misuse fuzz calls; a new public API adds its table here.

import type { Surface } from './runner.ts';
import { DATA_SURFACES } from './surfaces-data.ts';
import { IO_SURFACES } from './surfaces-io.ts';
import { LAYER_SURFACES } from './surfaces-layers.ts';
import { MODEL_SURFACES } from './surfaces-models.ts';
import { TRAIN_SURFACES } from './surfaces-train.ts';

export const SURFACES: readonly Surface[] = [
  ...LAYER_SURFACES,
  ...TRAIN_SURFACES,
  ...MODEL_SURFACES,
  ...IO_SURFACES,
  ...DATA_SURFACES,
];

/** The seed kept in the repo for the misuse fuzz (CI's short run and the full script). */
export const MISUSE_SEED = 2;
