// Multi-step forecasts from a model that predicts a few rows from a window of past rows (Ben Taieb et al. 2012
// for the strategies). 'recursive': predict the next block (usually one row), append it to the window as if
// observed, slide, repeat — one model for any number of steps, errors compound. 'direct': the model was trained
// to output the whole horizon at once; one call, no feedback, but no more steps than it was trained for.
// The model is seen only through `WindowPredictor`, so this works for any network, or for a plain function.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';

/** A forecasting model seen from outside: windows of past rows in, the next `horizon` rows out. */
export interface WindowPredictor {
  /** Rows of past each prediction reads. */
  readonly lookback: number;
  /** Columns of every input row (F). */
  readonly features: number;
  /** Rows predicted per call. */
  readonly horizon: number;
  /** Columns of every predicted row (Ft). */
  readonly targets: number;
  /** windows [N, lookback, F] → predictions [N, horizon, Ft] (flat or a tensor), row-major. */
  predict(windows: Tensor<Float32Array>): Float32Array | Tensor<Float32Array>;
}

export type ForecastStrategy = 'recursive' | 'direct';

export interface MultiStepOptions {
  /** Default 'recursive'. */
  strategy?: ForecastStrategy;
  /**
   * Recursive only: builds the input row fed back for one predicted row. Needed when the inputs have columns the
   * model does not predict (a mask channel, a calendar feature); `step` counts predicted rows from 0. Default:
   * the predicted row itself, which needs targets = features.
   */
  futureRow?: (predicted: Float32Array, step: number, row: Float32Array) => void;
}

/**
 * Forecasts `steps` rows after each of N windows [N, lookback, F]; the result is [N, steps, Ft]. The windows
 * are the model's own units (scaled, as it was trained); nothing in them is changed.
 */
export function forecastSteps(
  model: WindowPredictor,
  windows: Tensor<Float32Array>,
  steps: number,
  options: MultiStepOptions = {},
): Tensor<Float32Array> {
  const n = checkWindows(model, windows);
  const S = positiveInt('steps', steps);
  const strategy = options.strategy ?? 'recursive';
  const { horizon, targets: Ft } = model;
  if (strategy === 'direct') {
    if (S > horizon) {
      throw new ValueError(
        `steps ${S} is more than the ${horizon} rows a direct model predicts at once; ` +
          `forecast at most ${horizon} steps, use strategy 'recursive', or train with horizon ≥ ${S}`,
      );
    }
    const out = predictChecked(model, windows, n);
    return { data: takeSteps(out, n, horizon, Ft, S), shape: [n, S, Ft] };
  }
  if (strategy !== 'recursive') {
    throw new ValueError(`strategy must be 'recursive' or 'direct' but got ${describe(strategy)}`);
  }
  return recursive(model, windows, n, S, options.futureRow);
}

function recursive(
  model: WindowPredictor,
  windows: Tensor<Float32Array>,
  n: number,
  S: number,
  futureRow: MultiStepOptions['futureRow'],
): Tensor<Float32Array> {
  const { lookback: L, features: F, horizon: H, targets: Ft } = model;
  if (futureRow === undefined && Ft !== F) {
    throw new ValueError(
      `recursive forecasting feeds predictions back as inputs, but the model predicts ${Ft} columns of ${F}; ` +
        `pass futureRow to build the other input columns, or use strategy 'direct'`,
    );
  }
  const out = new Float32Array(n * S * Ft);
  // A sliding copy of every window; each block shifts it left by H rows and appends the rows built from the
  // predictions. One batched predict per block keeps the model call count at ⌈S/H⌉ whatever N is.
  const window = Float32Array.from(windows.data);
  const row = new Float32Array(F);
  const input: Tensor<Float32Array> = { data: window, shape: [n, L, F] };
  for (let done = 0; done < S; done += H) {
    const pred = predictChecked(model, input, n);
    const take = Math.min(H, S - done);
    for (let i = 0; i < n; i++) {
      const w = window.subarray(i * L * F, (i + 1) * L * F);
      for (let h = 0; h < take; h++) {
        const p = pred.subarray((i * H + h) * Ft, (i * H + h + 1) * Ft);
        out.set(p, (i * S + done + h) * Ft);
        if (futureRow) futureRow(p, done + h, row);
        else row.set(p);
        w.copyWithin(0, F);
        w.set(row, (L - 1) * F);
      }
    }
  }
  return { data: out, shape: [n, S, Ft] };
}

function checkWindows(model: WindowPredictor, windows: Tensor<Float32Array>): number {
  for (const k of ['lookback', 'features', 'horizon', 'targets'] as const)
    positiveInt(`model.${k}`, model?.[k]);
  if (typeof model.predict !== 'function') throw new ValueError('model.predict must be a function');
  const { lookback: L, features: F } = model;
  const shape = windows?.shape;
  if (
    !(windows?.data instanceof Float32Array) ||
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    shape[1] !== L ||
    shape[2] !== F ||
    shape[0] * L * F !== windows.data.length
  ) {
    const got = Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(windows);
    throw new ShapeError(`windows must be a Float32Array tensor [N, ${L}, ${F}] but got ${got}`);
  }
  if (shape[0] === 0) throw new ShapeError('windows holds no window (N = 0)');
  return shape[0];
}

/** The model's answer, checked: a predictor that returns the wrong size or NaN is named, not propagated. */
function predictChecked(model: WindowPredictor, windows: Tensor<Float32Array>, n: number): Float32Array {
  const raw = model.predict(windows);
  const data = raw instanceof Float32Array ? raw : raw?.data;
  const want = n * model.horizon * model.targets;
  if (!(data instanceof Float32Array) || data.length !== want) {
    throw new ShapeError(
      `model.predict must return [${n}, ${model.horizon}, ${model.targets}] (${want} floats) but returned ${describe(data)}`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new DataError(`model.predict returned ${data[i]} at index ${i}; the model has diverged`);
    }
  }
  return data;
}

function takeSteps(pred: Float32Array, n: number, H: number, Ft: number, S: number): Float32Array {
  if (S === H) return pred.slice();
  const out = new Float32Array(n * S * Ft);
  for (let i = 0; i < n; i++) out.set(pred.subarray(i * H * Ft, (i * H + S) * Ft), i * S * Ft);
  return out;
}
