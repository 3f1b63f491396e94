// TypeScript twin of assembly/loss.ts: the same lane sums, tails and operation order, every f32 op rounded.

import { fround, type Heap } from './heap.ts';
import { exp1, log1 } from './math.ts';

/** Sum of values[i] over [start, start + n) as four lane sums, (l0 + l1) + (l2 + l3), then the tail. */
function laneSum(values: (i: number) => number, n: number): number {
  const l = [0, 0, 0, 0];
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    for (let k = 0; k < 4; k++) l[k] = fround(l[k] + values(i + k));
  }
  let sum = fround(fround(l[0] + l[1]) + fround(l[2] + l[3]));
  for (; i < n; i++) sum = fround(sum + values(i));
  return sum;
}

/** Math.max propagates NaN and orders −0 < +0 like f32x4.max, so a sequential maximum matches. */
function rowmax(f: Float32Array, x: number, n: number): number {
  let m = f[x];
  for (let i = 1; i < n; i++) m = Math.max(m, f[x + i]);
  return m;
}

/** Row r's probabilities into probs, and its loss log Σe^(z − max) − (z_t − max) (0 for an ignored target). */
function rowXent(f: Float32Array, p: number, x: number, t: number, cols: number): number {
  const valid = t >= 0 && t < cols;
  const mx = rowmax(f, x, cols);
  const zt = valid ? fround(f[x + t] - mx) : 0;
  const s = laneSum((i) => {
    const e = exp1(fround(f[x + i] - mx));
    f[p + i] = e;
    return e;
  }, cols);
  for (let i = 0; i < cols; i++) f[p + i] = f[p + i] / s;
  return valid ? fround(log1(s) - zt) : 0;
}

export function softmax_xent_fwd_f32(
  h: Heap,
  probs: number,
  logits: number,
  targets: number,
  rows: number,
  cols: number,
): number {
  const f = h.f32;
  const t32 = h.i32;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const t = t32[(targets >> 2) + r];
    const term = rowXent(f, (probs >> 2) + r * cols, (logits >> 2) + r * cols, t, cols);
    if (t >= 0 && t < cols) loss = fround(loss + term);
  }
  return loss;
}

export function softmax_xent_bwd_f32(
  h: Heap,
  dlogits: number,
  probs: number,
  targets: number,
  rows: number,
  cols: number,
  scale: number,
): void {
  const f = h.f32;
  const t32 = h.i32;
  const s = fround(scale);
  for (let r = 0; r < rows; r++) {
    const d = (dlogits >> 2) + r * cols;
    const p = (probs >> 2) + r * cols;
    const t = t32[(targets >> 2) + r];
    if (t < 0 || t >= cols) {
      f.fill(0, d, d + cols);
      continue;
    }
    const pt = f[p + t];
    for (let i = 0; i < cols; i++) f[d + i] = s * f[p + i];
    f[d + t] = s * fround(pt - 1);
  }
}

export function mse_fwd_f32(h: Heap, pred: number, target: number, n: number): number {
  const f = h.f32;
  const pi = pred >> 2;
  const ti = target >> 2;
  return laneSum((i) => {
    const d = fround(f[pi + i] - f[ti + i]);
    return fround(d * d);
  }, n);
}

/** dpred = (2·scale)·(pred − target). */
export function mse_bwd_f32(
  h: Heap,
  dpred: number,
  pred: number,
  target: number,
  n: number,
  scale: number,
): void {
  const f = h.f32;
  const o = dpred >> 2;
  const pi = pred >> 2;
  const ti = target >> 2;
  const s2 = fround(fround(scale) * 2);
  for (let i = 0; i < n; i++) f[o + i] = s2 * fround(f[pi + i] - f[ti + i]);
}

/** Σ over non-ignored rows of weights[t]·(−log probs[r, t]); weights f32 [cols]. */
export function softmax_xent_weighted_fwd_f32(
  h: Heap,
  probs: number,
  logits: number,
  targets: number,
  weights: number,
  rows: number,
  cols: number,
): number {
  const f = h.f32;
  const t32 = h.i32;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const t = t32[(targets >> 2) + r];
    const term = rowXent(f, (probs >> 2) + r * cols, (logits >> 2) + r * cols, t, cols);
    if (t >= 0 && t < cols) loss = fround(loss + fround(f[(weights >> 2) + t] * term));
  }
  return loss;
}

/** dlogits = (scale·weights[t])·(probs − onehot(t)); ignored rows get 0. */
export function softmax_xent_weighted_bwd_f32(
  h: Heap,
  dlogits: number,
  probs: number,
  targets: number,
  weights: number,
  rows: number,
  cols: number,
  scale: number,
): void {
  for (let r = 0; r < rows; r++) {
    const t = h.i32[(targets >> 2) + r];
    const rs = t >= 0 && t < cols ? fround(fround(scale) * h.f32[(weights >> 2) + t]) : 0;
    const o = r * cols * 4;
    softmax_xent_bwd_f32(h, dlogits + o, probs + o, targets + r * 4, 1, cols, rs);
  }
}
