// AR(L) with an intercept by least squares, forecast recursively: the analyst's ten-line baseline that the old
// default lost to everywhere. On a positive series with growing seasonal swings (air passengers, UK gas) it may
// be fitted on log values, where the swings become constant; forecasts are mapped back with exp.

import { leastSquares } from './least-squares.ts';
import type { UnivariateModel } from './model.ts';

/** AR(lags) fitted on `y` (float64, data units); undefined when `y` is too short or the design singular. */
export function fitAutoregressive(y: Float64Array, lags: number, log = false): UnivariateModel | undefined {
  const rows = y.length - lags;
  if (rows < 2 * (lags + 1)) return undefined;
  const raw = log ? y.map(Math.log) : y;
  // Centred, so that the ridge that keeps XᵀX solvable is small against the lags' spread, not their mean.
  const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
  const x = raw.map((v) => v - mean);
  const { X, target, cols } = lagDesign(x, lags, lags);
  const b = leastSquares(X, target, cols);
  if (b === undefined || !b.every(Number.isFinite)) return undefined;
  // Back to uncentred values: x_t − μ = c + Σ b_k (x_{t−k} − μ)  ⇔  x_t = c + μ(1 − Σ b_k) + Σ b_k x_{t−k}.
  let sum = 0;
  for (let k = 1; k <= lags; k++) sum += b[k];
  b[0] += mean * (1 - sum);
  return autoregressiveModel(lags, b, log);
}

export function autoregressiveModel(lags: number, b: Float64Array, log: boolean): UnivariateModel {
  return {
    name: `${log ? 'log-' : ''}ar(${lags})`,
    minHistory: lags,
    stateSize: lags,
    filter(history) {
      const tail = history.slice(history.length - lags);
      return log ? tail.map(Math.log) : tail;
    },
    forecast(state, steps) {
      const window = Float64Array.from(state);
      const out = new Float64Array(steps);
      for (let h = 0; h < steps; h++) {
        let p = b[0];
        for (let k = 1; k <= lags; k++) p += b[k] * window[lags - k];
        window.copyWithin(0, 1);
        window[lags - 1] = p;
        out[h] = log ? Math.exp(p) : p;
      }
      return out;
    },
    toJSON: () => ({ kind: 'ar', lags, coefficients: [...b], log }),
  };
}

/** The lag count (1..maxLags) with the lowest AICc of its least-squares fit on the same rows. */
export function chooseLagsByAicc(y: Float64Array, maxLags: number): number {
  let best = 1;
  let bestScore = Number.POSITIVE_INFINITY;
  const rows = y.length - maxLags;
  for (let p = 1; p <= maxLags; p++) {
    const model = fitOnRows(y, p, maxLags);
    if (model === undefined) continue;
    const k = p + 2;
    if (rows - k - 1 <= 0) break;
    const score = rows * Math.log(model / rows) + 2 * k + (2 * k * (k + 1)) / (rows - k - 1);
    if (score < bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return best;
}

/** Residual sum of squares of AR(p) fitted on the rows after `start` (so every order sees the same rows). */
function fitOnRows(values: Float64Array, p: number, start: number): number | undefined {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const y = values.map((v) => v - mean);
  const { X, target, rows, cols } = lagDesign(y, p, start);
  const b = leastSquares(X, target, cols);
  if (b === undefined) return undefined;
  let sse = 0;
  for (let i = 0; i < rows; i++) {
    let e = target[i];
    for (let j = 0; j < cols; j++) e -= b[j] * X[i * cols + j];
    sse += e * e;
  }
  return sse > 0 ? sse : undefined;
}

/** The regression of x_t on [1, x_{t−1} … x_{t−lags}] for every t from `start` on: design X and target. */
function lagDesign(x: Float64Array, lags: number, start: number) {
  const rows = x.length - start;
  const cols = lags + 1;
  const X = new Float64Array(rows * cols);
  const target = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = start + i;
    X[i * cols] = 1;
    for (let k = 1; k <= lags; k++) X[i * cols + k] = x[t - k];
    target[i] = x[t];
  }
  return { X, target, rows, cols };
}
