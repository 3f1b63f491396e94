// Naive and seasonal-naive MAE in float64, computed as anchors.R computes them: they reproduce anchors.csv (a
// check of our split), and they are the yardstick for the covariate runs, which have no R anchors.

/** Mean |y[t] − y[t−1]| over the test rows o..N−1. */
export function naiveOneStep(y: Float64Array, o: number): number {
  let sum = 0;
  for (let t = o; t < y.length; t++) sum += Math.abs(y[t] - y[t - 1]);
  return sum / (y.length - o);
}

/**
 * Rolling H-step MAE of seasonal naive (m = 1: naive) over origins oo = o..N−H: row oo + k is forecast by the
 * value one season before it within the last season of history, y[oo − m + (k mod m)].
 */
export function seasonalNaiveRolling(y: Float64Array, o: number, H: number, m: number): number {
  let sum = 0;
  let count = 0;
  for (let oo = o; oo <= y.length - H; oo++) {
    for (let k = 0; k < H; k++) sum += Math.abs(y[oo + k] - y[oo - m + (k % m)]);
    count += H;
  }
  return sum / count;
}

/** The same for column `c` of a row-major [N, F] matrix. */
export function seasonalNaiveRollingColumn(
  x: Float64Array,
  F: number,
  c: number,
  o: number,
  H: number,
  m: number,
): number {
  const y = Float64Array.from({ length: x.length / F }, (_, r) => x[r * F + c]);
  return seasonalNaiveRolling(y, o, H, m);
}
