// Model-based gap filling: each gap is forecast forward from the values before it and backward from the values
// after it (by a model of the reversed series), and the two are blended with weights that move linearly across
// the gap, so each end of the fill joins the observed value it is nearest to. Where only one side has enough
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
    // History before the gap holds the model's own fills of earlier gaps; the future after it, linear ones.
    const ahead = from > 0 ? forward(out.slice(0, from), steps) : undefined;
    const behind = to < y.length ? backward(out.slice(to).reverse(), steps)?.reverse() : undefined;
    for (let k = 0; k < steps; k++) {
      const w = (k + 1) / (steps + 1);
      if (ahead && behind) out[from + k] = (1 - w) * ahead[k] + w * behind[k];
      else if (ahead) out[from + k] = ahead[k];
      else if (behind) out[from + k] = behind[k];
    }
  }
  return out;
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
