// An independent float64 reference of the GRU with the reset gate before the recurrent product (Cho et al. 2014,
// Keras reset_after=False, ONNX linear_before_reset = 0), written from the equations with Math.exp / Math.tanh:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + W_hn (r⊙h) + b_hn), h' = (1 − z)⊙n + z⊙h.
// Forward and a hand-written backward (stacked, bidirectional, per-row lengths), under PyTorch's parameter names.
// No framework trains this variant under those names, so the backward is itself checked by central differences
// (test/gru-reset-before.test.ts) before anything is compared with it.

export interface RbConfig {
  I: number;
  H: number;
  L: number;
  D: number;
}

export type Weights = Record<string, Float64Array>;

interface StepTape {
  x: Float64Array;
  hPrev: Float64Array;
  r: Float64Array;
  z: Float64Array;
  n: Float64Array;
  rh: Float64Array;
}

export interface RbForward {
  /** [T, B, D·H] time-major, 0 on padded steps. */
  outputs: Float64Array;
  /** [L·D, B, H]. */
  hN: Float64Array;
  /** Per unit (k·D + d), per (t·B + b): what backward needs, undefined on padded steps. */
  tapes: (StepTape | undefined)[][];
  /** Each layer's input [T, B, width]. */
  inputs: Float64Array[];
}

export interface RbGrads {
  dX: Float64Array;
  dH0: Float64Array;
  weights: Weights;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const unitName = (k: number, d: number) => `l${k}${d ? '_reverse' : ''}`;
const width = (c: RbConfig, k: number) => (k === 0 ? c.I : c.D * c.H);
const active = (lengths: ArrayLike<number> | undefined, b: number, t: number, T: number) =>
  t < (lengths ? lengths[b] : T);

/** y[r] = b[r] + Σ_i W[r0 + r, i]·v[off + i] for r < rows. */
function matvec(W: Float64Array, r0: number, n: number, v: ArrayLike<number>, off: number, rows: number) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[(r0 + r) * n + i] * v[off + i];
    y[r] = s;
  }
  return y;
}

/** x [T, B, I] time-major; h0 [L·D, B, H] or undefined (zeros); lengths [B] or undefined (all T). */
export function rbForward(
  c: RbConfig,
  w: Weights,
  x: ArrayLike<number>,
  T: number,
  B: number,
  h0?: ArrayLike<number>,
  lengths?: ArrayLike<number>,
): RbForward {
  const { H, L, D } = c;
  const hN = new Float64Array(L * D * B * H);
  const tapes: (StepTape | undefined)[][] = [];
  const inputs: Float64Array[] = [];
  let input = Float64Array.from(x);
  for (let k = 0; k < L; k++) {
    inputs.push(input);
    const I = width(c, k);
    const out = new Float64Array(T * B * D * H);
    for (let d = 0; d < D; d++) {
      const s = unitName(k, d);
      const [wih, whh, bih, bhh] = [
        w[`weight_ih_${s}`],
        w[`weight_hh_${s}`],
        w[`bias_ih_${s}`],
        w[`bias_hh_${s}`],
      ];
      const tape: (StepTape | undefined)[] = new Array(T * B);
      const base = (k * D + d) * B * H;
      for (let b = 0; b < B; b++) {
        let h = Float64Array.from({ length: H }, (_, j) => (h0 ? h0[base + b * H + j] : 0));
        for (let step = 0; step < T; step++) {
          const t = d ? T - 1 - step : step;
          if (!active(lengths, b, t, T)) continue;
          const xin = input.slice((t * B + b) * I, (t * B + b + 1) * I);
          const gx = matvec(wih, 0, I, xin, 0, 3 * H);
          const gh = matvec(whh, 0, H, h, 0, 2 * H);
          const r = Float64Array.from({ length: H }, (_, j) => sigmoid(gx[j] + bih[j] + gh[j] + bhh[j]));
          const z = Float64Array.from({ length: H }, (_, j) =>
            sigmoid(gx[H + j] + bih[H + j] + gh[H + j] + bhh[H + j]),
          );
          const rh = Float64Array.from({ length: H }, (_, j) => r[j] * h[j]);
          const hn = matvec(whh, 2 * H, H, rh, 0, H);
          const n = Float64Array.from({ length: H }, (_, j) =>
            Math.tanh(gx[2 * H + j] + bih[2 * H + j] + hn[j] + bhh[2 * H + j]),
          );
          const next = Float64Array.from({ length: H }, (_, j) => (1 - z[j]) * n[j] + z[j] * h[j]);
          tape[t * B + b] = { x: xin, hPrev: h, r, z, n, rh };
          h = next;
          for (let j = 0; j < H; j++) out[(t * B + b) * D * H + d * H + j] = h[j];
        }
        hN.set(h, base + b * H);
      }
      tapes.push(tape);
    }
    input = out;
  }
  return { outputs: input, hN, tapes, inputs };
}

function zeroGrads(c: RbConfig): Weights {
  const g: Weights = {};
  const G = 3 * c.H;
  for (let k = 0; k < c.L; k++) {
    for (let d = 0; d < c.D; d++) {
      const s = unitName(k, d);
      g[`weight_ih_${s}`] = new Float64Array(G * width(c, k));
      g[`weight_hh_${s}`] = new Float64Array(G * c.H);
      g[`bias_ih_${s}`] = new Float64Array(G);
      g[`bias_hh_${s}`] = new Float64Array(G);
    }
  }
  return g;
}

/** Gradients of L = Σ outputs⊙dOutputs + Σ hN⊙dHn through the forward `f` (its tapes know the padded steps). */
export function rbBackward(
  c: RbConfig,
  w: Weights,
  f: RbForward,
  T: number,
  B: number,
  dOutputs: ArrayLike<number>,
  dHn: ArrayLike<number>,
): RbGrads {
  const { H, L, D } = c;
  const g = zeroGrads(c);
  const dH0 = new Float64Array(L * D * B * H);
  let dOut = Float64Array.from(dOutputs);
  for (let k = L - 1; k >= 0; k--) {
    const I = width(c, k);
    const dIn = new Float64Array(T * B * I);
    for (let d = 0; d < D; d++) {
      const s = unitName(k, d);
      const wih = w[`weight_ih_${s}`];
      const whh = w[`weight_hh_${s}`];
      const [gwih, gwhh, gbih, gbhh] = [
        g[`weight_ih_${s}`],
        g[`weight_hh_${s}`],
        g[`bias_ih_${s}`],
        g[`bias_hh_${s}`],
      ];
      const tape = f.tapes[k * D + d];
      const base = (k * D + d) * B * H;
      for (let b = 0; b < B; b++) {
        let dh = Float64Array.from({ length: H }, (_, j) => dHn[base + b * H + j]);
        for (let step = T - 1; step >= 0; step--) {
          const t = d ? T - 1 - step : step;
          const st = tape[t * B + b];
          if (!st) continue;
          const { x, hPrev, r, z, n, rh } = st;
          for (let j = 0; j < H; j++) dh[j] += dOut[(t * B + b) * D * H + d * H + j];
          // Pre-activation gradients of r, z, n (a_r, a_z, a_n).
          const an = Float64Array.from({ length: H }, (_, j) => dh[j] * (1 - z[j]) * (1 - n[j] * n[j]));
          const az = Float64Array.from(
            { length: H },
            (_, j) => dh[j] * (hPrev[j] - n[j]) * z[j] * (1 - z[j]),
          );
          const drh = new Float64Array(H);
          for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) drh[i] += whh[(2 * H + j) * H + i] * an[j];
          const ar = Float64Array.from({ length: H }, (_, j) => drh[j] * hPrev[j] * r[j] * (1 - r[j]));
          const a = [ar, az, an];
          const dPrev = Float64Array.from({ length: H }, (_, j) => dh[j] * z[j] + drh[j] * r[j]);
          for (let q = 0; q < 3; q++) {
            for (let j = 0; j < H; j++) {
              const row = q * H + j;
              const v = a[q][j];
              gbih[row] += v;
              gbhh[row] += v;
              for (let i = 0; i < I; i++) {
                gwih[row * I + i] += v * x[i];
                dIn[(t * B + b) * I + i] += wih[row * I + i] * v;
              }
              // r and z read h_{t−1}; n reads r⊙h_{t−1}.
              const hin = q === 2 ? rh : hPrev;
              for (let i = 0; i < H; i++) gwhh[row * H + i] += v * hin[i];
              if (q < 2) for (let i = 0; i < H; i++) dPrev[i] += whh[row * H + i] * v;
            }
          }
          dh = dPrev;
        }
        dH0.set(dh, base + b * H);
      }
    }
    dOut = dIn;
  }
  return { dX: dOut, dH0, weights: g };
}
