// The statistical members of the forecaster's ensemble against answers known in closed form: least squares on
// an exact linear system, AR coefficients recovered from a long simulated AR(2), exponential smoothing that
// reproduces a noiseless trend-and-season series exactly, Nelder–Mead at Rosenbrock's minimum, the combination
// rule, conformal bounds that cover what they should, and gap filling that joins both ends of a gap.

import { describe, expect, it } from 'vitest';
import { Random } from 'wasm-rnn';
import { gapsOf, imputeGaps } from '../bindings/tasks/impute.ts';
import { fitAutoregressive } from '../bindings/tasks/stats/autoregressive.ts';
import { fitCandidates, restoreModel } from '../bindings/tasks/stats/candidates.ts';
import { chooseCombination } from '../bindings/tasks/stats/combination.ts';
import { chooseEts, fitEts } from '../bindings/tasks/stats/exponential-smoothing.ts';
import { fitIntervals, halfWidth } from '../bindings/tasks/stats/intervals.ts';
import { leastSquares } from '../bindings/tasks/stats/least-squares.ts';
import { forecastAfter } from '../bindings/tasks/stats/model.ts';
import { nelderMead } from '../bindings/tasks/stats/nelder-mead.ts';
import { detectSeason } from '../bindings/tasks/stats/season.ts';
import { fitTheta } from '../bindings/tasks/stats/theta.ts';

describe('least squares and Nelder–Mead', () => {
  it('solves an exact overdetermined system', () => {
    const rows = 20;
    const X = new Float64Array(rows * 3);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      X.set([1, i, (i * i) % 7], i * 3);
      y[i] = 2 - 0.5 * i + 3 * ((i * i) % 7);
    }
    const b = leastSquares(X, y, 3, 0) as Float64Array;
    expect(b[0]).toBeCloseTo(2, 9);
    expect(b[1]).toBeCloseTo(-0.5, 9);
    expect(b[2]).toBeCloseTo(3, 9);
  });

  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(
      (x) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
      Float64Array.of(-1.2, 1),
      0.5,
      4000,
    );
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});

describe('AR and exponential smoothing', () => {
  it('recovers the coefficients of a simulated AR(2)', () => {
    const rng = new Random(5);
    const y = new Float64Array(20000);
    for (let t = 2; t < y.length; t++) y[t] = 1 + 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.normal(0, 1);
    const json = fitAutoregressive(y, 2)?.toJSON();
    if (json?.kind !== 'ar') throw new Error('no AR fit');
    expect(json.coefficients[0]).toBeCloseTo(1, 1);
    expect(json.coefficients[1]).toBeCloseTo(0.6, 1);
    expect(json.coefficients[2]).toBeCloseTo(-0.3, 1);
  });

  it('recovers an exact AR(2) (a sine around 300) and forecasts it recursively', () => {
    const w = (2 * Math.PI) / 12;
    const y = Float64Array.from({ length: 120 }, (_, t) => 300 + Math.sin(w * t));
    const ar = fitAutoregressive(y.subarray(0, 96), 2)!;
    const f = forecastAfter(ar, y.subarray(0, 96), 24);
    for (let h = 0; h < 24; h++) expect(f[h]).toBeCloseTo(y[96 + h], 3);
    expect(fitAutoregressive(new Float64Array(20), 10)).toBeUndefined();
  });

  it('forecasts a noiseless line plus an additive season exactly', () => {
    const y = Float64Array.from({ length: 96 }, (_, t) => 5 + 0.2 * t + [1, -2, 0.5, 0.5][t % 4]);
    const fit = fitEts(y, { trend: 'A', season: 'A', period: 4 });
    const f = forecastAfter(fit!.model, y, 8);
    for (let h = 0; h < 8; h++)
      expect(f[h]).toBeCloseTo(5 + 0.2 * (96 + h) + [1, -2, 0.5, 0.5][(96 + h) % 4], 3);
  });

  it('Theta forecasts a level times a season exactly, and tells its season by the autocorrelation test', () => {
    const pattern = [0.8, 1.1, 1.3, 0.8];
    const y = Float64Array.from({ length: 48 }, (_, t) => 20 * pattern[t % 4]);
    const theta = fitTheta(y, 4)!;
    expect(theta.name).toBe('theta(4)');
    const f = forecastAfter(theta, y, 8);
    for (let h = 0; h < 8; h++) expect(f[h]).toBeCloseTo(20 * pattern[(48 + h) % 4], 6);
    const rng = new Random(3);
    expect(
      fitTheta(
        Float64Array.from({ length: 60 }, () => 5 + rng.normal(0, 1)),
        4,
      )?.name,
    ).toBe('theta');
  });

  it('chooses a multiplicative season for swings that grow with the level', () => {
    const y = Float64Array.from(
      { length: 120 },
      (_, t) => (50 + 2 * t) * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12)),
    );
    expect(chooseEts(y, 12)?.model.name).toMatch(/^ets\(A,A(d)?,M\)$/);
  });

  it('every candidate survives its JSON and forecasts the same from any history', () => {
    const rng = new Random(2);
    const y = Float64Array.from(
      { length: 80 },
      (_, t) => 20 + 0.1 * t + Math.sin(t / 2) + rng.normal(0, 0.1),
    );
    for (const model of fitCandidates(y, { season: 4, lags: 8 })) {
      const copy = restoreModel(JSON.parse(JSON.stringify(model.toJSON())));
      expect(copy.name).toBe(model.name);
      expect([...forecastAfter(copy, y.subarray(0, 70), 5)]).toEqual([
        ...forecastAfter(model, y.subarray(0, 70), 5),
      ]);
    }
  });
});

describe('season detection', () => {
  it('finds the period of a trending seasonal series, not its multiple, and none in noise', () => {
    const rng = new Random(8);
    const monthly = Float64Array.from(
      { length: 240 },
      (_, t) => 0.3 * t + 5 * Math.sin((2 * Math.PI * t) / 12) + rng.normal(0, 1),
    );
    expect(detectSeason(monthly)).toBe(12);
    const quarterly = Float64Array.from(
      { length: 100 },
      (_, t) => [3, -1, 0, -2][t % 4] + rng.normal(0, 0.3),
    );
    expect(detectSeason(quarterly)).toBe(4);
    expect(detectSeason(Float64Array.from({ length: 300 }, () => rng.normal(0, 1)))).toBe(1);
    expect(detectSeason(Float64Array.of(1, 2, 3))).toBe(1);
  });
});

describe('combination and intervals', () => {
  it('averages two candidates whose errors cancel, keeps a lone winner otherwise', () => {
    const actual = Float64Array.of(1, 2, 3, 4, Number.NaN);
    const above = actual.map((v) => v + 1);
    const below = actual.map((v) => v - 1);
    const far = actual.map((v) => v + 5);
    expect(chooseCombination([far, above, below], actual).members.sort()).toEqual([1, 2]);
    const exact = Float64Array.from(actual);
    expect(chooseCombination([far, exact, above], actual).members).toEqual([1]);
  });

  it('covers about the level asked on errors drawn like the validation ones, wider at longer leads', () => {
    const rng = new Random(9);
    const horizon = 4;
    const draw = (n: number) =>
      Float64Array.from({ length: n * horizon }, (_, i) => rng.normal(0, 1 + (i % horizon)));
    const model = fitIntervals(draw(200), horizon)!;
    const test = draw(2000);
    for (const level of [80, 95]) {
      let inside = 0;
      for (let i = 0; i < test.length; i++)
        if (Math.abs(test[i]) <= halfWidth(model, level, i % horizon)) inside++;
      expect(inside / test.length).toBeGreaterThan(level / 100 - 0.03);
      expect(inside / test.length).toBeLessThan(level / 100 + 0.03);
    }
    for (let h = 1; h < 8; h++)
      expect(halfWidth(model, 80, h)).toBeGreaterThanOrEqual(halfWidth(model, 80, h - 1));
    expect(fitIntervals(Float64Array.of(1, 2, Number.NaN), 1)).toBeUndefined();
  });
});

describe('gap filling', () => {
  it('bridges forward and backward forecasts onto the far side and blends them', () => {
    const y = Float64Array.of(0, 0, Number.NaN, Number.NaN, Number.NaN, 10, 10);
    expect(gapsOf(y)).toEqual([[2, 5]]);
    const linear = Float64Array.of(0, 0, 2.5, 5, 7.5, 10, 10);
    const filled = imputeGaps(
      y,
      linear,
      (_h, steps) => new Float64Array(steps),
      (_h, steps) => new Float64Array(steps).fill(10),
    );
    expect([...filled]).toEqual([0, 0, 2.5, 5, 7.5, 10, 10]);
    const onlyForward = imputeGaps(
      y,
      linear,
      (_h, steps) => new Float64Array(steps).fill(1),
      () => undefined,
    );
    // One side alone: its forecast (1, 1, 1, then 1 where 10 was seen) is bridged onto the far value.
    expect([...onlyForward.subarray(2, 5)]).toEqual([3.25, 5.5, 7.75]);
    const atEnd = Float64Array.of(4, 4, Number.NaN, Number.NaN);
    const tail = imputeGaps(
      atEnd,
      Float64Array.of(4, 4, 4, 4),
      (_h, steps) => new Float64Array(steps).fill(6),
      () => undefined,
    );
    expect([...tail]).toEqual([4, 4, 6, 6]);
  });
});
