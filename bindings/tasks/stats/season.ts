// Season detection when the user gives none: the lag (2 … a third of the series) at which the autocorrelation of
// the differenced series peaks highest, if that peak is clear (above 0.3 and above its neighbours), preferring the shortest of near-equal peaks (within 80 %). Differencing
// first removes a trend, whose slowly decaying autocorrelation would otherwise dwarf every seasonal peak.

/** The detected season in rows, or 1 (none). */
export function detectSeason(y: Float64Array, maxLag = 400): number {
  const d = Float64Array.from({ length: Math.max(0, y.length - 1) }, (_, t) => y[t + 1] - y[t]);
  const n = d.length;
  const top = Math.min(maxLag, Math.floor(n / 3));
  if (top < 2) return 1;
  const mean = d.reduce((s, v) => s + v, 0) / n;
  let variance = 0;
  for (const v of d) variance += (v - mean) ** 2;
  if (!(variance > 0)) return 1;
  const acf = new Float64Array(top + 2);
  for (let lag = 1; lag <= top + 1 && lag < n; lag++) {
    let s = 0;
    for (let t = lag; t < n; t++) s += (d[t] - mean) * (d[t - lag] - mean);
    acf[lag] = s / variance;
  }
  // Multiples of a season peak too (24 for monthly data): the shortest peak within 80 % of the highest wins.
  const peaks: number[] = [];
  for (let lag = 2; lag <= top; lag++) {
    if (acf[lag] > 0.3 && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) peaks.push(lag);
  }
  if (peaks.length === 0) return 1;
  const highest = Math.max(...peaks.map((lag) => acf[lag]));
  return peaks.find((lag) => acf[lag] >= 0.8 * highest) as number;
}
