// How the ensemble's members err on rows they were not fitted on: each member's forecasts at the validation
// origins, the same for the chosen mean on an earlier stretch (for the intervals), and whether a series' errors
// should be read relative to its level.

import { refit } from './stats/candidates.ts';
import type { UnivariateModel } from './stats/model.ts';

/** A member's forecasts at the validation origins [origins · horizon], NaN past `end`. */
export function atOrigins(
  model: UnivariateModel,
  fittedRows: number,
  y: Float64Array,
  origins: Int32Array,
  horizon: number,
  end: number,
): Float64Array {
  const out = new Float64Array(origins.length * horizon).fill(Number.NaN);
  if (fittedRows < model.minHistory) return out;
  origins.forEach((o, i) => {
    const f = model.forecast(model.filter(y.subarray(0, o)), horizon);
    for (let h = 0; h < horizon && o + h < end; h++) out[i * horizon + h] = f[h];
  });
  return out;
}

/**
 * The chosen statistical members' errors on the stretch of the same length before the validation rows, refitted
 * on what precedes it: a second look at how the mean errs, so the intervals rest on twice the errors and on two
 * stretches of the series rather than one. Undefined when the rows before that stretch are too few to fit on (the
 * caller leaves the network out: its forecasts there would be in-sample).
 */
export function earlierErrors(
  models: UnivariateModel[],
  y: Float64Array,
  trainEnd: number,
  length: number,
  horizon: number,
  season: number,
): { errors: Float64Array; actual: Float64Array } | undefined {
  const start = trainEnd - length;
  if (length < 1 || start < Math.max(20, 3 * season)) return undefined;
  const refitted = models.map((m) => refit(m, y.subarray(0, start)));
  const errors = new Float64Array(length * horizon).fill(Number.NaN);
  const actual = new Float64Array(length * horizon).fill(Number.NaN);
  for (let i = 0; i < length; i++) {
    const o = start + i;
    if (refitted.some((m) => o < m.minHistory)) continue;
    const forecasts = refitted.map((m) => m.forecast(m.filter(y.subarray(0, o)), horizon));
    for (let h = 0; h < horizon && o + h < trainEnd; h++) {
      const mean = forecasts.reduce((s, f) => s + f[h], 0) / forecasts.length;
      actual[i * horizon + h] = y[o + h];
      errors[i * horizon + h] = y[o + h] - mean;
    }
  }
  return { errors, actual };
}

export function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Positive throughout, and the mean of its last quarter at least 1.5× (or at most 2/3 of) its first quarter's. */
export function changesLevel(y: Float64Array): boolean {
  if (y.length < 8 || !y.every((v) => v > 0)) return false;
  const q = Math.floor(y.length / 4);
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const ratio = mean(y.subarray(y.length - q)) / mean(y.subarray(0, q));
  return ratio >= 1.5 || ratio <= 1 / 1.5;
}
