// Shared by the sequence kernels (cell-rnn/lstm/gru.ts): where step s of a direction reads and writes.
//
// A direction visits times t = s (forward) or t = T−1−s (reverse). Its state history hs (and cs) holds T+1
// rows of [B, H] in *time* order with the initial state in the extra row: row 0 for forward, row T for
// reverse. So the state before time t is row t (forward) or t+1 (reverse), the state after it row t+1 or t,
// and hs + (reverse ? B·H : 0) is H_prev [T·B, H], aligned with time, for the single dW_hh GEMM after BPTT.
//
// An inference kernel (*_seq_infer_f32, no backward follows) keeps no history: hs (and cs) [2·B·H] are two slots,
// step s reading slot s & 1 and writing the other, slot 0 holding the initial state on entry and the final one on
// return. Its input pre-activations are row r of xg [T·B, G·H], or with ids (i32 [T·B]) row ids[r] of a table.
//
// Variable lengths: lengths i32 [B] (1 ≤ len ≤ T) or 0 for all T. A step t ≥ len[b] of row b is padding: forward
// copies the state through unchanged (so row T of a forward history is the state at the row's own last step, and
// a reverse direction starts at that step from the initial state) and writes a zero output; backward passes dh
// (and dc) through untouched and writes zero gate gradients, so padding adds nothing to any weight gradient.

/** Time index of step s. */
// @ts-ignore: decorator
@inline export function timeOf(s: i32, T: i32, reverse: i32): i32 {
  return reverse ? T - 1 - s : s;
}

/** Row of the history holding the state before time t. */
// @ts-ignore: decorator
@inline export function prevRow(t: i32, reverse: i32): i32 {
  return reverse ? t + 1 : t;
}

/** Row of the history holding the state after time t. */
// @ts-ignore: decorator
@inline export function curRow(t: i32, reverse: i32): i32 {
  return reverse ? t : t + 1;
}

/** Byte address of float `index` from `base`. */
// @ts-ignore: decorator
@inline export function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** True when step t of batch row b is padding. */
// @ts-ignore: decorator
@inline export function padded(lengths: usize, b: i32, t: i32): bool {
  return lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2));
}

/** Copies H floats of a history from row offset `from` to `to` (floats): the state held through a padded step. */
// @ts-ignore: decorator
@inline export function holdState(hist: usize, from: i32, to: i32, H: i32): void {
  memory.copy(at(hist, to), at(hist, from), <usize>H << 2);
}

/** Writes the initial state into its history row: a copy of src [B·H], or zeros when src is 0 (none). */
export function loadState(hist: usize, src: usize, T: i32, BH: i32, reverse: i32): void {
  const dst = at(hist, (reverse ? T : 0) * BH);
  if (src) memory.copy(dst, src, <usize>BH << 2);
  else memory.fill(dst, 0, <usize>BH << 2);
}

/** Byte address of row r of an inference kernel's input pre-activations (rows of GH floats; see above). */
// @ts-ignore: decorator
@inline export function inputRow(xg: usize, ids: usize, r: i32, GH: i32): usize {
  return at(xg, (ids ? load<i32>(ids + (<usize>r << 2)) : r) * GH);
}

/** The last step of an inference kernel wrote slot T & 1 of hist [2·B·H]: after an odd T, its state into slot 0. */
// @ts-ignore: decorator
@inline export function settleState(hist: usize, T: i32, BH: i32): void {
  if (T & 1) memory.copy(hist, at(hist, BH), <usize>BH << 2);
}

// Each cell's training and inference forwards are one time loop, inlined twice with a constant `lean` (inference)
// flag, which picks where the state of step s (time t) lives: history rows or the two slots.

/** Offset (floats) of the state step s reads. */
// @ts-ignore: decorator
@inline export function stateBefore(s: i32, t: i32, reverse: i32, BH: i32, lean: bool): i32 {
  return lean ? (s & 1) * BH : prevRow(t, reverse) * BH;
}

/** Offset (floats) of the state step s writes. */
// @ts-ignore: decorator
@inline export function stateAfter(s: i32, t: i32, reverse: i32, BH: i32, lean: bool): i32 {
  return lean ? BH - (s & 1) * BH : curRow(t, reverse) * BH;
}

/** The initial state into its history row, or (lean) slot 0. */
// @ts-ignore: decorator
@inline export function startState(hist: usize, src: usize, T: i32, BH: i32, reverse: i32, lean: bool): void {
  loadState(hist, src, lean ? 0 : T, BH, lean ? 0 : reverse);
}

/** After the loop: a lean forward's final state into slot 0 (a history is complete as it stands). */
// @ts-ignore: decorator
@inline export function finishState(hist: usize, T: i32, BH: i32, lean: bool): void {
  if (lean) settleState(hist, T, BH);
}

/** 1 − v per lane. */
// @ts-ignore: decorator
@inline export function oneMinus(v: v128): v128 {
  return f32x4.sub(f32x4.splat(1), v);
}

/** Derivative of σ from its output: y·(1 − y). */
// @ts-ignore: decorator
@inline export function dsigmoid(y: v128): v128 {
  return f32x4.mul(y, oneMinus(y));
}

/** Derivative of tanh from its output: 1 − y². */
// @ts-ignore: decorator
@inline export function dtanh(y: v128): v128 {
  return oneMinus(f32x4.mul(y, y));
}

// @ts-ignore: decorator
@inline export function dsigmoid1(y: f32): f32 {
  return y * (<f32>1 - y);
}

// @ts-ignore: decorator
@inline export function dtanh1(y: f32): f32 {
  return <f32>1 - y * y;
}
