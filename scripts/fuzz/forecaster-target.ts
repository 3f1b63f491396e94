// Forecaster.load as a fuzz target. A load that succeeds must be the forecaster the file states — the network's
// weights bit for bit, its layout, strategy, season and split as written — and must forecast finite values
// over its horizon: a file the loader accepts but whose forecast is NaN or ±Inf (a scale of 1e300, a NaN in the
// saved rows, an ensemble state cut short) is garbage accepted silently. Refusals are FormatErrors naming the
// field: the forecaster's own state, its ensemble and its network's architecture are checked against each
// other inside loadTask's check of the extras, before the network is built.

import { readManifest } from '../../bindings/io/model-file.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { Forecaster } from '../../bindings/tasks/forecaster.ts';
import type { FuzzTarget } from './harness.ts';
import { memory, on, same, verifyModel } from './task-targets.ts';

export function forecasterTarget(runtimes: readonly Runtime[]): FuzzTarget<Forecaster> {
  return {
    name: 'Forecaster.load',
    load: (bytes, index) => Forecaster.load(on(runtimes, index), bytes),
    verify(f, c) {
      verifyModel(f.model, c.bytes);
      const extra = (readManifest(c.bytes).extra ?? {}) as Record<string, unknown>;
      same('layout', f.layout, extra.layout);
      same('strategy', f.strategy, extra.strategy);
      same('season', f.season, extra.season);
      same('split', f.split, extra.split);
      const h = Math.min(f.layout.horizon, 8);
      const mean = f.forecast(h);
      const bad = mean.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new Error(`forecast(${h})[${bad}] is ${mean[bad]}: the file loads but cannot forecast`);
    },
    dispose: (f) => f.dispose(),
    ...memory(runtimes),
  };
}
