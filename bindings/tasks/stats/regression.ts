// Regression on inputs known in advance (a price, a law in force, a holiday flag): y_t = a + β·x_t + r_t by least
// squares, the rest r_t left to the time-series members — R's auto.arima(y, xreg = X) in spirit, with the
// ensemble in place of the ARIMA errors. Forecasts need the inputs' future values, as R's forecast(fit, xreg).

import { leastSquares } from './least-squares.ts';

export interface Regression {
  /** [intercept, β for each input column]. */
  coefficients: number[];
}

/** The row's inputs, in the order the regression was fitted on. */
export type InputsAt = (row: number) => ArrayLike<number>;

/** Fits on rows [0, rows); undefined when the inputs are collinear with the intercept or too few rows. */
export function fitRegression(
  y: Float64Array,
  inputs: InputsAt,
  count: number,
  rows: number,
): Regression | undefined {
  const cols = count + 1;
  if (rows < 2 * cols) return undefined;
  const X = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    X[r * cols] = 1;
    const x = inputs(r);
    for (let k = 0; k < count; k++) X[r * cols + 1 + k] = x[k];
  }
  const b = leastSquares(X, y.subarray(0, rows), cols);
  return b?.every(Number.isFinite) ? { coefficients: [...b] } : undefined;
}

export function regressionAt(reg: Regression, x: ArrayLike<number>): number {
  let v = reg.coefficients[0];
  for (let k = 1; k < reg.coefficients.length; k++) v += reg.coefficients[k] * x[k - 1];
  return v;
}

/** y minus the regression, row by row: what the time-series members model. */
export function residuals(y: Float64Array, reg: Regression, inputs: InputsAt): Float64Array {
  return y.map((v, r) => v - regressionAt(reg, inputs(r)));
}
