// Small synthetic tasks for trainer tests: seeded, tiny, and quick to learn.

import type { SequenceModelOptions } from '../../bindings/index.node.ts';
import { rng } from './random.ts';

/** Token sequences whose next token is (token + 1) mod V; per-step class targets. */
export function countingTask(n: number, T: number, V: number, seed = 1) {
  const next = rng(seed);
  const inputs: Int32Array[] = [];
  const targets: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(next() * V);
    const x = Int32Array.from({ length: T }, (_, t) => (start + t) % V);
    inputs.push(x);
    targets.push(x.map((v) => (v + 1) % V));
  }
  return { inputs, targets };
}

/** Float sequences [T, 2] whose class is which feature sums larger; one class id per sequence. */
export function sumTask(n: number, T: number, seed = 2) {
  const next = rng(seed);
  const inputs: Float32Array[] = [];
  const targets: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const x = Float32Array.from({ length: T * 2 }, () => next() * 2 - 1);
    let d = 0;
    for (let t = 0; t < T; t++) d += x[t * 2] - x[t * 2 + 1];
    inputs.push(x);
    targets.push(Int32Array.of(d > 0 ? 1 : 0));
  }
  return { inputs, targets };
}

export const charLstm = (V: number, H = 8, seed = 1): SequenceModelOptions => ({
  input: { tokens: V },
  recurrent: { cell: 'lstm', hiddenSize: H },
  head: { outputSize: V },
  seed,
});

export const sumGru = (seed = 1): SequenceModelOptions => ({
  input: { features: 2 },
  recurrent: { cell: 'gru', hiddenSize: 8, bidirectional: true },
  pooling: 'attention',
  head: { outputSize: 2 },
  seed,
});

/** Time-major [T, B] ids from B equal-length samples. */
export function timeMajorIds(samples: readonly Int32Array[]): { data: Int32Array; shape: number[] } {
  const B = samples.length;
  const T = samples[0].length;
  const data = new Int32Array(T * B);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) data[t * B + b] = samples[b][t];
  return { data, shape: [T, B] };
}
