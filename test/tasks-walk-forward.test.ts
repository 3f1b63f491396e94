// Walk-forward evaluation on series whose errors can be worked out by hand: a season of 4 on a linear trend
// makes the seasonal-naive error exactly one season of trend (so its MASE with that season is exactly 1), and an
// oracle that reads the future scores 0, which pins the alignment of origins, leads and actual values.

import { describe, expect, it } from 'vitest';
import { DataError, ShapeError, ValueError } from '../bindings/errors.ts';
import type { WindowPredictor } from '../bindings/tasks/multistep.ts';
import {
  contextWindows,
  type ForecastMethod,
  naiveMethod,
  predictorMethod,
  seasonalNaiveMethod,
  walkForward,
} from '../bindings/tasks/walk-forward.ts';

const pattern = [0, 3, 1, 2];
const trended = Float32Array.from({ length: 40 }, (_, t) => 0.5 * t + pattern[t % 4]);

/** Reads the answer from the series itself: only a correct alignment gives zero error. */
const oracle: ForecastMethod = ({ series, origins, horizon }) =>
  Float32Array.from({ length: origins.length * horizon }, (_, j) => {
    const o = origins[Math.floor(j / horizon)];
    return series.data[o + (j % horizon)];
  });

describe('walkForward', () => {
  it('scores the baselines with the errors worked out by hand', () => {
    const r = walkForward(trended, {
      start: 24,
      horizon: 4,
      season: 4,
      methods: { oracle, naive: naiveMethod(), seasonal: seasonalNaiveMethod(4) },
    });
    expect([...r.origins]).toEqual([24, 28, 32, 36]);
    expect(r.scores.oracle.mae).toBe(0);
    // y(o+h) − y(o−4+h) = 0.5·4 = 2 at every lead.
    expect(r.scores.seasonal.mae).toBeCloseTo(2, 6);
    expect(r.scores.seasonal.rmse).toBeCloseTo(2, 6);
    expect(r.scores.seasonal.mase).toBeCloseTo(1, 6);
    expect([...r.scores.seasonal.maeByStep].map((v) => +v.toFixed(6))).toEqual([2, 2, 2, 2]);
    // Naive from y(o−1) (pattern 2 at o ≡ 0 mod 4): leads h = 0..3 are off by |0.5(h+1) + pattern[h] − 2|.
    const byLead = [0, 1, 2, 3].map((h) => Math.abs(0.5 * (h + 1) + pattern[h] - 2));
    expect([...r.scores.naive.maeByStep].map((v) => +v.toFixed(6))).toEqual(byLead);
    expect(r.scores.naive.mae).toBeCloseTo(byLead.reduce((a, b) => a + b) / 4, 6);
    expect(r.actual.length).toBe(16);
  });

  it('moves the origin by stride and stops where a whole horizon no longer fits', () => {
    const r = walkForward(trended, { start: 30, end: 38, horizon: 3, stride: 2, methods: { oracle } });
    expect([...r.origins]).toEqual([30, 32, 34]);
    expect(r.scores.oracle.count).toBe(9);
  });

  it('leaves filled-in missing rows out of the scores', () => {
    const mask = new Float32Array(40).fill(1);
    mask[25] = 0;
    const wrongAt25: ForecastMethod = (req) => {
      const f = oracle(req);
      f[1] = 1000; // origin 24, lead 1 = row 25
      return f;
    };
    const r = walkForward(trended, { start: 24, horizon: 4, mask, methods: { wrongAt25 } });
    expect(r.scores.wrongAt25.mae).toBe(0);
    expect(r.scores.wrongAt25.count).toBe(15);
  });

  it('scores a multivariate target per column', () => {
    const two = Float32Array.from(Array.from({ length: 40 }, (_, t) => [trended[t], 10 * trended[t]]).flat());
    const r = walkForward(
      { data: two, shape: [40, 2] },
      { start: 24, horizon: 4, season: 4, methods: { s: seasonalNaiveMethod(4) } },
    );
    expect(r.scores.s.mae).toBeCloseTo(11, 5); // columns off by 2 and 20
    expect(r.scores.s.mase).toBeCloseTo(1, 6); // each column against its own scale
    const one = walkForward(
      { data: two, shape: [40, 2] },
      { start: 24, horizon: 4, targetColumns: [1], season: 4, methods: { s: seasonalNaiveMethod(4) } },
    );
    expect(one.scores.s.mae).toBeCloseTo(20, 5);
  });

  it('runs a model through its windows: an exact AR(1) doubling model scores 0', () => {
    const growth = Float32Array.from({ length: 20 }, (_, t) => 2 ** (t / 4));
    const model: WindowPredictor = {
      lookback: 2,
      features: 1,
      horizon: 1,
      targets: 1,
      predict: (w) => Float32Array.from({ length: w.shape[0] }, (_, i) => w.data[i * 2 + 1] * 2 ** 0.25),
    };
    const r = walkForward(growth, {
      start: 10,
      horizon: 5,
      stride: 1,
      methods: { model: predictorMethod(model) },
    });
    expect(r.scores.model.mae).toBeLessThan(1e-4);
    const w = contextWindows({ data: growth, rows: 20, cols: 1 }, Int32Array.of(10), 2);
    expect([...w.data]).toEqual([growth[8], growth[9]]);
  });

  it('names what is wrong', () => {
    expect(() => walkForward(trended, { start: 38, horizon: 4, methods: { oracle } })).toThrow(
      /too few for one forecast/,
    );
    expect(() => walkForward(trended, { start: 24, horizon: 4, methods: {} })).toThrow(ValueError);
    expect(() =>
      walkForward(trended, { start: 24, horizon: 4, methods: { bad: () => new Float32Array(3) } }),
    ).toThrow(ShapeError);
    expect(() =>
      walkForward(Float32Array.of(1, Number.NaN, 3, 4), { start: 1, horizon: 1, methods: { oracle } }),
    ).toThrow(/interpolateMissing/);
    expect(() =>
      walkForward(trended, { start: 2, horizon: 4, methods: { s: seasonalNaiveMethod(4) } }),
    ).toThrow(DataError);
  });
});
