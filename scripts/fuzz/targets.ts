// Every loader the fuzzer drives (Forecaster.load too), with the valid files it mutates: by name, for scripts/fuzz/run.ts and the
// short run in the test suite. Bases are built on a runtime of their own, so a target's arenas count only
// what its loads hold.

import { FormatError } from '../../bindings/errors.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { type BaseSource, LAYER_FILES } from './bases.ts';
import { forecasterFiles } from './forecaster-bases.ts';
import { forecasterTarget } from './forecaster-target.ts';
import type { FuzzTarget } from './harness.ts';
import { modelFiles } from './model-bases.ts';
import { modelFileTarget, modelTarget } from './model-file-target.ts';
import { checkpointFiles, classifierFiles, seq2seqFiles, textFiles } from './task-bases.ts';
import { classifierTarget, resumeTarget, seq2seqTarget, textTarget } from './task-targets.ts';

export interface FuzzSuite {
  readonly source: BaseSource;
  readonly target: FuzzTarget<unknown>;
  /** The error class every refusal must be. */
  readonly expected: abstract new (
    ...args: never[]
  ) => Error;
}

/** A suite; async where the bases must be trained first (forecasters). */
type Make = (runtimes: readonly Runtime[], baseRuntime: Runtime) => FuzzSuite | Promise<FuzzSuite>;

const suite = <R>(
  source: BaseSource,
  target: FuzzTarget<R>,
  expected: FuzzSuite['expected'] = FormatError,
): FuzzSuite => ({
  source,
  target: target as FuzzTarget<unknown>,
  expected,
});

export const FUZZ_TARGETS: Readonly<Record<string, Make>> = {
  layer: (rts) => suite(LAYER_FILES, modelFileTarget(rts)),
  model: (rts, base) => suite(modelFiles(base), modelTarget(rts)),
  checkpoint: (rts, base) => suite(checkpointFiles(base), resumeTarget(rts)),
  text: (rts, base) => suite(textFiles(base), textTarget(rts)),
  classifier: (rts, base) => suite(classifierFiles(base), classifierTarget(rts)),
  seq2seq: (rts, base) => suite(seq2seqFiles(base), seq2seqTarget(rts)),
  // Forecaster.load refuses a file, its network or its own state, with a FormatError naming the field.
  forecaster: async (rts, base) => suite(await forecasterFiles(base), forecasterTarget(rts)),
};
