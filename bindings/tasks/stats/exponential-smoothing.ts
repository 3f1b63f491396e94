// Exponential smoothing with level, optional (damped) trend and optional additive or multiplicative season:
// Holt–Winters recursions in the error-correction form of Hyndman et al. (2008), whose point forecasts are
// those of R's ets(). Smoothing parameters and the initial level and trend are fitted by Nelder–Mead on the
// one-step squared error; the initial season comes from a regression on the first seasons, as R starts it.

import { leastSquares } from './least-squares.ts';
import type { UnivariateModel } from './model.ts';
import { nelderMead } from './nelder-mead.ts';

export type TrendKind = 'N' | 'A' | 'Ad';
export type SeasonKind = 'N' | 'A' | 'M';

export interface EtsSpec {
  trend: TrendKind;
  season: SeasonKind;
  /** Rows per season (1 when season is 'N'). */
  period: number;
}

export interface EtsParameters {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** [level, trend, season_0 … season_{m−1}] before the first value. */
  initial: Float64Array;
}

export interface EtsFit {
  model: UnivariateModel;
  /** One-step squared error over the fitted values. */
  sse: number;
  /** Fitted parameters and initial states, for the information criterion. */
  parameters: number;
}

/**
 * Runs the recursions over `y` from `p.initial`: returns the one-step squared error and leaves the final state
 * in `state` ([level, trend, seasons with the next one first]). Infinity when a multiplicative base turns ≤ 0.
 */
export function runEts(spec: EtsSpec, p: EtsParameters, y: Float64Array, state: Float64Array): number {
  const m = spec.season === 'N' ? 1 : spec.period;
  const phi = spec.trend === 'N' ? 0 : spec.trend === 'A' ? 1 : p.phi;
  const { alpha, beta, gamma } = p;
  let l = p.initial[0];
  let b = spec.trend === 'N' ? 0 : p.initial[1];
  const s = p.initial.slice(2, 2 + m);
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const i = t % m;
    const damped = phi * b;
    const base = l + damped;
    let fitted = base;
    let level: number;
    if (spec.season === 'M') {
      if (!(base > 0 && s[i] > 0)) return Number.POSITIVE_INFINITY;
      fitted = base * s[i];
      level = alpha * (y[t] / s[i]) + (1 - alpha) * base;
      s[i] = gamma * (y[t] / base) + (1 - gamma) * s[i];
    } else if (spec.season === 'A') {
      fitted = base + s[i];
      level = alpha * (y[t] - s[i]) + (1 - alpha) * base;
      s[i] = gamma * (y[t] - base) + (1 - gamma) * s[i];
    } else {
      level = alpha * y[t] + (1 - alpha) * base;
    }
    const e = y[t] - fitted;
    sse += e * e;
    b = beta * (level - l) + (1 - beta) * damped;
    l = level;
  }
  state[0] = l;
  state[1] = b;
  // Seasons rotated so that the one for the next value comes first.
  for (let j = 0; j < m && spec.season !== 'N'; j++) state[2 + j] = s[(y.length + j) % m];
  return Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY;
}

export function etsModel(spec: EtsSpec, p: EtsParameters): UnivariateModel {
  const m = spec.season === 'N' ? 1 : spec.period;
  const phi = spec.trend === 'N' ? 0 : spec.trend === 'A' ? 1 : p.phi;
  return {
    name: `ets(A,${spec.trend},${spec.season})`,
    minHistory: 1,
    stateSize: 2 + m,
    filter(history) {
      const state = new Float64Array(2 + m);
      runEts(spec, p, history, state);
      return state;
    },
    forecast(state, steps) {
      const out = new Float64Array(steps);
      let damping = 0;
      let power = 1;
      for (let h = 0; h < steps; h++) {
        power *= phi;
        damping += power;
        const base = state[0] + damping * state[1];
        out[h] =
          spec.season === 'M'
            ? base * state[2 + (h % m)]
            : spec.season === 'A'
              ? base + state[2 + (h % m)]
              : base;
      }
      return out;
    },
    toJSON: () => ({
      kind: 'ets',
      trend: spec.trend,
      season: spec.season,
      period: spec.period,
      alpha: p.alpha,
      beta: p.beta,
      gamma: p.gamma,
      phi: p.phi,
      initial: [...p.initial],
    }),
  };
}

const squash = (x: number) => 1 / (1 + Math.exp(-x));
const unsquash = (p: number) => Math.log(p / (1 - p));

/** Fits one form; undefined when the series is too short for its season or nothing finite was found. */
export function fitEts(y: Float64Array, spec: EtsSpec): EtsFit | undefined {
  const m = spec.season === 'N' ? 1 : spec.period;
  if (spec.season !== 'N' && (m < 2 || y.length < 2 * m + 2)) return undefined;
  if (spec.season === 'M' && !y.every((v) => v > 0)) return undefined;
  const start = initialStates(y, spec);
  if (start === undefined) return undefined;
  const scale = spread(y);
  const hasTrend = spec.trend !== 'N';
  const seasonal = spec.season !== 'N';
  const damped = spec.trend === 'Ad';
  const decode = (x: Float64Array): EtsParameters => {
    const alpha = 1e-4 + (1 - 2e-4) * squash(x[0]);
    const initial = Float64Array.from(start);
    initial[0] += x[4] * scale;
    initial[1] += x[5] * (scale / m);
    return {
      alpha,
      beta: hasTrend ? 1e-4 + (1 - 2e-4) * squash(x[1]) : 0,
      gamma: seasonal ? (1 - alpha) * squash(x[2]) : 0,
      phi: damped ? 0.8 + 0.18 * squash(x[3]) : 1,
      initial,
    };
  };
  // Coordinates a form does not use stay at 0 (their simplex step is 0), so one decoder serves every form.
  const x0 = Float64Array.of(unsquash(0.3), unsquash(0.1), unsquash(0.1), unsquash(0.55), 0, 0);
  const steps = Float64Array.of(
    1,
    hasTrend ? 1 : 0,
    seasonal ? 1 : 0,
    damped ? 1 : 0,
    0.25,
    hasTrend ? 0.25 : 0,
  );
  const used = [0, 1, 2, 3, 4, 5].filter((i) => steps[i] !== 0);
  const state = new Float64Array(2 + m);
  const full = Float64Array.from(x0);
  const objective = (z: Float64Array) => {
    for (let k = 0; k < used.length; k++) full[used[k]] = z[k];
    return runEts(spec, decode(full), y, state);
  };
  let best = nelderMead(
    objective,
    Float64Array.from(used, (i) => x0[i]),
    Float64Array.from(used, (i) => steps[i]),
  );
  // One restart from the optimum: Nelder–Mead can stall on a collapsed simplex.
  const again = nelderMead(
    objective,
    best.x,
    Float64Array.from(used, (i) => steps[i] / 2),
  );
  if (again.value < best.value) best = again;
  if (!Number.isFinite(best.value)) return undefined;
  for (let k = 0; k < used.length; k++) full[used[k]] = best.x[k];
  const p = decode(full);
  const parameters = used.length + (seasonal ? m - 1 : 0);
  return { model: etsModel(spec, p), sse: best.value, parameters };
}

/** The form with the lowest AICc among those that fit (R's ets() choice, with additive errors throughout). */
export function chooseEts(y: Float64Array, period: number): EtsFit | undefined {
  const seasons: SeasonKind[] = period > 1 && period <= 24 ? ['N', 'A', 'M'] : ['N'];
  let best: { fit: EtsFit; score: number } | undefined;
  for (const season of seasons) {
    for (const trend of ['N', 'A', 'Ad'] as TrendKind[]) {
      const fit = fitEts(y, { trend, season, period: season === 'N' ? 1 : period });
      if (fit === undefined) continue;
      const score = aicc(fit.sse, y.length, fit.parameters);
      if (best === undefined || score < best.score) best = { fit, score };
    }
  }
  return best?.fit;
}

export function aicc(sse: number, n: number, parameters: number): number {
  const k = parameters + 1;
  if (n - k - 1 <= 0 || !(sse > 0)) return Number.POSITIVE_INFINITY;
  return n * Math.log(sse / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}

/** Standard deviation of the first differences (or of the values, for a constant-step series): the scale of level offsets. */
function spread(y: Float64Array): number {
  let s = 0;
  for (let t = 1; t < y.length; t++) s += (y[t] - y[t - 1]) ** 2;
  const d = Math.sqrt(s / Math.max(1, y.length - 1));
  return d > 0 ? d : Math.abs(y[0]) * 1e-3 + 1e-6;
}

/**
 * Starting states: a line plus seasonal dummies fitted by least squares to the first (up to four) whole seasons;
 * without a season, the level is the first value and the trend the mean first difference of the first ten.
 */
function initialStates(y: Float64Array, spec: EtsSpec): Float64Array | undefined {
  const m = spec.season === 'N' ? 1 : spec.period;
  const out = new Float64Array(2 + m);
  if (spec.season === 'N') {
    const k = Math.min(10, y.length - 1);
    out[0] = y[0];
    out[1] = k > 0 ? (y[k] - y[0]) / k : 0;
    return out;
  }
  const rows = Math.min(Math.floor(y.length / m), 4) * m;
  const cols = m + 1;
  const X = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    X[t * cols] = 1;
    X[t * cols + 1] = t;
    if (t % m > 0) X[t * cols + 1 + (t % m)] = 1;
  }
  const b = leastSquares(X, y.subarray(0, rows), cols);
  if (b === undefined) return undefined;
  const dummies = Float64Array.from({ length: m }, (_, i) => (i === 0 ? 0 : b[1 + i]));
  const mean = dummies.reduce((a, v) => a + v, 0) / m;
  // The line's value one step before the first row, with the seasonal mean folded into it.
  const level = b[0] + mean - b[1];
  out[0] = level;
  out[1] = b[1];
  for (let i = 0; i < m; i++) {
    const additive = dummies[i] - mean;
    if (spec.season === 'A') out[2 + i] = additive;
    else out[2 + i] = Math.max(1e-3, 1 + additive / Math.max(Math.abs(level + b[1] * (i + 1)), 1e-9));
  }
  if (spec.season === 'M') {
    const mean2 = out.subarray(2).reduce((a, v) => a + v, 0) / m;
    for (let i = 0; i < m; i++) out[2 + i] /= mean2;
  }
  return out;
}
