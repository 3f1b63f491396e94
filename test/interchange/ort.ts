// onnxruntime-node for the ONNX tests, from this folder's own package (test/interchange/package.json, installed by
// `npm run setup:onnxruntime` with --ignore-scripts: its install script downloads from outside, and the CPU
// binary the package ships is all the tests need). Loaded by require so that type-checking does not need it;
// a missing install is an error that says how to fix it, never a skipped test.

import { createRequire } from 'node:module';

export interface OrtTensor {
  readonly data: Float32Array | BigInt64Array | Int32Array;
  readonly dims: readonly number[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface Ort {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<OrtSession> };
  Tensor: new (
    type: 'float32' | 'int64' | 'int32',
    data: Float32Array | BigInt64Array | Int32Array,
    dims: readonly number[],
  ) => OrtTensor;
}

export function loadOrt(): Ort {
  try {
    return createRequire(import.meta.url)('onnxruntime-node') as Ort;
  } catch (cause) {
    throw new Error(
      'onnxruntime-node is not installed for the ONNX tests: run `npm run setup:onnxruntime` ' +
        '(npm ci --prefix test/interchange --ignore-scripts)',
      { cause },
    );
  }
}

/** One thread, no graph rewrites: the file as written is what runs. */
export const SESSION_OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'disabled',
};
