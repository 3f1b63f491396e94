// Our forecaster's MAE over the test rows, in float64, the way anchors.R scores the anchors: one-step (each test
// row forecast from every row before it) and rolling (every origin o..N−H, H steps from the first oo rows).

/** Forecasts `steps` rows after the end of `history` (the forecaster's forecastFrom). */
export type Forecast = (history: Float32Array, steps: number) => Float32Array;

export function oneStepMae(forecast: Forecast, y32: Float32Array, y: Float64Array, o: number): number {
  let sum = 0;
  for (let t = o; t < y.length; t++) sum += Math.abs(y[t] - forecast(y32.subarray(0, t), 1)[0]);
  return sum / (y.length - o);
}

export function rollingMae(
  forecast: Forecast,
  y32: Float32Array,
  y: Float64Array,
  o: number,
  H: number,
): number {
  let sum = 0;
  let count = 0;
  for (let oo = o; oo <= y.length - H; oo++) {
    const f = forecast(y32.subarray(0, oo), H);
    for (let k = 0; k < H; k++) sum += Math.abs(y[oo + k] - f[k]);
    count += H;
  }
  return sum / count;
}
