// Model-based gap filling: each gap is forecast forward from the values before it and backward from the values
// after it (by a model of the reversed series), each bridged onto the observed value at its far end, and the
// two are blended with weights that move linearly across the gap. Where only one side has enough
// history (a gap at the start or the end), that side fills it alone; where neither has, the linear fill stays.

/** A forecast of `steps` values after `history` (undefined: this side cannot forecast from so little). */
export type SideForecast = (history: Float64Array, steps: number) => Float64Array | undefined;

/** `y` with its NaN runs filled; `linear` is `y` filled by linear interpolation (the fallback and the context). */
export function imputeGaps(
  y: Float64Array,
  linear: Float64Array,
  forward: SideForecast,
  backward: SideForecast,
): Float64Array {
  const out = Float64Array.from(linear);
  for (const [from, to] of gapsOf(y)) {
    const steps = to - from;
    // The history passed holds this function's fills of earlier gaps (a side may read only its length, as the
    // Forecaster's forward side does); the future after the gap, linear ones.
    // Each side forecasts one step past the gap, onto the observed value on the far side, and is bridged to it:
    // the miss there is spread linearly over the gap, so a trend extrapolated from one end cannot run away.
    const ahead = from > 0 ? forward(out.slice(0, from), steps + (to < y.length ? 1 : 0)) : undefined;
    const behind =
      to < y.length ? backward(out.slice(to).reverse(), steps + (from > 0 ? 1 : 0))?.reverse() : undefined;
    if (ahead && to < y.length) bridge(ahead, steps, out[to] - ahead[steps], false);
    if (behind && from > 0) bridge(behind, steps, out[from - 1] - behind[0], true);
    const back = behind && from > 0 ? behind.subarray(1) : behind;
    for (let k = 0; k < steps; k++) {
      const w = (k + 1) / (steps + 1);
      if (ahead && back) out[from + k] = (1 - w) * ahead[k] + w * back[k];
      else if (ahead) out[from + k] = ahead[k];
      else if (back) out[from + k] = back[k];
    }
  }
  return out;
}

/**
 * Adds `miss` × (distance from the known end) / (steps + 1) to a side's forecast of the gap: the forecast then
 * meets the far observed value exactly. `fromEnd`: the forecast runs backward (index 0 is the far value).
 */
function bridge(f: Float64Array, steps: number, miss: number, fromEnd: boolean): void {
  for (let i = 0; i < f.length; i++) {
    const k = fromEnd ? steps - i : i;
    f[i] += (miss * (k + 1)) / (steps + 1);
  }
}

/** Half-open [from, to) runs of NaN. */
export function gapsOf(y: Float64Array): [number, number][] {
  const gaps: [number, number][] = [];
  for (let t = 0; t < y.length; t++) {
    if (!Number.isNaN(y[t])) continue;
    const from = t;
    while (t < y.length && Number.isNaN(y[t])) t++;
    gaps.push([from, t]);
  }
  return gaps;
}
