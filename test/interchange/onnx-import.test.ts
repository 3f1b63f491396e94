// ONNX import against PyTorch: every graph in test/fixtures/onnx/import/ (torch.onnx.export of nn.RNN/LSTM/GRU
// models, and layout-1 nodes written with onnx.helper from torch weights; make_fixtures.py) imported on every
// backend gives PyTorch's outputs within 1e-5, and onnxruntime agrees on the same files. Graphs outside the
// supported subset (refuse/) are refused with the node's name and op type.

import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime, type Tensor } from '../../bindings/index.node.ts';
import { OnnxUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { importOnnx, onnxToModelFile } from '../../bindings/interchange/onnx-import.ts';
import { loadModel } from '../../bindings/io/model-save.ts';
import { BACKENDS, loadRuntime } from '../helpers/backends.ts';
import { relError, TOLERANCE } from './compare.ts';
import { loadOrt, SESSION_OPTIONS } from './ort.ts';

const FIXTURES = new URL('../fixtures/onnx/', import.meta.url);

interface Values {
  shape: number[];
  data: number[];
}
interface Fixture {
  name: string;
  inputs: Record<string, Values>;
  output: Values;
}

const names = readdirSync(new URL('import/', FIXTURES))
  .filter((f) => f.endsWith('.onnx'))
  .map((f) => f.slice(0, -5))
  .sort();
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`import/${name}.json`, FIXTURES), 'utf8'));
const bytesOf = (name: string) => new Uint8Array(readFileSync(new URL(`import/${name}.onnx`, FIXTURES)));

/** The fixture's x as our tensor: integer data is token ids. */
function inputOf(f: Fixture): Tensor<Float32Array | Int32Array> {
  const x = f.inputs.x;
  const ids = x.shape.length === 2;
  return { data: ids ? Int32Array.from(x.data) : Float32Array.from(x.data), shape: x.shape };
}

function stateOf(f: Fixture) {
  const state: { h0?: Float32Array; c0?: Float32Array; lengths?: Int32Array } = {};
  if (f.inputs.lens) state.lengths = Int32Array.from(f.inputs.lens.data);
  if (f.inputs.h0) state.h0 = Float32Array.from(f.inputs.h0.data);
  if (f.inputs.c0) state.c0 = Float32Array.from(f.inputs.c0.data);
  return state;
}

describe('ONNX fixtures', () => {
  it('cover the shapes of the issue', () => {
    expect(names.length).toBeGreaterThanOrEqual(17);
    for (const want of [
      'lstm_l2_state',
      'gru_bi_l2_state',
      'lstm_bi2_bf_softmax',
      'rnn_emb_l2_bf',
      'lstm_layout1_bi',
      'lstm_bi_lengths',
    ]) {
      expect(names).toContain(want);
    }
  });
});

describe.each(BACKENDS)('importOnnx on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime(backend);
  });

  it.each(names)('%s gives PyTorch’s outputs', (name) => {
    const f = fixture(name);
    const m = importOnnx(rt, bytesOf(name));
    try {
      const y = m.predict(inputOf(f), stateOf(f));
      expect(y.shape).toEqual(f.output.shape);
      expect(relError(y.data, f.output.data)).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      m.dispose();
    }
  });
});

describe('imported models', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });

  it('are SequenceModels under PyTorch names, with what the graph adds in the signature', () => {
    const m = importOnnx(rt, bytesOf('lstm_bi2_bf_softmax'));
    expect(m.model.config.options.recurrent).toMatchObject({
      cell: 'lstm',
      hiddenSize: 4,
      numLayers: 2,
      bidirectional: true,
    });
    expect(m.model.config.pooling).toBe('none');
    expect(Object.keys(m.model.getWeights())).toContain('rnn.weight_hh_l1_reverse');
    expect(m.signature).toMatchObject({
      input: { name: 'x', ids: false, batchFirst: true },
      output: { name: 'y', batchFirst: true },
      activation: 'softmax',
      producer: 'pytorch',
    });
    m.dispose();
    const e = importOnnx(rt, bytesOf('emb_lstm_bi_hn'));
    expect(e.model.config.input).toMatchObject({ kind: 'embedding', size: 13, dim: 6 });
    expect(e.model.config.pooling).toBe('last');
    e.dispose();
  });

  it('convert to our model file, which loadModel reads back with the signature in its extras', () => {
    const f = fixture('emb_lstm_bi_hn');
    const { model, extra } = loadModel(rt, onnxToModelFile(rt, bytesOf('emb_lstm_bi_hn')));
    const m = importOnnx(rt, bytesOf('emb_lstm_bi_hn'));
    expect(extra.onnx).toEqual(JSON.parse(JSON.stringify(m.signature)));
    expect(model.predict(inputOf(f) as Tensor<Int32Array>).data).toEqual(m.model.predict(inputOf(f)).data);
    model.dispose();
    m.dispose();
  });

  it('keep the sizes a static export fixes', () => {
    const m = importOnnx(rt, bytesOf('lstm_static'));
    expect(m.signature.input).toMatchObject({ steps: 6, batch: 2 });
    expect(() => m.predict({ data: new Float32Array(2 * 5 * 5), shape: [2, 5, 5] })).toThrow(
      /fixes B, T = 2, 6/,
    );
    m.dispose();
  });

  it('refuse state the graph has no input for, and badly shaped inputs', () => {
    const m = importOnnx(rt, bytesOf('lstm_uni'));
    expect(() => m.predict(inputOf(fixture('lstm_uni')), { h0: new Float32Array(4) })).toThrow(
      /no initial hidden state/,
    );
    expect(() => m.predict({ data: new Float32Array(10), shape: [2, 5] })).toThrow(
      /Float32Array of shape \[T, B, F\]/,
    );
    m.dispose();
  });

  it('start from zeros when a state input is not given', () => {
    const f = fixture('lstm_l2_state');
    const m = importOnnx(rt, bytesOf('lstm_l2_state'));
    const zeros = new Float32Array(f.inputs.h0.data.length);
    const a = m.predict(inputOf(f), { h0: zeros, c0: zeros });
    const b = m.predict(inputOf(f));
    expect(relError(b.data, a.data)).toBeLessThanOrEqual(1e-6);
    m.dispose();
  });
});

describe('onnxruntime on the import fixtures', () => {
  const ort = loadOrt();
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('wasm-simd');
  });
  afterAll(() => undefined);

  // onnxruntime's CPU kernels refuse layout 1 ("Batchwise recurrent operations are not supported"): those two
  // fixtures are checked against PyTorch only.
  it.each(names.filter((n) => !n.includes('layout1')))('%s: ours equals onnxruntime’s', async (name) => {
    const f = fixture(name);
    const session = await ort.InferenceSession.create(bytesOf(name), SESSION_OPTIONS);
    const feeds: Record<string, ReturnType<typeof ortTensor>> = {};
    for (const [input, v] of Object.entries(f.inputs)) feeds[input] = ortTensor(ort, input, v);
    const [out] = session.outputNames;
    const theirs = (await session.run(feeds))[out];
    await session.release();
    const m = importOnnx(rt, bytesOf(name));
    const ours = m.predict(inputOf(f), stateOf(f));
    m.dispose();
    expect(theirs.dims).toEqual(ours.shape);
    expect(relError(ours.data, theirs.data as Float32Array)).toBeLessThanOrEqual(TOLERANCE);
  });
});

function ortTensor(ort: ReturnType<typeof loadOrt>, name: string, v: Values) {
  if (name === 'lens') return new ort.Tensor('int32', Int32Array.from(v.data), v.shape);
  if (name === 'x' && v.shape.length === 2) {
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(v.data, (x) => BigInt(x)),
      v.shape,
    );
  }
  return new ort.Tensor('float32', Float32Array.from(v.data), v.shape);
}

describe('refused graphs', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });
  const cases: { file: string; node: string; opType: string; message: string }[] = JSON.parse(
    readFileSync(new URL('refuse/refuse.json', FIXTURES), 'utf8'),
  );

  it.each(cases)('$file is refused naming "$node" ($opType)', ({ file, node, opType, message }) => {
    const bytes = new Uint8Array(readFileSync(new URL(`refuse/${file}`, FIXTURES)));
    let error: unknown;
    try {
      importOnnx(rt, bytes).dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxUnsupportedError);
    expect(error).toBeInstanceOf(FormatError);
    const e = error as OnnxUnsupportedError;
    expect(e.node).toBe(node);
    expect(e.opType).toBe(opType);
    expect(e.message).toContain(message);
    if (opType) expect(e.message).toContain(`"${node}" (${opType})`);
  });
});
