// Time-series preparation on hand-worked examples, and the CO2 file the forecasting demo uses.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { naiveForecast, seasonalNaiveForecast, windowBaseline } from '../bindings/data/baselines.ts';
import { collate } from '../bindings/data/batch.ts';
import { batches } from '../bindings/data/batches.ts';
import { parseCsv, readNumericCsv } from '../bindings/data/csv.ts';
import { mae, mape, mase, rmse } from '../bindings/data/metrics.ts';
import { findMissing, interpolateMissing, withMaskChannel } from '../bindings/data/missing.ts';
import { MinMaxScaler, StandardScaler } from '../bindings/data/scalers.ts';
import { makeWindows, windowDataset } from '../bindings/data/series.ts';
import { chronologicalSplit, splitRanges } from '../bindings/data/split.ts';
import { DataError, ShapeError, ValueError } from '../bindings/errors.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const co2Text = readFileSync(new URL('../data/co2-maunaloa-weekly.csv', import.meta.url), 'utf8');

describe('makeWindows', () => {
  it('cuts a univariate series by lookback, horizon and stride', () => {
    const w = makeWindows(range(10), { lookback: 3, horizon: 2, stride: 2 });
    expect(w.inputs.shape).toEqual([3, 3, 1]);
    expect(w.targets.shape).toEqual([3, 2, 1]);
    expect([...w.inputs.data]).toEqual([0, 1, 2, 2, 3, 4, 4, 5, 6]);
    expect([...w.targets.data]).toEqual([3, 4, 5, 6, 7, 8]);
    expect([...w.starts]).toEqual([0, 2, 4]);
  });

  it('cuts a multivariate series and predicts chosen columns', () => {
    const data = Float32Array.from(range(6).flatMap((t) => [t, 10 + t]));
    const w = makeWindows({ data, shape: [6, 2] }, { lookback: 2, targetColumns: [1] });
    expect(w.inputs.shape).toEqual([4, 2, 2]);
    expect([...w.inputs.data.subarray(0, 4)]).toEqual([0, 10, 1, 11]);
    expect([...w.targets.data]).toEqual([12, 13, 14, 15]);
  });

  it('becomes a many-to-one dataset whose batches are time-major', () => {
    const ds = windowDataset(makeWindows(range(6), { lookback: 3, horizon: 2 }));
    const b = collate(ds, [0, 1]);
    expect(b.inputs.shape).toEqual([3, 2, 1]);
    expect([...b.inputs.data]).toEqual([0, 1, 1, 2, 2, 3]);
    expect(b.targets.shape).toEqual([2, 2]);
    expect([...b.targets.data]).toEqual([3, 4, 4, 5]);
  });

  it('names what is wrong', () => {
    expect(() => makeWindows(range(4), { lookback: 4 })).toThrow(DataError);
    expect(() => makeWindows(range(4), { lookback: 4 })).toThrow(
      /series has 4 points but lookback 4 \+ horizon 1 needs at least 5/,
    );
    expect(() => makeWindows([1, Number.NaN, 3], { lookback: 1 })).toThrow(
      /holds NaN at index 1.*interpolateMissing/,
    );
    expect(() => makeWindows(range(4), { lookback: 0 })).toThrow(ValueError);
    expect(() => makeWindows(range(4), { lookback: 1, targetColumns: [1] })).toThrow(/columns 0..0/);
  });
});

describe('scalers', () => {
  it('standardizes with the population std and round-trips', () => {
    const s = new StandardScaler().fit([1, 2, 3, 4]);
    const z = s.transform([1, 2, 3, 4]);
    const std = Math.sqrt(1.25);
    expect([...z].map((v) => +v.toFixed(5))).toEqual(
      [-1.5, -0.5, 0.5, 1.5].map((v) => +(v / std).toFixed(5)),
    );
    expect([...s.inverseTransform(z)].map((v) => +v.toFixed(5))).toEqual([1, 2, 3, 4]);
    const again = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect([...again.transform([2.5])]).toEqual([0]);
  });

  it('min-max scales each column to a range, constant columns to its low end, and selects columns', () => {
    const data = Float32Array.from([2, 7, 4, 7, 6, 7]);
    const s = new MinMaxScaler([-1, 1]).fit({ data, shape: [3, 2] });
    const t = s.transform({ data, shape: [3, 2] });
    expect(t.shape).toEqual([3, 2]);
    expect([...t.data]).toEqual([-1, -1, 0, -1, 1, -1]);
    expect([...s.select([0]).inverseTransform([0])]).toEqual([4]);
    const again = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect([...again.inverseTransform({ data: t.data, shape: [3, 2] }).data]).toEqual([...data]);
  });

  it('scales windows [N, lookback, F] column by column', () => {
    const data = Float32Array.from([0, 100, 2, 300]);
    const s = new StandardScaler().fit({ data, shape: [2, 2] });
    const w = s.transform({ data: Float32Array.from([1, 200, 0, 100, 2, 300]), shape: [1, 3, 2] });
    expect(w.shape).toEqual([1, 3, 2]);
    expect([...w.data]).toEqual([0, 0, -1, -1, 1, 1]);
  });

  it('uses training statistics on later data, ignores NaN when fitting, and names misuse', () => {
    const s = new MinMaxScaler().fit([0, Number.NaN, 10]);
    expect([...s.transform([20, Number.NaN])]).toEqual([2, Number.NaN]);
    expect(() => new StandardScaler().transform([1])).toThrow(/not fitted; call fit\(train\) first/);
    expect(() => s.transform({ data: new Float32Array(4), shape: [2, 2] })).toThrow(ShapeError);
    expect(() => new StandardScaler().fit([1, Number.POSITIVE_INFINITY])).toThrow(/Infinity at row 1/);
  });
});

describe('chronologicalSplit', () => {
  it('splits rows in order by fractions, with optional context before validation and test', () => {
    expect(splitRanges(10, { train: 0.6, validation: 0.2 })).toEqual({
      train: [0, 6],
      validation: [6, 8],
      test: [8, 10],
    });
    const s = chronologicalSplit(range(10), { train: 0.6, validation: 0.2 }, { context: 3 });
    expect([...s.train]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...s.validation]).toEqual([3, 4, 5, 6, 7]);
    expect([...s.test]).toEqual([5, 6, 7, 8, 9]);
    const data = Float32Array.from(range(8));
    const t = chronologicalSplit({ data, shape: [4, 2] }, { train: 0.5 });
    expect(t.test.shape).toEqual([2, 2]);
    expect(t.test.data.buffer).toBe(data.buffer);
  });

  it('rejects fractions that do not fit', () => {
    expect(() => splitRanges(10, { train: 0.8, validation: 0.3 })).toThrow(/must be ≤ 1/);
    expect(() => splitRanges(10, { train: 0.05 })).toThrow(/no training rows/);
    expect(() => splitRanges(10, { train: 1.5 })).toThrow(/train must be a fraction in \[0, 1\]/);
  });
});

describe('missing values', () => {
  it('detects NaN rows and fills gaps linearly, holding the ends', () => {
    const y = [Number.NaN, 1, Number.NaN, Number.NaN, 4, Number.NaN];
    expect([...findMissing(y)]).toEqual([0, 2, 3, 5]);
    const f = interpolateMissing(y);
    expect([...f.values]).toEqual([1, 1, 2, 3, 4, 4]);
    expect([...f.mask]).toEqual([0, 1, 0, 0, 1, 0]);
    expect(f.missing).toBe(4);
    const m = withMaskChannel(interpolateMissing([0, Number.NaN, 2]));
    expect(m.shape).toEqual([3, 2]);
    expect([...m.data]).toEqual([0, 1, 1, 0, 2, 1]);
  });

  it('fills each column of a multivariate series on its own', () => {
    const data = Float32Array.from([0, Number.NaN, Number.NaN, 10, 2, 20]);
    const f = interpolateMissing({ data, shape: [3, 2] });
    expect([...f.values]).toEqual([0, 10, 1, 10, 2, 20]);
    expect([...findMissing({ data, shape: [3, 2] })]).toEqual([0, 1]);
    expect(() => interpolateMissing([Number.NaN, Number.NaN])).toThrow(/column 0 has no observed value/);
    expect(() => interpolateMissing([1, Number.NEGATIVE_INFINITY])).toThrow(/-Infinity at row 1/);
  });
});

describe('CSV', () => {
  it('parses quotes, comments, CRLF and blank lines strictly', () => {
    const t = parseCsv('# a comment\r\nname,"note, with comma"\r\n"a ""b""",1\r\n\r\nc,"two\nlines"\n');
    expect(t.header).toEqual(['name', 'note, with comma']);
    expect(t.rows).toEqual([
      ['a "b"', '1'],
      ['c', 'two\nlines'],
    ]);
    expect(t.lines).toEqual([3, 5]);
    expect(() => parseCsv('a,b\n1,2,3\n')).toThrow(/line 2 has 3 fields but the header has 2/);
    expect(() => parseCsv('a\n"open\n')).toThrow(/never closed/);
  });

  it('names a missing column with the available ones, a bad cell, and a too-short file', () => {
    const text = 'date,co2\n1,316.1\n2,\n3,31x.5\n';
    expect(() => readNumericCsv(text, { column: 'co3' })).toThrow(DataError);
    expect(() => readNumericCsv(text, { column: 'co3' })).toThrow(
      /column "co3" is not in the CSV; available columns: "date", "co2"/,
    );
    expect(() => readNumericCsv(text, { column: 'co2' })).toThrow(
      /row 3 \(line 4\), column "co2": "31x.5" is not a number/,
    );
    const ok = readNumericCsv('t,v\n1,2\n2,\n3,1e1\n', { column: 1, dateColumn: 't' });
    expect([...ok.values]).toEqual([2, Number.NaN, 10]);
    expect(ok.dates).toEqual(['1', '2', '3']);
    expect(() => readNumericCsv('t,v\n1,2\n2,3\n', { column: 'v', lookback: 4 })).toThrow(
      /the CSV has 2 data rows but lookback 4 \+ horizon 1 needs 5/,
    );
  });

  it('loads the CO2 file, detects its missing weeks and fills them', () => {
    const co2 = readNumericCsv(co2Text, { column: 'co2', dateColumn: 'date' });
    expect(co2.values.length).toBe(2284);
    expect(co2.dates?.[0]).toBe('19580329');
    expect(co2.dates?.at(-1)).toBe('20011229');
    expect(co2.missing.length).toBe(59);
    expect([...co2.missing.subarray(0, 3)]).toEqual([6, 9, 10]);
    expect([...findMissing(co2.values)]).toEqual([...co2.missing]);
    const filled = interpolateMissing(co2.values);
    expect(filled.missing).toBe(59);
    expect(findMissing(filled.values).length).toBe(0);
    // Week 6 (1958-05-10) lies between 316.9 and 317.5; weeks 9..13 between 317.9 and 315.8.
    expect(filled.values[6]).toBeCloseTo(317.2, 4);
    expect(filled.values[9]).toBeCloseTo(317.9 + (315.8 - 317.9) / 6, 4);
    const w = makeWindows(filled.values, { lookback: 52, horizon: 4 });
    expect(w.inputs.shape).toEqual([2284 - 56 + 1, 52, 1]);
  });
});

describe('baselines and metrics', () => {
  it('forecasts naively and seasonally', () => {
    expect([...naiveForecast([1, 2, 3], 2)]).toEqual([3, 3]);
    expect([...seasonalNaiveForecast([1, 2, 3, 4, 5, 6], 3, 4)]).toEqual([4, 5, 6, 4]);
    const w = makeWindows(range(8), { lookback: 4, horizon: 3 });
    expect([...windowBaseline(w, { method: 'naive' }).data.subarray(0, 3)]).toEqual([3, 3, 3]);
    expect([...windowBaseline(w, { method: 'seasonal', season: 2 }).data.subarray(0, 3)]).toEqual([2, 3, 2]);
    expect(() => windowBaseline(w, { method: 'seasonal', season: 5 })).toThrow(/longer than the lookback 4/);
  });

  it('computes MAE, RMSE and MAPE on a hand-worked example', () => {
    const a = [1, 2, 3, 4];
    const p = [2, 2, 5, 4];
    expect(mae(a, p)).toBe(0.75);
    expect(rmse(a, p)).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(mape(a, p)).toBeCloseTo((100 * (1 + 2 / 3)) / 4, 12);
    // A zero actual has no percentage error: skipped, the mean is over the rest.
    expect(mape([0, 2], [1, 1])).toBe(50);
    expect(() => mape([0], [1])).toThrow(/every actual value is 0/);
    expect(() => mae([1, 2], [1])).toThrow(/same length but got 2 and 1/);
    expect(() => mae([1, Number.NaN], [1, 1])).toThrow(/actual holds NaN at index 1/);
  });

  it('scales MASE by the in-sample seasonal-naive MAE, so that forecast itself scores 1', () => {
    const y = [1, 3, 2, 5, 4, 7, 6];
    for (const m of [1, 2, 3]) {
      expect(mase(y.slice(m), y.slice(0, -m), y, m)).toBeCloseTo(1, 12);
    }
    // Naive in-sample MAE of y is (2+1+3+1+3+1)/6 = 11/6.
    expect(mase([10], [9], y)).toBeCloseTo(6 / 11, 12);
    expect(() => mase([1], [1], [1, 2, 1, 2], 2)).toThrow(/naive MAE is 0/);
    expect(() => mase([1], [1], [1], 1)).toThrow(/more than season = 1/);
  });
});

describe('the CO2 forecasting pipeline', () => {
  it('reads, fills, splits, scales on train only, windows and batches the series', () => {
    const lookback = 52;
    const co2 = readNumericCsv(co2Text, { column: 'co2', lookback });
    const filled = interpolateMissing(co2.values).values;
    const split = chronologicalSplit(filled, { train: 0.7, validation: 0.15 }, { context: lookback });
    expect(split.ranges).toEqual({ train: [0, 1598], validation: [1598, 1941], test: [1941, 2284] });
    const scaler = new StandardScaler().fit(split.train);
    const train = makeWindows(scaler.transform(split.train), { lookback });
    const test = makeWindows(scaler.transform(split.test), { lookback });
    // With `context`, the first test window predicts the first test row.
    expect(test.inputs.shape[0]).toBe(2284 - 1941);
    expect(scaler.inverseTransform(test.targets.data.subarray(0, 1))[0]).toBeCloseTo(filled[1941], 3);
    const loader = batches(windowDataset(train), { batchSize: 32, shuffle: true, seed: 1 });
    const first = loader[Symbol.iterator]().next().value!;
    expect(first.inputs.shape).toEqual([lookback, 32, 1]);
    expect(first.targets.shape).toEqual([32, 1]);
    // A year-ago forecast beats nothing on trend data: its MASE against the weekly naive scale is above 1.
    const seasonal = windowBaseline(test, { method: 'seasonal', season: 52 });
    const naive = windowBaseline(test, { method: 'naive' });
    const y = scaler.transform(split.train);
    expect(mase(test.targets, naive, y)).toBeLessThan(mase(test.targets, seasonal, y));
  });
});
