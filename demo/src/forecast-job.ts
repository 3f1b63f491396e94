// The forecast tab's training: a forecaster on the weekly Mauna Loa CO₂ series, scored walk-forward on its last
// 20 %, sent to the page with the CSV's dates and an 80 % interval around each forecast.

import {
  Forecaster,
  interpolateMissing,
  type Runtime,
  readNumericCsv,
  ValueError,
  type WalkForwardResult,
} from 'wasm-rnn';
import co2Csv from '../../data/co2-maunaloa-weekly.csv?raw';
import { progressSender } from './progress.ts';
import type { ForecastJob, FromWorker } from './protocol.ts';

export async function trainForecast(
  rt: Runtime,
  job: ForecastJob,
  signal: AbortSignal,
  send: (m: FromWorker) => void,
): Promise<Forecaster> {
  const co2 = readNumericCsv(co2Csv, { column: 'co2', dateColumn: 'date' });
  const forecaster = await Forecaster.fit(co2.values, {
    runtime: rt,
    season: 52,
    lookback: 104,
    horizon: 52,
    steps: job.steps,
    seed: 1,
    signal,
    // The last 20 % stay out of fitting, to be forecast and scored (the library's default fits on every row).
    split: { train: 0.7, validation: 0.1, test: 0.2 },
    onProgress: progressSender(send),
  });
  try {
    const evaluation = forecaster.evaluate();
    const band = interval80(forecaster, co2.values, evaluation);
    send({
      type: 'forecast',
      series: [...interpolateMissing(co2.values).values],
      dates: (co2.dates ?? []).map(dayOf),
      testStart: evaluation.origins[0],
      forecast: [...evaluation.forecasts.model],
      lower: [...band.lower],
      upper: [...band.upper],
      baseline: [...evaluation.forecasts.seasonalNaive],
      method: forecaster.method,
      mae: evaluation.scores.model.mae,
      baselineMae: evaluation.scores.seasonalNaive.mae,
      horizon: evaluation.horizon,
    });
  } catch (error) {
    forecaster.dispose();
    throw error;
  }
  return forecaster;
}

/** The file's YYYYMMDD date as ms since 1970 (UTC midnight). */
function dayOf(yyyymmdd: string): number {
  return Date.UTC(
    Number(yyyymmdd.slice(0, 4)),
    Number(yyyymmdd.slice(4, 6)) - 1,
    Number(yyyymmdd.slice(6, 8)),
  );
}

/**
 * The 80 % interval around each walk-forward forecast: asked of the forecaster from the rows before each
 * origin, and placed around the evaluated forecast by its distance from that forecast's own mean (the two
 * differ only where a missing week near the origin was filled from later weeks). Empty without intervals.
 */
function interval80(
  forecaster: Forecaster,
  values: Float32Array,
  evaluation: WalkForwardResult,
): { lower: Float32Array; upper: Float32Array } {
  const H = evaluation.horizon;
  const model = evaluation.forecasts.model;
  const lower = new Float32Array(model.length);
  const upper = new Float32Array(model.length);
  try {
    evaluation.origins.forEach((o, i) => {
      const f = forecaster.forecastFrom(values.subarray(0, o), H, { level: [80] });
      const [{ lower: lo, upper: hi }] = f.intervals;
      for (let h = 0; h < H; h++) {
        lower[i * H + h] = model[i * H + h] - (f.mean[h] - lo[h]);
        upper[i * H + h] = model[i * H + h] + (hi[h] - f.mean[h]);
      }
    });
  } catch (error) {
    // The library's answer for a forecaster without intervals: draw the forecast alone.
    if (error instanceof ValueError) return { lower: new Float32Array(0), upper: new Float32Array(0) };
    throw error;
  }
  return { lower, upper };
}
