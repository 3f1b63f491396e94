// The two imputation baselines, in float64: linear interpolation between the nearest present neighbours, and
// seasonal interpolation between the nearest present neighbours of the same season (m, 2m, … rows away), which
// keeps a seasonal shape that a straight line across a gap flattens.

/** NaN cells filled linearly between the nearest present cells; a run at either end takes the nearest value. */
export function linearFill(y: Float64Array): Float64Array {
  const out = y.slice();
  for (let t = 0; t < y.length; t++) {
    if (!Number.isNaN(y[t])) continue;
    out[t] = between(y, t, 1) ?? Number.NaN;
  }
  return out;
}

/** NaN cells filled between same-season neighbours present on both sides; otherwise as linearFill. */
export function seasonalFill(y: Float64Array, m: number): Float64Array {
  const linear = linearFill(y);
  const out = y.slice();
  for (let t = 0; t < y.length; t++) {
    if (!Number.isNaN(y[t])) continue;
    out[t] = (m > 1 ? between(y, t, m, true) : undefined) ?? linear[t];
  }
  return out;
}

/**
 * The value at t interpolated between the nearest present cells t − k·step and t + j·step. With `both`, only when
 * both exist; without, one side alone is carried (the ends of the series).
 */
function between(y: Float64Array, t: number, step: number, both = false): number | undefined {
  let a = t - step;
  while (a >= 0 && Number.isNaN(y[a])) a -= step;
  let b = t + step;
  while (b < y.length && Number.isNaN(y[b])) b += step;
  const hasA = a >= 0;
  const hasB = b < y.length;
  if (hasA && hasB) return y[a] + ((y[b] - y[a]) * (t - a)) / (b - a);
  if (both) return undefined;
  return hasA ? y[a] : hasB ? y[b] : undefined;
}
