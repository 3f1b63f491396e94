// Convergence on small real tasks (wasm-simd, seconds each): a char-level LSTM on the first 4 KB of
// tinyshakespeare, and a GRU forecasting the noisy, seasonal Mauna Loa CO2 series (missing weeks filled)
// against the seasonal-naive and naive forecasts.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CharVocab,
  chronologicalSplit,
  interpolateMissing,
  mae,
  makeWindows,
  type Runtime,
  readNumericCsv,
  SequenceModel,
  Trainer,
  windowBaseline,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const text = readFileSync(new URL('../data/tinyshakespeare.txt', import.meta.url), 'utf8');
const co2 = readFileSync(new URL('../data/co2-maunaloa-weekly.csv', import.meta.url), 'utf8');

describe('convergence', () => {
  it('a char LSTM on 4 KB of Shakespeare: training loss < 1.9 nats, held-out loss < 2.5 (unigram entropy 3.2)', async () => {
    const vocab = CharVocab.fromText(text.slice(0, 5120));
    const T = 32;
    const windows = (ids: Int32Array, stride: number) => {
      const inputs: Int32Array[] = [];
      const targets: Int32Array[] = [];
      for (let s = 0; s + T + 1 <= ids.length; s += stride) {
        inputs.push(ids.slice(s, s + T));
        targets.push(ids.slice(s + 1, s + T + 1));
      }
      return { inputs, targets };
    };
    const model = new SequenceModel(rt, {
      input: { tokens: vocab.size },
      recurrent: { cell: 'lstm', hiddenSize: 64 },
      head: { outputSize: vocab.size },
      seed: 3,
    });
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: 0.01 },
      clip: { norm: 5 },
    });
    const history = await trainer.fit(windows(vocab.encode(text.slice(0, 4096)), 16), {
      epochs: 20,
      batchSize: 32,
      validation: windows(vocab.encode(text.slice(4096, 5120)), 32),
    });
    const last = history.epochs[history.epochs.length - 1];
    const bestVal = Math.min(...history.epochs.map((e) => e.valLoss!));
    expect(last.loss).toBeLessThan(1.9);
    expect(bestVal).toBeLessThan(2.5);
    model.dispose();
  });

  it('a GRU forecast of weekly CO2, 13 weeks ahead, beats seasonal-naive (and naive) on the last 20 %', async () => {
    const series = interpolateMissing(readNumericCsv(co2, { column: 'co2' }).values).values;
    const L = 52;
    const horizon = 13;
    const split = chronologicalSplit(series, { train: 0.8 }, { context: L });
    // Each window relative to its last observed value (the level is a trend the scaler could not bound).
    const relative = (part: Float32Array) => {
      const w = makeWindows(part, { lookback: L, horizon });
      const inputs: Float32Array[] = [];
      const targets: Float32Array[] = [];
      for (let i = 0; i < w.inputs.shape[0]; i++) {
        const last = w.inputs.data[i * L + L - 1];
        inputs.push(w.inputs.data.slice(i * L, (i + 1) * L).map((v) => (v - last) / 2));
        targets.push(w.targets.data.slice(i * horizon, (i + 1) * horizon).map((v) => (v - last) / 2));
      }
      return { w, inputs, targets };
    };
    const train = relative(split.train);
    const test = relative(split.test);
    const model = new SequenceModel(rt, {
      input: { features: 1 },
      recurrent: { cell: 'gru', hiddenSize: 32 },
      pooling: 'last',
      head: { outputSize: horizon },
      seed: 1,
    });
    const trainer = new Trainer(model, { loss: 'mse', optimizer: { kind: 'adam', lr: 0.005 } });
    await trainer.fit(train, { epochs: 8, batchSize: 64 });
    const n = test.inputs.length;
    const x = new Float32Array(L * n);
    for (let i = 0; i < n; i++) for (let t = 0; t < L; t++) x[t * n + i] = test.inputs[i][t];
    const y = trainer.predict({ data: x, shape: [L, n, 1] }).data;
    const forecast = new Float32Array(n * horizon);
    for (let i = 0; i < n; i++) {
      const last = test.w.inputs.data[i * L + L - 1];
      for (let k = 0; k < horizon; k++) forecast[i * horizon + k] = y[i * horizon + k] * 2 + last;
    }
    const actual = test.w.targets.data;
    const model_ = mae(actual, forecast);
    const seasonal = mae(actual, windowBaseline(test.w, { method: 'seasonal', season: 52 }).data);
    const naive = mae(actual, windowBaseline(test.w, { method: 'naive' }).data);
    expect(model_).toBeLessThan(0.6 * seasonal);
    expect(model_).toBeLessThan(naive);
    model.dispose();
  });
});
