// TypeScript twin of assembly/loss-pointwise.ts: per-row lane sums, the same terms and operation order,
// every f32 operation rounded. The row mask weighs each row; 0 as the pointer means every row weighs 1.

import { fround, type Heap } from './heap.ts';
import { exp1, log1, sigmoid1 } from './math.ts';

type Term = (p: number, t: number, delta: number) => number;

const mseTerm: Term = (p, t) => {
  const d = fround(p - t);
  return fround(d * d);
};
const l1Term: Term = (p, t) => Math.abs(fround(p - t));
const huberTerm: Term = (p, t, delta) => {
  const d = fround(p - t);
  const a = Math.abs(d);
  return a < delta ? fround(fround(0.5 * d) * d) : fround(delta * fround(a - fround(0.5 * delta)));
};
const bceTerm: Term = (p, t) => {
  // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 0) is NaN; the wasm lane mask gives 0.
  const relu = p > 0 ? p : 0;
  const soft = log1(fround(1 + exp1(-Math.abs(p))));
  return fround(fround(relu - fround(p * t)) + soft);
};

const mseGrad: Term = (p, t) => fround(2 * fround(p - t));
const l1Grad: Term = (p, t) => {
  const d = fround(p - t);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
};
const huberGrad: Term = (p, t, delta) => {
  const d = fround(p - t);
  // biome-ignore lint/complexity/useMathMinMax: Math.min propagates NaN differently from the wasm bitselect.
  const c = d >= delta ? delta : d;
  return d <= -delta ? -delta : c;
};
const bceGrad: Term = (p, t) => fround(sigmoid1(p) - t);

function lossFwd(
  term: Term,
  h: Heap,
  pred: number,
  target: number,
  mask: number,
  rows: number,
  cols: number,
  delta: number,
): number {
  const f = h.f32;
  const d = fround(delta);
  const l = [0, 0, 0, 0];
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const m = mask ? f[(mask >> 2) + r] : 1;
    if (m === 0) continue;
    const p = (pred >> 2) + r * cols;
    const t = (target >> 2) + r * cols;
    l.fill(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      for (let k = 0; k < 4; k++) l[k] = fround(l[k] + term(f[p + j + k], f[t + j + k], d));
    }
    let sum = fround(fround(l[0] + l[1]) + fround(l[2] + l[3]));
    for (; j < cols; j++) sum = fround(sum + term(f[p + j], f[t + j], d));
    total = fround(total + fround(m * sum));
  }
  return total;
}

function lossBwd(
  grad: Term,
  h: Heap,
  dpred: number,
  pred: number,
  target: number,
  mask: number,
  rows: number,
  cols: number,
  scale: number,
  delta: number,
): void {
  const f = h.f32;
  const d = fround(delta);
  for (let r = 0; r < rows; r++) {
    const o = (dpred >> 2) + r * cols;
    const s = mask ? fround(fround(scale) * f[(mask >> 2) + r]) : fround(scale);
    if (s === 0) {
      f.fill(0, o, o + cols);
      continue;
    }
    const p = (pred >> 2) + r * cols;
    const t = (target >> 2) + r * cols;
    for (let j = 0; j < cols; j++) f[o + j] = s * grad(f[p + j], f[t + j], d);
  }
}

type Fwd = (h: Heap, pred: number, target: number, mask: number, rows: number, cols: number) => number;
type Bwd = (
  h: Heap,
  dpred: number,
  pred: number,
  target: number,
  mask: number,
  rows: number,
  cols: number,
  scale: number,
) => void;

const fwd =
  (term: Term): Fwd =>
  (h, pred, target, mask, rows, cols) =>
    lossFwd(term, h, pred, target, mask, rows, cols, 0);
const bwd =
  (grad: Term): Bwd =>
  (h, dpred, pred, target, mask, rows, cols, scale) =>
    lossBwd(grad, h, dpred, pred, target, mask, rows, cols, scale, 0);

export const mse_rows_fwd_f32 = fwd(mseTerm);
export const mse_rows_bwd_f32 = bwd(mseGrad);
export const l1_rows_fwd_f32 = fwd(l1Term);
export const l1_rows_bwd_f32 = bwd(l1Grad);
export const bce_logits_rows_fwd_f32 = fwd(bceTerm);
export const bce_logits_rows_bwd_f32 = bwd(bceGrad);

export function huber_rows_fwd_f32(
  h: Heap,
  pred: number,
  target: number,
  mask: number,
  rows: number,
  cols: number,
  delta: number,
): number {
  return lossFwd(huberTerm, h, pred, target, mask, rows, cols, delta);
}

export function huber_rows_bwd_f32(
  h: Heap,
  dpred: number,
  pred: number,
  target: number,
  mask: number,
  rows: number,
  cols: number,
  scale: number,
  delta: number,
): void {
  lossBwd(huberGrad, h, dpred, pred, target, mask, rows, cols, scale, delta);
}
