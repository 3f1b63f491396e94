// Twin of assembly/cell.ts: where step s of a direction reads and writes (see that file for the layout).

import { fround } from './heap.ts';

export const timeOf = (s: number, T: number, reverse: number): number => (reverse ? T - 1 - s : s);
export const prevRow = (t: number, reverse: number): number => (reverse ? t + 1 : t);
export const curRow = (t: number, reverse: number): number => (reverse ? t : t + 1);

/** Writes the initial state into its history row (float index `hist`): a copy of src, or zeros when src is 0. */
export function loadState(
  f: Float32Array,
  hist: number,
  src: number,
  T: number,
  BH: number,
  reverse: number,
) {
  const dst = hist + (reverse ? T : 0) * BH;
  if (src) f.copyWithin(dst, src >> 2, (src >> 2) + BH);
  else f.fill(0, dst, dst + BH);
}

/** True when step t of batch row b is padding (lengths: byte pointer of i32 [B], or 0 for all T). */
export const padded = (i32: Int32Array, lengths: number, b: number, t: number): boolean =>
  lengths !== 0 && t >= i32[(lengths >> 2) + b];

/** Copies H floats of a history (float index `hist`) from row offset `from` to `to`: a state held through padding. */
export function holdState(f: Float32Array, hist: number, from: number, to: number, H: number): void {
  f.copyWithin(hist + to, hist + from, hist + from + H);
}

/** Float index of row r of an inference kernel's input pre-activations: row r of xg, or row ids[r] (ids: byte
 * pointer of i32 [T·B], or 0) of a table, rows of GH floats. */
export const inputRow = (i32: Int32Array, xg: number, ids: number, r: number, GH: number): number =>
  (xg >> 2) + (ids ? i32[(ids >> 2) + r] : r) * GH;

/** The last step of an inference kernel wrote slot T & 1 of hist (float index) [2·B·H]: after an odd T, its state
 * into slot 0. */
export function settleState(f: Float32Array, hist: number, T: number, BH: number): void {
  if (T & 1) f.copyWithin(hist, hist + BH, hist + 2 * BH);
}

// Each cell's training and inference forwards are one time loop with a `lean` (inference) flag, which picks where
// the state of step s (time t) lives: history rows or the two slots (see assembly/cell.ts).

/** Offset (floats) of the state step s reads. */
export const stateBefore = (s: number, t: number, reverse: number, BH: number, lean: boolean): number =>
  lean ? (s & 1) * BH : prevRow(t, reverse) * BH;

/** Offset (floats) of the state step s writes. */
export const stateAfter = (s: number, t: number, reverse: number, BH: number, lean: boolean): number =>
  lean ? BH - (s & 1) * BH : curRow(t, reverse) * BH;

/** The initial state into its history row (float index `hist`), or (lean) slot 0. */
export function startState(
  f: Float32Array,
  hist: number,
  src: number,
  T: number,
  BH: number,
  reverse: number,
  lean: boolean,
): void {
  loadState(f, hist, src, lean ? 0 : T, BH, lean ? 0 : reverse);
}

/** After the loop: a lean forward's final state into slot 0 (a history is complete as it stands). */
export function finishState(f: Float32Array, hist: number, T: number, BH: number, lean: boolean): void {
  if (lean) settleState(f, hist, T, BH);
}

export const dsigmoid = (y: number): number => fround(y * fround(1 - y));
export const dtanh = (y: number): number => fround(1 - fround(y * y));
