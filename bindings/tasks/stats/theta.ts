// The Theta method (Assimakopoulos & Nikolopoulos 2000, as Hyndman & Billah 2003 showed it to be): simple
// exponential smoothing with a drift of half the series' least-squares slope, on seasonally adjusted values
// when the season passes the autocorrelation test R's thetaf() applies (classical multiplicative
// decomposition, or additive for a series that is not positive). It won the M3 competition and fails
// differently from ETS and AR, which is what an ensemble wants of a member.

import type { UnivariateModel } from './model.ts';

export interface ThetaParameters {
  alpha: number;
  /** Half the least-squares slope per row. */
  drift: number;
  /** Seasonal indices by row position (t mod period); empty without a season. */
  seasonal: number[];
  multiplicative: boolean;
}

export function fitTheta(y: Float64Array, period: number): UnivariateModel | undefined {
  const n = y.length;
  if (n < 4) return undefined;
  const seasonal = period > 1 && n >= 2 * period && seasonalAcf(y, period) ? indices(y, period) : undefined;
  const multiplicative = seasonal?.multiplicative ?? false;
  const idx = seasonal?.values ?? [];
  const x = adjust(y, idx, multiplicative);
  const slope = leastSquaresSlope(x);
  // α by a golden-section search on the one-step squared error of simple exponential smoothing.
  let lo = 0.01;
  let hi = 0.99;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 40; k++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (sesError(x, a) < sesError(x, b)) hi = b;
    else lo = a;
  }
  return thetaModel({ alpha: (lo + hi) / 2, drift: slope / 2, seasonal: idx, multiplicative });
}

export function thetaModel(p: ThetaParameters): UnivariateModel {
  const m = p.seasonal.length;
  return {
    name: m > 0 ? `theta(${m})` : 'theta',
    minHistory: 1,
    // The smoothed level and the count of values read (which season the next value falls in).
    stateSize: 2,
    filter(history) {
      const x = adjust(history, p.seasonal, p.multiplicative);
      let level = x[0];
      for (let t = 1; t < x.length; t++) level = p.alpha * x[t] + (1 - p.alpha) * level;
      return Float64Array.of(level, history.length);
    },
    forecast(state, steps) {
      const [level, n] = state;
      const out = new Float64Array(steps);
      const decay = (1 - (1 - p.alpha) ** n) / p.alpha;
      for (let h = 1; h <= steps; h++) {
        const v = level + p.drift * (h - 1 + decay);
        if (m === 0) out[h - 1] = v;
        else {
          const s = p.seasonal[(n + h - 1) % m];
          out[h - 1] = p.multiplicative ? v * s : v + s;
        }
      }
      return out;
    },
    toJSON: () => ({
      kind: 'theta',
      alpha: p.alpha,
      drift: p.drift,
      seasonal: [...p.seasonal],
      multiplicative: p.multiplicative,
    }),
  };
}

function adjust(y: Float64Array, idx: readonly number[], multiplicative: boolean): Float64Array {
  const m = idx.length;
  if (m === 0) return y;
  return y.map((v, t) => (multiplicative ? v / idx[t % m] : v - idx[t % m]));
}

function sesError(x: Float64Array, alpha: number): number {
  let level = x[0];
  let sse = 0;
  for (let t = 1; t < x.length; t++) {
    const e = x[t] - level;
    sse += e * e;
    level += alpha * e;
  }
  return sse;
}

function leastSquaresSlope(x: Float64Array): number {
  const n = x.length;
  const tMean = (n - 1) / 2;
  const xMean = x.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tMean) * (x[t] - xMean);
    den += (t - tMean) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** thetaf's test: |r_m| above 1.645 of its standard error under the autocorrelations below m. */
function seasonalAcf(y: Float64Array, m: number): boolean {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let variance = 0;
  for (const v of y) variance += (v - mean) ** 2;
  if (!(variance > 0)) return false;
  const r = (lag: number) => {
    let s = 0;
    for (let t = lag; t < n; t++) s += (y[t] - mean) * (y[t - lag] - mean);
    return s / variance;
  };
  let sum = 0;
  for (let k = 1; k < m; k++) sum += r(k) ** 2;
  return Math.abs(r(m)) > 1.645 * Math.sqrt((1 + 2 * sum) / n);
}

/** Classical decomposition's seasonal indices by row position, normalised (mean 1, or sum 0). */
function indices(y: Float64Array, m: number): { values: number[]; multiplicative: boolean } {
  const multiplicative = y.every((v) => v > 0);
  const n = y.length;
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    // Centred moving average of order m (2×m for even m).
    let s = 0;
    if (m % 2 === 0) {
      for (let k = -half; k <= half; k++) s += (Math.abs(k) === half ? 0.5 : 1) * y[t + k];
    } else {
      for (let k = -half; k <= half; k++) s += y[t + k];
    }
    const trend = s / m;
    sums[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    counts[t % m] += 1;
  }
  const raw = Array.from(sums, (s, i) => (counts[i] > 0 ? s / counts[i] : multiplicative ? 1 : 0));
  const mean = raw.reduce((a, v) => a + v, 0) / m;
  return { values: raw.map((v) => (multiplicative ? v / mean : v - mean)), multiplicative };
}
