// The classical rows of a forecaster's evaluation beside naive and seasonal naive: AR(L) by least squares
// (L = 2 seasons, or 10 without one) and the exponential-smoothing form with the lowest AICc, each fitted per
// target column on the rows before the first origin and filtered over the true history at every origin — the
// protocol of R's forecast(Arima(x, model = fit)) in data/series/anchors.R.

import { columnOf } from './forecast-data.ts';
import { fitAutoregressive } from './stats/autoregressive.ts';
import { chooseEts } from './stats/exponential-smoothing.ts';
import type { UnivariateModel } from './stats/model.ts';
import type { ForecastMethod } from './walk-forward.ts';

/** `ar` and `ets` methods for walkForward; a row whose model cannot be fitted on so few rows is left out. */
export function statisticalBaselines(
  series: { data: ArrayLike<number>; rows: number; cols: number },
  targetColumns: readonly number[],
  start: number,
  season: number,
): Record<string, ForecastMethod> {
  const columns = targetColumns.map((c) => columnOf(series, c));
  const lags = season > 1 ? 2 * season : 10;
  const fits = {
    ar: columns.map((y) => fitAutoregressive(y.subarray(0, start), lags)),
    ets: columns.map((y) => chooseEts(y.subarray(0, start), season)?.model),
  };
  const methods: Record<string, ForecastMethod> = {};
  for (const [name, models] of Object.entries(fits)) {
    if (models.every((m) => m !== undefined)) methods[name] = methodOf(models as UnivariateModel[], columns);
  }
  return methods;
}

function methodOf(models: UnivariateModel[], columns: Float64Array[]): ForecastMethod {
  return ({ origins, horizon }) => {
    const Ft = models.length;
    const out = new Float32Array(origins.length * horizon * Ft);
    origins.forEach((o, i) => {
      models.forEach((model, j) => {
        const f = model.forecast(model.filter(columns[j].subarray(0, o)), horizon);
        for (let h = 0; h < horizon; h++) out[(i * horizon + h) * Ft + j] = f[h];
      });
    });
    return out;
  };
}
