// Prediction intervals from the validation errors (split conformal), lead by lead: the error of a
// forecast h steps ahead is scaled by that lead's typical error (root mean square, made non-decreasing in h and
// extended past the validated leads as √h growth), the scaled errors of every lead are pooled, and a level's
// half-width is their conformal quantile times the lead's scale. Pooling is what makes 40
// validation points enough: each lead alone would hold a handful.

export interface IntervalModel {
  /** Typical absolute error per validated lead (≥ 1 entry). */
  scale: number[];
  /** Pooled |error| / scale, sorted ascending. */
  scores: number[];
  /** Errors were relative to the forecast: half-widths are fractions of it. */
  relative?: boolean;
}

/** From validation errors [origins · horizon] (NaN = not scored); undefined when fewer than 5 were scored. */
export function fitIntervals(
  errors: Float64Array,
  horizon: number,
  relative = false,
): IntervalModel | undefined {
  const sums = new Float64Array(horizon);
  const counts = new Float64Array(horizon);
  for (let j = 0; j < errors.length; j++) {
    if (Number.isNaN(errors[j])) continue;
    sums[j % horizon] += errors[j] ** 2;
    counts[j % horizon] += 1;
  }
  if (counts.reduce((a, v) => a + v, 0) < 5) return undefined;
  const scale: number[] = [];
  for (let h = 0; h < horizon; h++) {
    // A lead scored fewer than 3 times takes √h growth from the last well-measured one.
    const own = counts[h] >= 3 ? Math.sqrt(sums[h] / counts[h]) : Number.NaN;
    const grown = h > 0 ? scale[h - 1] * Math.sqrt((h + 1) / h) : Number.NaN;
    let s = Number.isNaN(own) ? grown : own;
    if (h > 0) s = Math.max(s, scale[h - 1]);
    if (Number.isNaN(s)) s = Math.sqrt(sums[0] / Math.max(1, counts[0]));
    scale.push(s > 0 ? s : Number.MIN_VALUE);
  }
  const scores: number[] = [];
  for (let j = 0; j < errors.length; j++) {
    if (!Number.isNaN(errors[j])) scores.push(Math.abs(errors[j]) / scale[j % horizon]);
  }
  scores.sort((a, b) => a - b);
  return relative ? { scale, scores, relative } : { scale, scores };
}

/** Half-width at lead h (0-based) for a level in percent. */
export function halfWidth(model: IntervalModel, level: number, h: number): number {
  const last = model.scale.length - 1;
  const scale = h <= last ? model.scale[h] : model.scale[last] * Math.sqrt((h + 1) / (last + 1));
  return quantile(model.scores, level / 100) * scale;
}

/**
 * Split conformal's quantile: the ⌈(n + 1)·p⌉-th smallest score (the largest when that passes n), which covers
 * at least p of exchangeable errors; validation errors come from models fitted on fewer rows than the final
 * one, a margin that keeps bands honest when the test stretch is rougher than validation.
 */
function quantile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.ceil((sorted.length + 1) * p));
  return sorted[Math.max(0, rank - 1)];
}
