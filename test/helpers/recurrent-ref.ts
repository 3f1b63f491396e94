// An independent float64 reference of PyTorch's RNN / LSTM / GRU (multi-layer, bidirectional), written from the
// torch.nn equations with Math.tanh / Math.exp; the layers are checked against it and against its finite differences.
// Also makeLayer(), which builds the library layer for a RefConfig.

import type { Runtime } from '../../bindings/index.node.ts';
import { GRU } from '../../bindings/model/gru.ts';
import { LSTM } from '../../bindings/model/lstm.ts';
import type { Recurrent } from '../../bindings/model/recurrent.ts';
import { RNN } from '../../bindings/model/rnn.ts';

export type RefCell = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

export interface RefConfig {
  cell: RefCell;
  I: number;
  H: number;
  L: number;
  D: number;
  batchFirst?: boolean;
}

export function makeLayer(rt: Runtime, c: RefConfig, seed = 1): Recurrent {
  const options = {
    inputSize: c.I,
    hiddenSize: c.H,
    numLayers: c.L,
    bidirectional: c.D === 2,
    batchFirst: c.batchFirst ?? false,
    seed,
  };
  if (c.cell === 'lstm') return new LSTM(rt, options);
  if (c.cell === 'gru') return new GRU(rt, options);
  return new RNN(rt, { ...options, nonlinearity: c.cell === 'rnn_relu' ? 'relu' : 'tanh' });
}

export interface RefResult {
  outputs: Float64Array;
  hN: Float64Array;
  cN: Float64Array;
}

export const GATES: Record<RefCell, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x [T, B, I] time-major; h0, c0 [L·D, B, H] or undefined; weights by PyTorch name. */
export function refForward(
  c: RefConfig,
  w: Record<string, ArrayLike<number>>,
  x: ArrayLike<number>,
  T: number,
  B: number,
  h0?: ArrayLike<number>,
  c0?: ArrayLike<number>,
): RefResult {
  const { H, L, D } = c;
  const G = GATES[c.cell];
  const hN = new Float64Array(L * D * B * H);
  const cN = new Float64Array(L * D * B * H);
  let input: ArrayLike<number> = x;
  let width = c.I;
  for (let k = 0; k < L; k++) {
    const out = new Float64Array(T * B * D * H);
    for (let d = 0; d < D; d++) {
      const s = `l${k}${d ? '_reverse' : ''}`;
      const [wih, whh, bih, bhh] = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map(
        (n) => w[`${n}_${s}`],
      );
      const base = (k * D + d) * B * H;
      const h = Float64Array.from({ length: B * H }, (_, i) => (h0 ? h0[base + i] : 0));
      const cs = Float64Array.from({ length: B * H }, (_, i) => (c0 ? c0[base + i] : 0));
      for (let step = 0; step < T; step++) {
        const t = d ? T - 1 - step : step;
        for (let b = 0; b < B; b++) {
          const gx = affine(wih, bih, input, (t * B + b) * width, width, G * H);
          const gh = affine(whh, bhh, h, b * H, H, G * H);
          cellStep(c.cell, H, gx, gh, h, cs, b * H);
          for (let j = 0; j < H; j++) out[(t * B + b) * D * H + d * H + j] = h[b * H + j];
        }
      }
      hN.set(h, base);
      cN.set(cs, base);
    }
    input = out;
    width = D * H;
  }
  return { outputs: input as Float64Array, hN, cN };
}

/** W [rows, n]·v[off .. off+n] + b. */
function affine(
  W: ArrayLike<number>,
  b: ArrayLike<number>,
  v: ArrayLike<number>,
  off: number,
  n: number,
  rows: number,
) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b[r];
    for (let i = 0; i < n; i++) s += W[r * n + i] * v[off + i];
    y[r] = s;
  }
  return y;
}

/** Updates h (and c) of one batch row in place from the two projections. */
function cellStep(
  cell: RefCell,
  H: number,
  gx: Float64Array,
  gh: Float64Array,
  h: Float64Array,
  c: Float64Array,
  o: number,
) {
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn_tanh') h[o + j] = Math.tanh(gx[j] + gh[j]);
    else if (cell === 'rnn_relu') h[o + j] = Math.max(0, gx[j] + gh[j]);
    else if (cell === 'lstm') {
      const i = sigmoid(gx[j] + gh[j]);
      const f = sigmoid(gx[H + j] + gh[H + j]);
      const g = Math.tanh(gx[2 * H + j] + gh[2 * H + j]);
      const og = sigmoid(gx[3 * H + j] + gh[3 * H + j]);
      c[o + j] = f * c[o + j] + i * g;
      h[o + j] = og * Math.tanh(c[o + j]);
    } else {
      const r = sigmoid(gx[j] + gh[j]);
      const z = sigmoid(gx[H + j] + gh[H + j]);
      const n = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
      h[o + j] = (1 - z) * n + z * h[o + j];
    }
  }
}
