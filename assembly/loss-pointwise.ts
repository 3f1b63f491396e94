// Elementwise losses over pred, target [rows, cols] with an optional row weight mask [rows] (0 = every row
// weighs 1): MSE, L1 (MAE), Huber and binary cross-entropy with logits. A row of weight 0 is skipped, so padded
// steps of a variable-length batch add nothing, whatever their values. Forward: each row's terms as four lane
// sums, (l0 + l1) + (l2 + l3), then the tail in order; total += m·rowsum in row order. Backward: dpred =
// (scale·m)·term'. The TypeScript twin (bindings/kernels-ts/loss-pointwise.ts) does the same operations.

import { exp4, log4, sigmoid4 } from './math';

const MSE = 0;
const L1 = 1;
const HUBER = 2;
const BCE = 3;

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function sign4(d: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(v128.and(one, f32x4.gt(d, f32x4.splat(0))), v128.and(one, f32x4.lt(d, f32x4.splat(0))));
}

// Loss term per lane; kind is a literal at every call, so the branches fold away.
// @ts-ignore: decorator
@inline function term4(kind: i32, p: v128, t: v128, delta: f32): v128 {
  if (kind == BCE) {
    // max(x, 0) − x·y + log(1 + e^−|x|): never overflows.
    const relu = v128.and(p, f32x4.gt(p, f32x4.splat(0)));
    const soft = log4(f32x4.add(f32x4.splat(1), exp4(f32x4.neg(f32x4.abs(p)))));
    return f32x4.add(f32x4.sub(relu, f32x4.mul(p, t)), soft);
  }
  const d = f32x4.sub(p, t);
  if (kind == MSE) return f32x4.mul(d, d);
  const a = f32x4.abs(d);
  if (kind == L1) return a;
  const vd = f32x4.splat(delta);
  const quad = f32x4.mul(f32x4.mul(f32x4.splat(0.5), d), d);
  const lin = f32x4.mul(vd, f32x4.sub(a, f32x4.splat(<f32>0.5 * delta)));
  return v128.bitselect(quad, lin, f32x4.lt(a, vd));
}

// @ts-ignore: decorator
@inline function term1(kind: i32, p: f32, t: f32, delta: f32): f32 {
  return f32x4.extract_lane(term4(kind, f32x4.splat(p), f32x4.splat(t), delta), 0);
}

// Derivative of the term in pred per lane.
// @ts-ignore: decorator
@inline function grad4(kind: i32, p: v128, t: v128, delta: f32): v128 {
  if (kind == BCE) return f32x4.sub(sigmoid4(p), t);
  const d = f32x4.sub(p, t);
  if (kind == MSE) return f32x4.mul(f32x4.splat(2), d);
  if (kind == L1) return sign4(d);
  const vd = f32x4.splat(delta);
  const nd = f32x4.splat(-delta);
  const c = v128.bitselect(vd, d, f32x4.ge(d, vd));
  return v128.bitselect(nd, c, f32x4.le(d, nd));
}

// @ts-ignore: decorator
@inline function grad1(kind: i32, p: f32, t: f32, delta: f32): f32 {
  return f32x4.extract_lane(grad4(kind, f32x4.splat(p), f32x4.splat(t), delta), 0);
}

// @ts-ignore: decorator
@inline function lossFwd(kind: i32, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, delta: f32): f32 {
  let total: f32 = 0;
  for (let r = 0; r < rows; r++) {
    const m: f32 = mask ? load<f32>(mask + (<usize>r << 2)) : 1;
    if (m == 0) continue;
    const o = (<usize>r * <usize>cols) << 2;
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const k = o + (<usize>j << 2);
      acc = f32x4.add(acc, term4(kind, v128.load(pred + k), v128.load(target + k), delta));
    }
    let sum = hsum(acc);
    for (; j < cols; j++) {
      const k = o + (<usize>j << 2);
      sum += term1(kind, load<f32>(pred + k), load<f32>(target + k), delta);
    }
    total += m * sum;
  }
  return total;
}

// @ts-ignore: decorator
@inline function lossBwd(kind: i32, dpred: usize, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, scale: f32, delta: f32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>cols) << 2;
    const s: f32 = mask ? scale * load<f32>(mask + (<usize>r << 2)) : scale;
    if (s == 0) {
      memory.fill(dpred + o, 0, <usize>cols << 2);
      continue;
    }
    const vs = f32x4.splat(s);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const k = o + (<usize>j << 2);
      v128.store(dpred + k, f32x4.mul(vs, grad4(kind, v128.load(pred + k), v128.load(target + k), delta)));
    }
    for (; j < cols; j++) {
      const k = o + (<usize>j << 2);
      store<f32>(dpred + k, s * grad1(kind, load<f32>(pred + k), load<f32>(target + k), delta));
    }
  }
}

// pred, target [rows, cols]; mask f32 [rows] or 0. Returns Σ m·(pred − target)².
export function mse_rows_fwd_f32(pred: usize, target: usize, mask: usize, rows: i32, cols: i32): f32 {
  return lossFwd(MSE, pred, target, mask, rows, cols, 0);
}

// dpred = (scale·m)·2(pred − target); dpred may alias pred.
export function mse_rows_bwd_f32(dpred: usize, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, scale: f32): void {
  lossBwd(MSE, dpred, pred, target, mask, rows, cols, scale, 0);
}

// Σ m·|pred − target|.
export function l1_rows_fwd_f32(pred: usize, target: usize, mask: usize, rows: i32, cols: i32): f32 {
  return lossFwd(L1, pred, target, mask, rows, cols, 0);
}

// dpred = (scale·m)·sign(pred − target), sign(0) = 0 (as torch).
export function l1_rows_bwd_f32(dpred: usize, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, scale: f32): void {
  lossBwd(L1, dpred, pred, target, mask, rows, cols, scale, 0);
}

// Σ m·huber_δ(pred − target): 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ) (torch.nn.functional.huber_loss).
export function huber_rows_fwd_f32(pred: usize, target: usize, mask: usize, rows: i32, cols: i32, delta: f32): f32 {
  return lossFwd(HUBER, pred, target, mask, rows, cols, delta);
}

// dpred = (scale·m)·clamp(pred − target, −δ, δ).
export function huber_rows_bwd_f32(dpred: usize, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, scale: f32, delta: f32): void {
  lossBwd(HUBER, dpred, pred, target, mask, rows, cols, scale, delta);
}

// pred = logits x, target = probabilities y in [0, 1]. Σ m·(max(x, 0) − x·y + log(1 + e^−|x|)).
export function bce_logits_rows_fwd_f32(pred: usize, target: usize, mask: usize, rows: i32, cols: i32): f32 {
  return lossFwd(BCE, pred, target, mask, rows, cols, 0);
}

// dpred = (scale·m)·(σ(x) − y).
export function bce_logits_rows_bwd_f32(dpred: usize, pred: usize, target: usize, mask: usize, rows: i32, cols: i32, scale: f32): void {
  lossBwd(BCE, dpred, pred, target, mask, rows, cols, scale, 0);
}
