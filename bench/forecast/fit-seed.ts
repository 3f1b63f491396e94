// One seed on one series: fit on the rows before the test part (timed), then score it the way the anchors are
// scored, and the coverage of its intervals when it has them. The forecaster is returned for imputation.

import { Forecaster, type Runtime } from 'wasm-rnn';
import { errorMessage } from './errors.ts';
import { coverage } from './intervals.ts';
import { type Forecast, oneStepMae, rollingMae } from './score.ts';
import type { LoadedSeries, SeedResult } from './types.ts';

export async function fitSeed(
  rt: Runtime,
  s: LoadedSeries,
  seed: number,
): Promise<{ result: SeedResult; forecaster: Forecaster }> {
  const { m, H } = s.cfg;
  const t0 = performance.now();
  const f = await Forecaster.fit(s.y32.subarray(0, s.o), { runtime: rt, season: m, horizon: H, seed });
  const fitSeconds = (performance.now() - t0) / 1000;
  const forecast: Forecast = (history, steps) => f.forecastFrom(history, steps);
  const result: SeedResult = {
    seed,
    fitSeconds,
    oneStep: oneStepMae(forecast, s.y32, s.y, s.o),
    rolling: rollingMae(forecast, s.y32, s.y, s.o, H),
    // `method` lands in forecaster.ts soon; until then there is nothing to record.
    method: (f as { method?: string }).method ?? '',
  };
  try {
    const cover = coverage(f, s.y32, s.y, s.o, H);
    if (cover) result.coverage = cover;
  } catch (e) {
    result.coverageError = errorMessage(e);
  }
  return { result, forecaster: f };
}
