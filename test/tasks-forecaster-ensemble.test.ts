// The default forecaster (network + statistical members chosen on validation) on real series and on the
// edges: on air passengers and UK gas it must beat seasonal naive by the margin R's auto.arima does (figures
// from data/series/anchors.csv, made by R's forecast package); its intervals cover held-out rows about as often
// as they say; imputation beats linear interpolation on a seasonal series; a file written before the ensemble
// loads and forecasts bit for bit as it did; short, constant and empty series fall back or fail by name.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, Forecaster, init, Random, type Runtime, ValueError } from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

function series(name: string): Float32Array {
  const lines = readFileSync(new URL(`../data/series/${name}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n');
  return Float32Array.from(lines.slice(1), (l) => Number(l.split(',')[1]));
}

function anchor(name: string, method: string): number {
  const csv = readFileSync(new URL('../data/series/anchors.csv', import.meta.url), 'utf8');
  const row = csv.split('\n').find((l) => l.startsWith(`${name},`) && l.split(',')[5] === method);
  return Number(row?.split(',')[7]);
}

/** Rolling-origin H-step MAE over the last 15 % (anchors.R's protocol), the forecaster fitted on the rest. */
async function rollingMae(
  name: string,
  season: number,
  horizon: number,
): Promise<{ mae: number; f: Forecaster }> {
  const y = series(name);
  const o = Math.floor(0.7 * y.length) + Math.floor(0.15 * y.length);
  const f = await Forecaster.fit(y.subarray(0, o), { runtime: rt, season, horizon, seed: 0 });
  let sum = 0;
  let n = 0;
  for (let origin = o; origin + horizon <= y.length; origin++) {
    const p = f.forecastFrom(y.subarray(0, origin), horizon);
    for (let h = 0; h < horizon; h++, n++) sum += Math.abs(y[origin + h] - p[h]);
  }
  return { mae: sum / n, f };
}

describe('Forecaster defaults on real series', () => {
  it('air passengers: at least as good as auto.arima, far better than seasonal naive', async () => {
    const { mae, f } = await rollingMae('air_passengers', 12, 12);
    expect(mae).toBeLessThan(anchor('air_passengers', 'auto.arima'));
    expect(mae).toBeLessThan(0.5 * anchor('air_passengers', 'seasonal_naive'));
    expect(f.method).not.toBe('');
    f.dispose();
  });

  it('without a season given, finds the yearly cycle of monthly data and says so', async () => {
    const f = await Forecaster.fit(series('air_passengers'), { runtime: rt, horizon: 12, seed: 0 });
    expect(f.season).toBe(12);
    expect(f.notes.join(' ')).toMatch(/season 12 detected/);
    f.dispose();
  });

  it('UK gas (growing seasonal swings): within 5 % of the best of naive, AR, auto.arima and ets', async () => {
    const { mae, f } = await rollingMae('uk_gas', 4, 4);
    const best = Math.min(
      ...['naive', 'seasonal_naive', 'AR(8)', 'auto.arima', 'ets'].map((m) => anchor('uk_gas', m)),
    );
    expect(mae).toBeLessThan(1.05 * best);
    f.dispose();
  });
});

describe('prediction intervals', () => {
  const rng = new Random(11);
  const y = new Float32Array(600);
  for (let t = 1; t < y.length; t++) {
    y[t] = 0.7 * y[t - 1] + 2 * Math.sin((2 * Math.PI * t) / 12) + rng.normal(0, 1);
  }

  it('cover held-out rows about as often as their level, and grow with the lead', async () => {
    const fit = y.subarray(0, 400);
    const f = await Forecaster.fit(fit, { runtime: rt, season: 12, horizon: 6, seed: 1 });
    const inside = { 80: 0, 95: 0 };
    let count = 0;
    for (let origin = 400; origin + 6 <= y.length; origin += 3) {
      const r = f.forecastFrom(y.subarray(0, origin), 6, { level: [80, 95] });
      for (const { level, lower, upper } of r.intervals) {
        for (let h = 0; h < 6; h++) {
          expect(lower[h]).toBeLessThan(r.mean[h]);
          expect(upper[h]).toBeGreaterThan(r.mean[h]);
          if (y[origin + h] >= lower[h] && y[origin + h] <= upper[h]) inside[level as 80 | 95]++;
        }
      }
      count += 6;
    }
    expect(inside[80] / count).toBeGreaterThan(0.7);
    expect(inside[80] / count).toBeLessThan(0.9);
    expect(inside[95] / count).toBeGreaterThan(0.88);
    const r = f.forecast(6, { level: [80] });
    const width = r.intervals[0].upper.map((u, h) => u - r.intervals[0].lower[h]);
    expect(width[5]).toBeGreaterThanOrEqual(width[0]);
    expect([...r.mean]).toEqual([...f.forecast(6)]);
    expect(() => f.forecast(6, { level: [120] })).toThrow(/level must be a non-empty array of percentages/);
    expect(() => f.forecast(6, {} as never)).toThrow(ValueError);
    f.dispose();
  });

  it('are saved with the model: a loaded forecaster gives the same bounds and choice', async () => {
    const f = await Forecaster.fit(y.subarray(0, 200), { runtime: rt, season: 12, horizon: 3, seed: 2 });
    const g = Forecaster.load(rt, f.save());
    expect(g.method).toBe(f.method);
    const a = f.forecastFrom(y.subarray(0, 250), 8, { level: [90] });
    const b = g.forecastFrom(y.subarray(0, 250), 8, { level: [90] });
    expect([...b.mean]).toEqual([...a.mean]);
    expect([...b.intervals[0].lower]).toEqual([...a.intervals[0].lower]);
    expect([...g.forecast(8)]).toEqual([...f.forecast(8)]);
    f.dispose();
    g.dispose();
  });
});

describe('inputs known in advance', () => {
  // Sales driven by a price that changes by steps, set in advance: y = 50 − 4·price + AR(1) noise.
  const rng = new Random(21);
  const rows = 300;
  const price = Float32Array.from({ length: rows }, (_, t) => 5 + (Math.floor(t / 37) % 3));
  const y = new Float32Array(rows);
  let noise = 0;
  for (let t = 0; t < rows; t++) {
    noise = 0.5 * noise + rng.normal(0, 0.5);
    y[t] = 50 - 4 * price[t] + noise;
  }
  const matrix = (n: number) => {
    const data = new Float32Array(n * 2);
    for (let t = 0; t < n; t++) data.set([y[t], price[t]], 2 * t);
    return { data, shape: [n, 2] };
  };

  it('follow a price change they are told of, where past-only inputs cannot', async () => {
    const options = { runtime: rt, targetColumns: [0], horizon: 6, seed: 0 };
    const known = await Forecaster.fit(matrix(240), { ...options, covariates: 'known' });
    const past = await Forecaster.fit(matrix(240), options);
    let knownError = 0;
    let pastError = 0;
    for (let origin = 240; origin + 6 <= rows; origin += 2) {
      const future = price.subarray(origin, origin + 6);
      const a = known.forecastFrom(matrix(origin), 6, { future });
      const b = past.forecastFrom(matrix(origin), 6);
      for (let h = 0; h < 6; h++) {
        knownError += Math.abs(y[origin + h] - a[h]);
        pastError += Math.abs(y[origin + h] - b[h]);
      }
    }
    expect(knownError).toBeLessThan(0.6 * pastError);
    const saved = Forecaster.load(rt, known.save());
    const future = { data: Float32Array.of(7, 7, 7), shape: [3, 1] };
    expect([...saved.forecast(3, { future })]).toEqual([...known.forecast(3, { future })]);
    expect(saved.forecast(3, { future, level: [80] }).intervals[0].upper).toHaveLength(3);
    expect(() => known.forecast(3)).toThrow(/future must give the 1 known input/);
    expect(() => known.forecast(3, { future: Float32Array.of(7) })).toThrow(/future must be \[3, 1\]/);
    expect(() => past.forecast(3, { future })).toThrow(/only for a forecaster fitted with covariates/);
    await expect(Forecaster.fit(matrix(240), { ...options, covariates: 'soon' as never })).rejects.toThrow(
      /covariates must be 'past' or 'known'/,
    );
    known.dispose();
    past.dispose();
    saved.dispose();
  });
});

describe('imputation', () => {
  it('fills a seasonal series better than linear interpolation, keeping observed values', async () => {
    const rng = new Random(4);
    const truth = Float32Array.from(
      { length: 240 },
      (_, t) => 10 + 3 * Math.sin((2 * Math.PI * t) / 12) + rng.normal(0, 0.2),
    );
    const f = await Forecaster.fit(truth.subarray(0, 180), { runtime: rt, season: 12, seed: 0 });
    const holed = Float32Array.from(truth);
    const hidden = [30, 31, 32, 33, 34, 35, 100, 150, 151, 200, 201, 202, 203, 204, 205, 206, 207, 208, 239];
    for (const t of hidden) holed[t] = Number.NaN;
    const filled = f.impute(holed);
    const linear = Float32Array.from(holed);
    for (let t = 0; t < linear.length; t++) {
      if (!Number.isNaN(linear[t])) continue;
      let a = t - 1;
      while (a >= 0 && Number.isNaN(holed[a])) a--;
      let b = t + 1;
      while (b < linear.length && Number.isNaN(holed[b])) b++;
      linear[t] = b >= linear.length ? holed[a] : holed[a] + ((holed[b] - holed[a]) * (t - a)) / (b - a);
    }
    const mae = (v: Float32Array) =>
      hidden.reduce((s, t) => s + Math.abs(v[t] - truth[t]), 0) / hidden.length;
    expect(filled.every(Number.isFinite)).toBe(true);
    expect(mae(filled)).toBeLessThan(0.5 * mae(linear));
    for (let t = 0; t < truth.length; t++) if (!hidden.includes(t)) expect(filled[t]).toBe(truth[t]);
    expect(() => f.impute({ data: new Float32Array(20), shape: [10, 2] })).toThrow(/2 columns but/);
    f.dispose();
  });
});

describe('old files and fallbacks', () => {
  it('a file written before the ensemble loads and forecasts bit for bit as then', async () => {
    const ts = await init({ backend: 'ts' });
    const dir = new URL('./fixtures/forecaster/', import.meta.url);
    const f = Forecaster.load(ts, readFileSync(new URL('old-format.safetensors', dir)));
    const then = JSON.parse(readFileSync(new URL('old-format.json', dir), 'utf8'));
    const series = Float32Array.from(
      { length: 120 },
      (_, t) => 10 + 0.1 * t + Math.sin((2 * Math.PI * t) / 12),
    );
    expect([...f.forecast(6)]).toEqual(then.forecast);
    expect([...f.forecastFrom(series.subarray(0, 100), 6)]).toEqual(then.forecastFrom);
    expect(f.method).toBe('network');
    expect(() => f.forecast(6, { level: [80] })).toThrow(/no prediction intervals/);
    f.dispose();
  });

  it('a forecaster file with state fit could not produce is refused by field, its network freed', async () => {
    const y = series('uk_gas');
    const f = await Forecaster.fit(y, { runtime: rt, season: 4, horizon: 4, seed: 0, epochs: 2 });
    const bytes = f.save();
    f.dispose();
    /** The forecaster state as the file holds it (JSON), the fields these cases change. */
    type State = {
      layout: Record<string, unknown>;
      scaler: Record<string, unknown>;
      tail: unknown[];
      [field: string]: unknown;
    };
    /** The file with its forecaster state changed by `edit` (the manifest is JSON inside the safetensors header). */
    const tampered = (edit: (state: State) => void) => {
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      const manifest = JSON.parse(header.__metadata__['wasm_rnn.manifest']);
      edit(manifest.extra ?? manifest);
      header.__metadata__['wasm_rnn.manifest'] = JSON.stringify(manifest);
      const text = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + text.length + bytes.length - 8 - n);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      out.set(bytes.subarray(8 + n), 8 + text.length);
      return out;
    };
    Forecaster.load(
      rt,
      tampered(() => {}),
    ).dispose();
    const before = rt.memory.buffer.byteLength;
    const cases: [(s: State) => void, RegExp][] = [
      [(s) => (s.layout.horizon = 1e9), /layout\.horizon must be an integer in 1\.\.100000/],
      [
        (s) => (s.layout.targetColumns = [5]),
        /layout\.targetColumns must be distinct column indices below 1/,
      ],
      [(s) => (s.scaler.scale = [1e300]), /scaler must be an offset and a scale per column/],
      [(s) => (s.tail[0] = null), /tail must be 24 finite values/],
      [(s) => (s.strategy = 'beam'), /strategy must be 'recursive' or 'direct'/],
      [(s) => (s.season = 0), /season must be an integer/],
      [(s) => (s.split = { train: 2 }), /split must be fractions or row counts/],
    ];
    for (let round = 0; round < 20; round++) {
      for (const [edit, message] of cases) expect(() => Forecaster.load(rt, tampered(edit))).toThrow(message);
    }
    expect(rt.memory.buffer.byteLength).toBe(before);
  });

  it('a short series gets a shorter lookback and says so; an empty one is refused by name', async () => {
    const short = Float32Array.from({ length: 30 }, (_, t) => t + Math.sin(t));
    const f = await Forecaster.fit(short, { runtime: rt, horizon: 3, season: 4 });
    expect(f.notes.join(' ')).toMatch(/lookback \d+ instead of 24/);
    expect(f.forecast(3).every(Number.isFinite)).toBe(true);
    f.dispose();
    const empty = new Float32Array(50).fill(Number.NaN);
    await expect(Forecaster.fit(empty, { runtime: rt })).rejects.toThrow(DataError);
    await expect(Forecaster.fit(short, { runtime: rt, method: 'arima' as never })).rejects.toThrow(
      /method must be 'auto' or 'network'/,
    );
  });

  it('takes the split as row counts, and evaluates the held-out rows at every origin with the classical rows', async () => {
    const y = series('uk_gas');
    const f = await Forecaster.fit(y, {
      runtime: rt,
      season: 4,
      horizon: 4,
      seed: 0,
      split: { trainRows: 70, validationRows: 18, testRows: 20 },
    });
    expect(f.ranges).toEqual({ train: [0, 70], validation: [70, 88], test: [88, 108] });
    const r = f.evaluate({ stride: 1 });
    expect(r.origins).toHaveLength(17);
    expect(Object.keys(r.scores).sort()).toEqual(['ar', 'ets', 'model', 'naive', 'seasonalNaive']);
    expect(r.scores.model.mae).toBeLessThan(r.scores.seasonalNaive.mae);
    // Coverage counted by hand from the same forecasts and the bounds the forecaster gives at each origin.
    let inside = 0;
    r.origins.forEach((o) => {
      const b = f.forecastFrom(y.subarray(0, o), 4, { level: [80] }).intervals[0];
      for (let h = 0; h < 4; h++) if (y[o + h] >= b.lower[h] && y[o + h] <= b.upper[h]) inside++;
    });
    expect(r.coverage?.[80]).toBeCloseTo(inside / (4 * r.origins.length), 10);
    expect(r.coverage?.[95]).toBeGreaterThanOrEqual(r.coverage?.[80] as number);
    f.dispose();
    await expect(
      Forecaster.fit(y, { runtime: rt, season: 4, split: { trainRows: 100, validationRows: 20 } }),
    ).rejects.toThrow(/trainRows \+ validationRows \+ testRows must be ≤ the 108 rows/);
  });

  it('scores a number[] series in float64: seasonal naive exact to 1e-12, not to float32', async () => {
    const pattern = [0.1, 0.7, 0.3, 0.9];
    const values = Array.from({ length: 120 }, (_, t) => 1000.1 + 0.3 * t + pattern[t % 4]);
    const f = await Forecaster.fit(values, {
      runtime: rt,
      season: 4,
      horizon: 4,
      seed: 0,
      split: { train: 0.6, validation: 0.2, test: 0.2 },
    });
    const r = f.evaluate({ stride: 1 });
    // Seasonal naive is off by one season of trend, 4 × 0.3 = 1.2, at every lead; float32 rounds 1000.x by 6e-5.
    expect(Math.abs(r.scores.seasonalNaive.mae - 1.2)).toBeLessThan(1e-12);
    expect(r.actual).toBeInstanceOf(Float64Array);
    f.dispose();
  });

  it('a constant series forecasts its constant', async () => {
    const f = await Forecaster.fit(new Float32Array(100).fill(7), { runtime: rt, horizon: 4, seed: 0 });
    for (const v of f.forecast(4)) expect(v).toBeCloseTo(7, 4);
    f.dispose();
  });

  it('trains the network until its validation loss stops improving, or as long as told', async () => {
    const y = series('uk_gas');
    const f = await Forecaster.fit(y, {
      runtime: rt,
      season: 4,
      horizon: 4,
      seed: 0,
      epochs: 300,
      patience: 3,
    });
    expect(f.summary!.earlyStopped).toBe(true);
    expect(f.summary!.epochs).toBeLessThan(300);
    const g = await Forecaster.fit(y, {
      runtime: rt,
      season: 4,
      horizon: 4,
      seed: 0,
      epochs: 4,
      clip: false,
    });
    expect(g.summary!.epochs).toBe(4);
    expect(g.summary!.earlyStopped).toBeUndefined();
    f.dispose();
    g.dispose();
  });

  it('past a direct network horizon, the statistical members forecast alone', async () => {
    const y = series('uk_gas');
    const f = await Forecaster.fit(y, { runtime: rt, season: 4, horizon: 4, seed: 0 });
    expect(f.forecast(12).every(Number.isFinite)).toBe(true);
    const n = await Forecaster.fit(y, { runtime: rt, season: 4, horizon: 4, seed: 0, method: 'network' });
    expect(n.method).toBe('network');
    expect(() => n.forecast(12)).toThrow(/more than the 4 rows a direct model predicts/);
    f.dispose();
    n.dispose();
  });
});
