// TF.js / Keras import: layers models saved by @tensorflow/tfjs (make-tfjs-fixtures.ts; its GRUs are Keras's
// reset_after=False) and a Keras GRU with reset_after=True written from PyTorch weights (make_fixtures.py) give the producing framework's outputs within
// 1e-5 on every backend; unsupported layers are refused by name and class; hostile files get typed errors.

import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime, WasmRnnError } from '../../bindings/index.node.ts';
import { TfjsUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { importTfjs, tfjsToModelFile } from '../../bindings/interchange/tfjs-import.ts';
import { loadModel } from '../../bindings/io/model-save.ts';
import { Random } from '../../bindings/random.ts';
import { BACKENDS, loadRuntime } from '../helpers/backends.ts';
import { relError, TOLERANCE } from './compare.ts';

const ROOT = new URL('../fixtures/tfjs/', import.meta.url);
const read = (name: string, file: string) => readFileSync(new URL(`${name}/${file}`, ROOT));
const names = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('refuse_'))
  .map((d) => d.name)
  .sort();

interface Expected {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
}

describe.each(BACKENDS)('importTfjs on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime(backend);
  });

  it.each(names)('%s gives the producer’s outputs', (name) => {
    const ex: Expected = JSON.parse(read(name, 'expected.json').toString());
    const m = importTfjs(rt, read(name, 'model.json').toString(), new Uint8Array(read(name, 'weights.bin')));
    try {
      const ids = ex.input.shape.length === 2;
      const x = {
        data: ids ? Int32Array.from(ex.input.data) : Float32Array.from(ex.input.data),
        shape: ex.input.shape,
      };
      const y = m.predict(x);
      expect(y.shape).toEqual(ex.output.shape);
      expect(relError(y.data, ex.output.data)).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      m.dispose();
    }
  });
});

describe('TF.js models', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });
  const load = (name: string) =>
    importTfjs(rt, JSON.parse(read(name, 'model.json').toString()), read(name, 'weights.bin'));

  it('cover the layers of the issue', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'emb_bilstm_last_sigmoid',
        'keras_bigru_reset_after',
        'lstm_seq_timedistributed_softmax',
        'simplernn_relu_stack_dropout',
        'gru_reset_before_seq_timedistributed',
        'bigru_reset_before_stack_last_sigmoid',
        'emb_gru_reset_before_nobias',
      ]),
    );
  });

  it("TF.js's GRU (Keras reset_after=False, one bias row) becomes gru: { resetAfter: false } with b_hh = 0", () => {
    const m = load('bigru_reset_before_stack_last_sigmoid');
    expect(m.model.config.options.recurrent).toMatchObject({
      cell: 'gru',
      numLayers: 2,
      bidirectional: true,
      gru: { resetAfter: false },
    });
    const w = m.model.getWeights();
    expect(w['rnn.bias_hh_l1_reverse'].every((v) => v === 0)).toBe(true);
    expect(w['rnn.bias_ih_l1_reverse'].some((v) => v !== 0)).toBe(true);
    m.dispose();
    const keras = load('keras_bigru_reset_after');
    expect(keras.model.config.options.recurrent).not.toHaveProperty('gru');
    keras.dispose();
  });

  it('become SequenceModels with the Keras layout in the signature', () => {
    const m = load('emb_bilstm_last_sigmoid');
    expect(m.model.config.options).toMatchObject({
      input: { embedding: { vocabSize: 9, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 3, numLayers: 1, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 2 },
    });
    expect(m.signature).toMatchObject({
      format: 'tfjs',
      input: { ids: true, batchFirst: true },
      activation: 'sigmoid',
    });
    m.dispose();
    const k = load('keras_bigru_reset_after');
    expect(k.model.config.options.recurrent).toMatchObject({
      cell: 'gru',
      numLayers: 2,
      bidirectional: true,
    });
    expect(k.signature.producer).toBe('keras 2.15.0');
    k.dispose();
    const fixed = load('lstm_nobias_fixed_steps');
    expect(fixed.signature.input.steps).toBe(5);
    fixed.dispose();
  });

  it('convert to our model file, which loadModel reads back', () => {
    const name = 'simplernn_relu_stack_dropout';
    const ex: Expected = JSON.parse(read(name, 'expected.json').toString());
    const { model, extra } = loadModel(
      rt,
      tfjsToModelFile(rt, read(name, 'model.json').toString(), read(name, 'weights.bin')),
    );
    expect(extra.tfjs).toMatchObject({ format: 'tfjs', activation: 'none' });
    // Our model is time-major: the file's [B, T, F] input transposed.
    const [B, T, F] = ex.input.shape;
    const x = new Float32Array(T * B * F);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let f = 0; f < F; f++) x[(t * B + b) * F + f] = ex.input.data[(b * T + t) * F + f];
    expect(relError(model.predict({ data: x, shape: [T, B, F] }).data, ex.output.data)).toBeLessThanOrEqual(
      TOLERANCE,
    );
    model.dispose();
  });

  const refusals: { name: string; className: string; message: string }[] = JSON.parse(
    readFileSync(new URL('refuse.json', ROOT), 'utf8'),
  );
  it.each(refusals)('$name is refused naming its $className layer', ({ name, className, message }) => {
    let error: unknown;
    try {
      load(name).dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TfjsUnsupportedError);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as TfjsUnsupportedError).className).toBe(className);
    expect((error as TfjsUnsupportedError).layer).not.toBe('');
    expect((error as Error).message).toContain(message);
  });
});

describe('hostile TF.js files', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('wasm-simd');
  });
  const json = read('emb_bilstm_last_sigmoid', 'model.json').toString();
  const weights = new Uint8Array(read('emb_bilstm_last_sigmoid', 'weights.bin'));

  function attempt(modelJson: string | object, bin: Uint8Array): unknown {
    try {
      const m = importTfjs(rt, modelJson, bin);
      m.predict({ data: new Int32Array(6), shape: [2, 3] });
      m.dispose();
      return undefined;
    } catch (e) {
      if (!(e instanceof WasmRnnError)) throw e;
      return e;
    }
  }

  it('truncated or padded weights, garbage JSON, huge shapes: FormatErrors', () => {
    expect(attempt(json, weights.subarray(0, weights.length - 4))).toBeInstanceOf(FormatError);
    expect(attempt(json, new Uint8Array([...weights, 0, 0, 0, 0]))).toBeInstanceOf(FormatError);
    expect(attempt('{"modelTopology": ', weights)).toBeInstanceOf(FormatError);
    const huge = JSON.parse(json);
    huge.weightsManifest[0].weights[0].shape = [1e9, 1e9];
    expect(attempt(huge, weights)).toBeInstanceOf(FormatError);
    const nan = weights.slice();
    new DataView(nan.buffer).setFloat32(0, Number.NaN, true);
    expect((attempt(json, nan) as Error).message).toMatch(/must be finite/);
  });

  it('every truncation of model.json and 1000 random edits: typed errors or models that run', () => {
    for (let n = 0; n < json.trimEnd().length; n += 7)
      expect(attempt(json.slice(0, n), weights)).toBeInstanceOf(WasmRnnError);
    const rng = new Random(12);
    for (let i = 0; i < 1000; i++) {
      const chars = [...json];
      for (let k = 0; k < 1 + rng.int(3); k++)
        chars[rng.int(chars.length)] = '0123456789"{}[],:-ntf'[rng.int(21)];
      attempt(chars.join(''), weights);
      const bin = weights.slice();
      bin[rng.int(bin.length)] ^= 1 << rng.int(8);
      attempt(json, bin);
    }
  });
});
