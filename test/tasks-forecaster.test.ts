// The Forecaster on series whose answer is known: a trending seasonal series (period 12 on a line), where the
// seasonal-naive error is exactly one season of trend, so a model that learned both must beat it; a pure sine
// forecast recursively; a spike the forecaster cannot predict, flagged as an anomaly; a saved model that
// forecasts exactly as before.

import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, Forecaster, init, Random, type Runtime, ValueError } from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

// These tests judge the forecaster on rows it did not fit: the old default split, holding the last 20 % out.
const HELD_OUT = { train: 0.7, validation: 0.1, test: 0.2 };

const rng = new Random(3);
const seasonal = Float32Array.from(
  { length: 480 },
  (_, t) => 0.05 * t + Math.sin((2 * Math.PI * t) / 12) + rng.normal(0, 0.05),
);

describe('Forecaster', () => {
  it('beats seasonal naive on the test split of a trending seasonal series (direct, 12 ahead)', async () => {
    const f = await Forecaster.fit(seasonal, {
      runtime: rt,
      cell: 'gru',
      hiddenSize: 16,
      lookback: 24,
      horizon: 12,
      season: 12,
      epochs: 25,
      seed: 1,
      split: HELD_OUT,
    });
    const r = f.evaluate();
    // Seasonal naive is off by 12 × 0.05 = 0.6 at every lead (plus noise); the trend is learnable.
    expect(r.scores.seasonalNaive.mae).toBeGreaterThan(0.55);
    expect(r.scores.model.mae).toBeLessThan(0.5 * r.scores.seasonalNaive.mae);
    expect(r.scores.model.mase).toBeLessThan(r.scores.seasonalNaive.mase);
    expect(f.summary!.valLoss).toBeLessThan(0.05);
    expect(f.forecast(12)).toHaveLength(12);
    f.dispose();
  });

  it('forecasts a sine recursively, one step at a time, far better than naive', async () => {
    const sine = Float32Array.from({ length: 300 }, (_, t) => Math.sin((2 * Math.PI * t) / 20));
    const f = await Forecaster.fit(sine, {
      runtime: rt,
      hiddenSize: 16,
      lookback: 20,
      season: 20,
      target: 'level',
      epochs: 25,
      seed: 2,
      split: HELD_OUT,
    });
    expect(f.strategy).toBe('recursive');
    const r = f.evaluate({ horizon: 10 });
    expect(r.scores.model.mae).toBeLessThan(0.25 * r.scores.naive.mae);
    f.dispose();
  });

  it('saves and loads: the loaded forecaster forecasts bit for bit the same', async () => {
    const f = await Forecaster.fit(seasonal.subarray(0, 200), {
      runtime: rt,
      hiddenSize: 8,
      lookback: 24,
      horizon: 6,
      season: 12,
      mask: true,
      scaler: 'minmax',
      steps: 20,
      split: HELD_OUT,
    });
    const g = Forecaster.load(rt, f.save());
    expect([...g.forecast(6)]).toEqual([...f.forecast(6)]);
    expect([...g.forecastFrom(seasonal.subarray(0, 150), 6)]).toEqual([
      ...f.forecastFrom(seasonal.subarray(0, 150), 6),
    ]);
    expect(() => g.evaluate()).toThrow(/pass the series/);
    expect(g.evaluate({}, seasonal.subarray(0, 200)).scores.model.mae).toBeCloseTo(
      f.evaluate().scores.model.mae,
      6,
    );
    f.dispose();
    g.dispose();
  });

  it('fills missing values, scores only observed ones, and flags a spike it could not foresee', async () => {
    const series = Float32Array.from(seasonal);
    for (const t of [50, 51, 52, 300]) series[t] = Number.NaN;
    series[440] += 4; // in the test split
    const f = await Forecaster.fit(series, {
      runtime: rt,
      hiddenSize: 16,
      lookback: 24,
      season: 12,
      mask: true,
      epochs: 15,
      seed: 4,
      split: HELD_OUT,
    });
    expect(f.series!.missing).toBe(4);
    const a = f.anomalies({ threshold: 6 });
    const flagged = [...a.anomalies].map((i) => a.rows[i]);
    // The spike, and only rows whose input window still holds it (their forecasts start from the spiked value).
    expect(flagged[0]).toBe(440);
    expect(flagged.every((row) => row >= 440 && row < 440 + 24)).toBe(true);
    f.dispose();
  });

  it('says what is wrong with the series and the options', async () => {
    const short = seasonal.subarray(0, 30);
    await expect(Forecaster.fit(short, { runtime: rt, lookback: 24, split: HELD_OUT })).rejects.toThrow(
      DataError,
    );
    await expect(Forecaster.fit(short, { runtime: rt, lookback: 24, split: HELD_OUT })).rejects.toThrow(
      /training split holds 21, but lookback 24 \+ horizon 1 needs more than 25/,
    );
    await expect(Forecaster.fit(seasonal, {} as never)).rejects.toThrow(/options.runtime must be a Runtime/);
    await expect(Forecaster.fit(seasonal, { runtime: rt, strategy: 'beam' as never })).rejects.toThrow(
      ValueError,
    );
    const two = { data: Float32Array.from({ length: 400 }, (_, i) => i), shape: [200, 2] };
    await expect(Forecaster.fit(two, { runtime: rt, targetColumns: [0] })).rejects.toThrow(
      /use strategy 'direct'/,
    );
    const empty = new Float32Array(100).fill(Number.NaN);
    await expect(Forecaster.fit(empty, { runtime: rt, lookback: 10 })).rejects.toThrow(/no observed value/);
  });
});
