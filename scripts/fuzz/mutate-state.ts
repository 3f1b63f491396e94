// Mutations of a checkpoint's training state aimed at its fields: counters as strings, negative or fractional,
// epoch sums that are not numbers, an optimizer naming buffers it does not keep, a dropout generator of zeros or
// of words past 32 bits, a carried state the model cannot hold, trainer options that are not options. Some of
// them are legal (epochs 0, no schedule where the trainer has none) and must load as exactly that.

import { pick } from './mutate-bytes.ts';
import type { SectionMutator } from './mutate-section.ts';

const INF = { nonFinite: 'Infinity' };

/** Values tried at each field of the training state. */
const FIELD_VALUES: Record<string, readonly unknown[]> = {
  version: [2, '1', 0, null],
  steps: ['3', -1, 1.5, 1e300, 2 ** 53, null, 0, 7],
  epochs: [-1, '0', 0.5, 0, 3],
  epochBatch: [-1, '1', 1e9, 0],
  'epochStats.lossSum': ['1', -1, INF, null, 0, 2.5],
  'epochStats.counted': [-1, 0.5, '2', 0],
  'epochStats.tokens': ['x', -5, 10],
  'optimizer.kind': ['adam', 'sgd', 'rmsprop', 'adagrad', 'adamw', 'lbfgs', 1],
  'optimizer.step': [-1, '1', 0.5, 0, 100],
  'optimizer.lr': [0, -1, INF, '0.1', 1e-3],
  'optimizer.buffers': [[], ['exp_avg'], ['exp_avg', 'exp_avg'], ['nope'], 3, 'exp_avg', ['sum']],
  schedule: [null, { kind: 'step', epoch: 0 }, { kind: 'plateau', epoch: 0 }, 'step'],
  'schedule.epoch': [-1, 'x', 0, 5],
  'schedule.extra': [null, { best: 'x', badEpochs: 0, cooldownCounter: 0 }, {}],
  dropout: [[0, 0, 0, 0], [0, 0, 0, 1], [2 ** 32, 0, 0, 0], [1, 2, 3], [1.5, 2, 3, 4], [-1, 0, 0, 0], null],
  'dropout.0': [2 ** 40, -1, 'x', 0],
  carried: [null, { batchSize: 0 }, { batchSize: 1 }, { batchSize: 1e9 }, { batchSize: 2, extra: 1 }],
  'carried.batchSize': [0, -1, 2, 0.5, '1'],
  spec: [null, {}, { loss: 'mse' }, []],
  'spec.loss': ['nope', null, { kind: 'mse', delta: 1 }, 'mse'],
  'spec.optimizer': ['adam', { kind: 'sgd' }, { kind: 'adam', lr: -1 }, { kind: 'adam', lr: 0.01, bogus: 1 }],
  'spec.schedule': [{ kind: 'step', stepSize: 0 }, { kind: 'nope' }, null],
  'spec.seed': [1.5, '1', null, 3],
  'spec.clip': [{ norm: -1 }, { norm: 'x' }, null, {}],
  'spec.scheduleStep': ['epoch', 'step', 'never'],
};

/** Sets `path` (dots, numeric parts index arrays) when every parent exists; false when one does not. */
function setPath(root: unknown, path: string, value: unknown): boolean {
  const parts = path.split('.');
  let at = root as Record<string, unknown> | null;
  for (const p of parts.slice(0, -1)) {
    const next = at?.[p];
    if (next === null || typeof next !== 'object') return false;
    at = next as Record<string, unknown>;
  }
  if (at === null || typeof at !== 'object') return false;
  at[parts[parts.length - 1]] = structuredClone(value);
  return true;
}

export const STATE_MUTATORS: Record<string, SectionMutator> = {
  /** One field set to a value from its list (wrong type, out of range, or another legal value). */
  field(rng, state) {
    const path = pick(rng, Object.keys(FIELD_VALUES));
    return setPath(state, path, pick(rng, FIELD_VALUES[path])) ? JSON.stringify(state) : null;
  },
  /** A required field removed. */
  dropField(rng, state) {
    if (state === null || typeof state !== 'object') return null;
    const keys = Object.keys(state);
    if (keys.length === 0) return null;
    delete (state as Record<string, unknown>)[pick(rng, keys)];
    return JSON.stringify(state);
  },
};
