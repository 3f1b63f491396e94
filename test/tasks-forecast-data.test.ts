// The Forecaster's data preparation on series whose windows can be written down: a straight line in 'change'
// mode gives the same window and the same targets everywhere, so a network that learned them once continues
// the line far past the training range.

import { describe, expect, it } from 'vitest';
import { StandardScaler } from '../bindings/data/scalers.ts';
import { DataError } from '../bindings/errors.ts';
import {
  futureRowFor,
  levelPredictor,
  prepareSeries,
  type SeriesLayout,
  splitSeries,
  trainingWindows,
} from '../bindings/tasks/forecast-data.ts';
import { forecastSteps } from '../bindings/tasks/multistep.ts';

const layout = (over: Partial<SeriesLayout> = {}): SeriesLayout => ({
  columns: 1,
  targetColumns: [0],
  mask: false,
  target: 'change',
  lookback: 3,
  horizon: 2,
  ...over,
});

describe('forecast data', () => {
  const line = Float32Array.from({ length: 20 }, (_, t) => 2 * t + 1);
  const scaler = new StandardScaler().fit(line.subarray(0, 10));
  const unit = scaler.scale![0];

  it('makes every window of a line the same once values are relative to the last row', () => {
    const p = prepareSeries(line, scaler, layout());
    const w = trainingWindows(p, [0, 10], layout());
    expect(w.inputs.shape).toEqual([6, 3, 1]);
    expect(w.targets.shape).toEqual([6, 2]);
    const step = 2 / unit;
    for (let i = 0; i < 6; i++) {
      expect([...w.inputs.data.subarray(i * 3, i * 3 + 3)].map((v) => +v.toFixed(5))).toEqual(
        [-2 * step, -step, 0].map((v) => +v.toFixed(5)),
      );
      expect(w.targets.data[i * 2]).toBeCloseTo(step, 5);
      expect(w.targets.data[i * 2 + 1]).toBeCloseTo(2 * step, 5);
    }
  });

  it('adds predicted changes back, so a learned line continues past the training range', () => {
    const step = 2 / unit;
    const model = levelPredictor(layout({ horizon: 1 }), (w) => new Float32Array(w.shape[0]).fill(step));
    const p = prepareSeries(line, scaler, layout());
    const ctx = { data: p.inputs.data.slice(7, 10), shape: [1, 3, 1] };
    const out = scaler.inverseTransform(forecastSteps(model, ctx, 30).data);
    for (let h = 0; h < 30; h++) expect(out[h]).toBeCloseTo(2 * (10 + h) + 1, 3);
  });

  it('fills gaps, appends the mask channel and feeds back predictions as observed', () => {
    const gappy = Float32Array.from([1, Number.NaN, 3, 4, 5, 6]);
    const l = layout({ mask: true, target: 'level' });
    const p = prepareSeries(gappy, new StandardScaler().fit([0, 2]), l);
    expect(p.missing).toBe(1);
    expect(p.inputs.cols).toBe(2);
    expect([...p.inputs.data.subarray(0, 6)]).toEqual([0, 1, 1, 0, 2, 1]); // (x − 1) / 1, then the mask
    const row = new Float32Array(2);
    futureRowFor(l)!(Float32Array.of(9), 0, row);
    expect([...row]).toEqual([9, 1]);
    const two = layout({ columns: 2, targetColumns: [1, 0] });
    futureRowFor(two)!(Float32Array.of(5, 7), 0, row);
    expect([...row]).toEqual([7, 5]);
    expect(futureRowFor(layout({ columns: 2, targetColumns: [0] }))).toBeUndefined();
  });

  it('says when the series is too short for the lookback', () => {
    expect(() => splitSeries(20, { train: 0.5 }, layout({ lookback: 9 }))).toThrow(DataError);
    expect(() => splitSeries(20, { train: 0.5 }, layout({ lookback: 9 }))).toThrow(
      /training split holds 10, but lookback 9 \+ horizon 2 needs more than 11/,
    );
    expect(splitSeries(20, { train: 0.7, validation: 0.1 }, layout()).test).toEqual([16, 20]);
  });
});
