// Forecaster.load against the three classes of file `npm run fuzz -- --target forecaster` found (issue 17): a
// network whose architecture is not the one fit builds (it loaded, then forecast threw a ShapeError), a saved
// ensemble state that forecasts NaN (it loaded, then forecast NaN), and loads of huge manifests timed against
// the bound (under 1 s for files under 20 MB). Each refusal is a FormatError naming the field, raised
// before the network is built (the arena holds no more bytes than before); hand-written ensembles that load are
// checked against their own recursions, computed here.

import { beforeAll, describe, expect, it } from 'vitest';
import { Forecaster, FormatError, init, type Runtime } from 'wasm-rnn';
import { restoreModel } from '../bindings/tasks/stats/candidates.ts';
import type { UnivariateModelJSON } from '../bindings/tasks/stats/model.ts';

// biome-ignore lint/suspicious/noExplicitAny: a manifest is edited here as the free JSON a hostile file holds.
type Json = Record<string, any>;

let rt: Runtime;
/** One column, horizon 3, direct, with its statistical members. */
let single: Uint8Array;
let singleForecast: Float32Array;
/** Two columns, only the first forecast (direct). */
let partial: Uint8Array;

const seasonal = (rows: number, columns: number) =>
  Float32Array.from(
    { length: rows * columns },
    (_, i) => 10 * (i % columns) + 0.1 * i + Math.sin((2 * Math.PI * Math.floor(i / columns)) / 6),
  );

beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
  const options = { runtime: rt, hiddenSize: 4, lookback: 8, horizon: 3, season: 6, epochs: 2, seed: 1 };
  const f = await Forecaster.fit(seasonal(90, 1), { ...options, strategy: 'direct' });
  single = f.save();
  singleForecast = f.forecast(3);
  f.dispose();
  const g = await Forecaster.fit(
    { data: seasonal(90, 2), shape: [90, 2] },
    { ...options, targetColumns: [0], strategy: 'direct' },
  );
  partial = g.save();
  g.dispose();
});

/** The file with its manifest (architecture and forecaster state) changed by `edit`. */
function tampered(bytes: Uint8Array, edit: (manifest: Json) => void): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const manifest = JSON.parse(header.__metadata__['wasm_rnn.manifest']);
  edit(manifest);
  header.__metadata__['wasm_rnn.manifest'] = JSON.stringify(manifest);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + n), 8 + text.length);
  return out;
}

/** Load must refuse `bytes` with a FormatError matching `message`, holding no arena bytes afterwards. */
function refused(bytes: Uint8Array, message: RegExp): void {
  const used = rt.arena.usedBytes;
  expect(() => Forecaster.load(rt, bytes)).toThrow(FormatError);
  expect(() => Forecaster.load(rt, bytes)).toThrow(message);
  expect(rt.arena.usedBytes).toBe(used);
}

describe('the network must be the one fit builds', () => {
  it('the untouched file loads and forecasts as the forecaster that saved it, bit for bit', () => {
    const f = Forecaster.load(rt, single);
    expect(f.forecast(3)).toEqual(singleForecast);
    f.dispose();
  });

  it('pooling deleted from the architecture (fuzz cases 2712, 8009): refused by name', () => {
    const bytes = tampered(single, (m) => delete m.architecture.options.pooling);
    refused(bytes, /architecture\.options\.pooling 'last' but has "none"/);
  });

  it('a horizon the head does not produce: refused naming head.outputSize', () => {
    const bytes = tampered(single, (m) => (m.extra.layout.horizon = 1));
    refused(bytes, /head\.outputSize 1 \(layout\.horizon 1 × 1 target columns\) but has 3/);
  });

  it('a mask channel the network does not read: refused naming the input', () => {
    const bytes = tampered(single, (m) => {
      m.extra.layout.mask = true;
      m.extra.tailInputs = [...m.extra.tailInputs, ...m.extra.tailInputs.map(() => 1)];
    });
    refused(
      bytes,
      /architecture\.options\.input \{ features: 2 \} \(layout\.columns 1 and their mask flags\)/,
    );
  });

  it('a recursive strategy over a column that is not forecast: refused naming strategy', () => {
    const loaded = Forecaster.load(rt, partial);
    expect(loaded.forecast(3).every(Number.isFinite)).toBe(true);
    loaded.dispose();
    const bytes = tampered(partial, (m) => (m.extra.strategy = 'recursive'));
    refused(bytes, /strategy must be 'direct' when 1 of 2 columns are forecast/);
  });
});

describe('every ensemble member must forecast finite values from its saved state', () => {
  /** The single-column file with its ensemble replaced by one member and its state. */
  const withMember = (member: UnivariateModelJSON, state: number[]) =>
    tampered(single, (m) => (m.extra.ensemble = { columns: [{ members: [member], states: [state] }] }));

  it('a state cut to one value (fuzz case 1081) is refused, and would have forecast NaN', () => {
    let member: UnivariateModelJSON | undefined;
    let index = -1;
    tampered(single, (m) => {
      const column = m.extra.ensemble.columns[0];
      index = column.states.findIndex((s: number[]) => s.length > 1);
      member = column.members[index];
    });
    expect(index).toBeGreaterThanOrEqual(0);
    const model = restoreModel(member as UnivariateModelJSON);
    // What the file would have done: the member reads past a one-value state.
    expect(model.forecast(Float64Array.of(1), 3).some(Number.isNaN)).toBe(true);
    const bytes = tampered(single, (m) => {
      m.extra.ensemble.columns[0].states[index] = [1];
    });
    refused(
      bytes,
      new RegExp(`column 0 member ${index} \\(.+\\) state must hold ${model.stateSize} values but holds`),
    );
  });

  it('an AR member loads and forecasts its own recursion; with a coefficient of 1e308 it is refused', () => {
    const ar = (b1: number): UnivariateModelJSON => ({
      kind: 'ar',
      lags: 2,
      coefficients: [0, b1, 0.25],
      log: false,
    });
    const f = Forecaster.load(rt, withMember(ar(0.5), [1, 2]));
    expect(f.method).toBe('ar(2)');
    // y_t = 0.5·y_{t-1} + 0.25·y_{t-2} from (1, 2): 1.25, 1.125, 0.875.
    expect([...f.forecast(3)]).toEqual([1.25, 1.125, 0.875]);
    f.dispose();
    refused(
      withMember(ar(1e308), [1, 2]),
      /member 0 \(ar\(2\)\) state must hold values it forecasts finite values from \(its step 1 is Infinity\)/,
    );
  });

  it('a theta state must count whole values read: 1.5 would pick no season and forecast NaN', () => {
    const theta: UnivariateModelJSON = {
      kind: 'theta',
      alpha: 0.5,
      drift: 0,
      seasonal: [1, 2, 3, 4],
      multiplicative: false,
    };
    expect(restoreModel(theta).forecast(Float64Array.of(10, 1.5), 3).every(Number.isNaN)).toBe(true);
    const f = Forecaster.load(rt, withMember(theta, [10, 40]));
    // Level 10 plus the seasonal index of rows 40, 41, 42 (40 mod 4 = 0): 11, 12, 13.
    expect([...f.forecast(3)]).toEqual([11, 12, 13]);
    f.dispose();
    refused(
      withMember(theta, [10, 1.5]),
      /member 0 \(theta\(4\)\) state must hold values it forecasts finite values from \(its step 1 is NaN\)/,
    );
  });

  it('a saved input row past float32 range (read as Infinity) is refused by name', () => {
    expect(Math.fround(1e39)).toBe(Number.POSITIVE_INFINITY);
    const bytes = tampered(single, (m) => (m.extra.tailInputs[0] = 1e39));
    refused(bytes, /tailInputs must be 8 finite values \(lookback × 1 network inputs\) in float32 range/);
  });
});

describe('load time (issue 17: no load over 1 s for files under 20 MB)', () => {
  /** Median of three loads (or refusals) of `bytes`, in ms. */
  const medianLoadMs = (bytes: Uint8Array) => {
    const times = [0, 1, 2].map(() => {
      const t0 = performance.now();
      try {
        Forecaster.load(rt, bytes).dispose();
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError);
      }
      return performance.now() - t0;
    });
    return times.sort((a, b) => a - b)[1];
  };

  it('the fuzz slowest shape, a saved row replaced by an object of 99,000 keys (0.6 MB; the manifest key limit is 100,000), is refused fast', () => {
    const keys = Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`k${i}`, 0]));
    const bytes = tampered(single, (m) => (m.extra.tailInputs[2] = keys));
    expect(bytes.length).toBeGreaterThan(500_000);
    refused(bytes, /tailInputs must be 8 finite values/);
    expect(medianLoadMs(bytes)).toBeLessThan(1000);
  });

  it('a valid forecaster of a few MB (LSTM 256, lookback 64) loads fast and forecasts as saved', async () => {
    const f = await Forecaster.fit(seasonal(300, 1), {
      runtime: rt,
      hiddenSize: 256,
      lookback: 64,
      horizon: 2,
      season: 6,
      steps: 1,
      seed: 2,
    });
    const bytes = f.save();
    const expected = f.forecast(2);
    f.dispose();
    expect(bytes.length).toBeGreaterThan(1_000_000);
    expect(medianLoadMs(bytes)).toBeLessThan(1000);
    const g = Forecaster.load(rt, bytes);
    expect(g.forecast(2)).toEqual(expected);
    g.dispose();
  });
});
