// The standard workloads of ../shared/BENCHMARKS.md as data, shared by our harness and the TF.js peers, and the
// synthetic inputs every system gets (the same ids and series for all, made here once per workload).

export type TrainId = 'W1' | 'W2' | 'W3' | 'W4' | 'W6';

export interface TrainWorkload {
  id: TrainId;
  cell: 'lstm' | 'gru' | 'rnn';
  /** Input width: the vocabulary for token inputs (one-hot), 1 for the series. */
  I: number;
  H: number;
  B: number;
  T: number;
  /** 'tokens': char-LM with a dense head at every step and softmax CE; 'series': dense H→1 on the last state, MSE. */
  task: 'tokens' | 'series';
  optimizer: { kind: 'adam'; lr: number } | { kind: 'adagrad'; lr: number; clip: number };
  /** Stacked recurrent layers (default 1). */
  layers?: number;
  /** Gradients clipped to this global L2 norm before the update (torch's clip_grad_norm_). */
  clipNorm?: number;
  /** Stateful truncated BPTT: each step starts from the previous step's final state, detached. */
  stateful?: boolean;
}

export const TRAIN: Record<TrainId, TrainWorkload> = {
  W1: {
    id: 'W1',
    cell: 'lstm',
    I: 65,
    H: 128,
    B: 32,
    T: 32,
    task: 'tokens',
    optimizer: { kind: 'adam', lr: 1e-3 },
  },
  W2: {
    id: 'W2',
    cell: 'lstm',
    I: 65,
    H: 512,
    B: 32,
    T: 64,
    task: 'tokens',
    optimizer: { kind: 'adam', lr: 1e-3 },
  },
  W3: {
    id: 'W3',
    cell: 'gru',
    I: 1,
    H: 64,
    B: 64,
    T: 48,
    task: 'series',
    optimizer: { kind: 'adam', lr: 1e-3 },
  },
  W4: {
    id: 'W4',
    cell: 'rnn',
    I: 65,
    H: 100,
    B: 1,
    T: 25,
    task: 'tokens',
    optimizer: { kind: 'adagrad', lr: 0.1, clip: 5 },
  },
  W6: {
    id: 'W6',
    cell: 'lstm',
    I: 96,
    H: 256,
    B: 32,
    T: 64,
    task: 'tokens',
    optimizer: { kind: 'adam', lr: 2e-3 },
    layers: 2,
    clipNorm: 5,
    stateful: true,
  },
};

/** W5a (streaming, B = 1, one step per call) and W5b (batched forward) share W1's LSTM: I = 65 one-hot chars. */
export const INFERENCE = { I: 65, H: 128, streamSteps: 100, B: 32, T: 32 } as const;

/** Tokens consumed by one step of a workload: T·B. */
export const tokensPerStep = (w: { T: number; B: number }): number => w.T * w.B;

/** A fixed pseudo-random token stream (an LCG, so every system sees the same ids). */
function stream(n: number, V: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) % V;
  }
  return out;
}

/** Char-LM data, time-major [T, B]: ids and their next-token targets. */
export function tokenData(T: number, B: number, V: number): { ids: Int32Array; targets: Int32Array } {
  const s = stream((T + 1) * B, V, 7);
  return { ids: s.subarray(0, T * B), targets: s.subarray(B, (T + 1) * B) };
}

/** Forecasting data: x [T, B, 1] time-major (noisy sines of different phases), y [B] the value after the window. */
export function seriesData(T: number, B: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(T * B);
  const y = new Float32Array(B);
  const value = (t: number, b: number) => Math.sin(0.3 * t + b) + 0.1 * Math.sin(2.1 * t * (b + 1));
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) x[t * B + b] = value(t, b);
  for (let b = 0; b < B; b++) y[b] = value(T, b);
  return { x, y };
}
