// ONNX export: every kind of SequenceModel (stacked, bidirectional, token / embedding / feature / one-vector
// inputs, per-step heads, 'last' and attention pooling) exported and run by onnxruntime-node gives our outputs
// within 1e-5; a round trip through importOnnx gives them back; the files kept in test/fixtures/onnx/exported/
// (which make_fixtures.py checks with onnx.checker) are what the exporter writes today.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, SequenceModel, type Tensor, ValueError } from '../../bindings/index.node.ts';
import { onnxToTorch, torchToOnnx } from '../../bindings/interchange/gates.ts';
import { exportOnnx } from '../../bindings/interchange/onnx-export.ts';
import { importOnnx } from '../../bindings/interchange/onnx-import.ts';
import { decodeModel } from '../../bindings/interchange/onnx-proto.ts';
import { Random } from '../../bindings/random.ts';
import { BACKENDS, loadRuntime } from '../helpers/backends.ts';
import { relError, TOLERANCE } from './compare.ts';
import { EXPORT_CASES, setFormulaWeights } from './export-cases.ts';
import { loadOrt, type Ort, type OrtTensor, SESSION_OPTIONS } from './ort.ts';

const T = 7;
const B = 3;

/** Inputs for a model and the same as onnxruntime feeds. */
function inputsFor(model: SequenceModel, ort: Ort, seed: number) {
  const rng = new Random(seed);
  const i = model.config.input;
  if (i.kind === 'tokens' || i.kind === 'embedding') {
    const ids = Int32Array.from({ length: T * B }, () => rng.int(i.size));
    const x: Tensor<Int32Array> = { data: ids, shape: [T, B] };
    return {
      x,
      steps: undefined,
      feeds: {
        x: new ort.Tensor(
          'int64',
          BigInt64Array.from(ids, (v) => BigInt(v)),
          [T, B],
        ),
      },
    };
  }
  if (i.kind === 'vector') {
    const data = Float32Array.from({ length: B * i.size }, () => rng.uniform(-1, 1));
    const feeds: Record<string, OrtTensor> = {
      x: new ort.Tensor('float32', data, [B, i.size]),
      steps: new ort.Tensor('int64', BigInt64Array.of(BigInt(T)), [1]),
    };
    return { x: { data, shape: [B, i.size] } as Tensor, steps: T, feeds };
  }
  const data = Float32Array.from({ length: T * B * i.size }, () => rng.uniform(-1, 1));
  return {
    x: { data, shape: [T, B, i.size] } as Tensor,
    steps: undefined,
    feeds: { x: new ort.Tensor('float32', data, [T, B, i.size]) },
  };
}

describe.each(BACKENDS)('exportOnnx on %s', (backend) => {
  const ort = loadOrt();
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime(backend);
  });

  it.each(EXPORT_CASES)('$name runs in onnxruntime with our outputs', async ({ options }) => {
    const model = new SequenceModel(rt, { ...options, seed: 5 });
    try {
      const bytes = exportOnnx(model);
      const { x, steps, feeds } = inputsFor(model, ort, 11);
      const ours = model.predict(x, steps ? { steps } : {});
      const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
      const theirs = (await session.run(feeds)).y;
      await session.release();
      expect(theirs.dims).toEqual(ours.shape);
      expect(relError(theirs.data as Float32Array, ours.data)).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      model.dispose();
    }
  });
});

describe('export then import', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('wasm-simd');
  });
  const ort = loadOrt();
  it.each(EXPORT_CASES)('$name comes back as the same model', ({ options }) => {
    const model = new SequenceModel(rt, { ...options, seed: 9 });
    const back = importOnnx(rt, exportOnnx(model));
    try {
      expect(back.model.config.options).toEqual({ ...model.config.options, seed: 0 });
      const a = model.getWeights();
      const b = back.model.getWeights();
      for (const name of Object.keys(a)) expect(b[name], name).toEqual(a[name]);
      const { x, steps } = inputsFor(model, ort, 3);
      const options = steps ? { steps } : {};
      expect(back.predict(x, options).data).toEqual(model.predict(x, options).data);
    } finally {
      model.dispose();
      back.dispose();
    }
  });
});

describe('exported files', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });

  it.each(EXPORT_CASES.filter((c) => c.golden))(
    '$name is the golden file onnx.checker passed',
    ({ name, options }) => {
      const model = new SequenceModel(rt, options);
      setFormulaWeights(model);
      const bytes = exportOnnx(model);
      model.dispose();
      const golden = new Uint8Array(
        readFileSync(new URL(`../fixtures/onnx/exported/${name}.onnx`, import.meta.url)),
      );
      // On a change to the exporter: npx tsx test/interchange/write-exports.ts, then
      // /usr/bin/python3 test/fixtures/onnx/make_fixtures.py --check-exports, and commit both.
      expect(
        Buffer.from(bytes).equals(Buffer.from(golden)),
        `${name}.onnx differs from what exportOnnx writes`,
      ).toBe(true);
    },
  );

  it('carry opset 14, named inputs and PyTorch-named weights', () => {
    const model = new SequenceModel(rt, EXPORT_CASES[3].options);
    const m = decodeModel(exportOnnx(model, { docString: 'a test' }));
    model.dispose();
    expect(m.opsets).toEqual([{ domain: '', version: 14 }]);
    expect(m.producerName).toBe('wasm-rnn');
    expect(m.graph.inputs.map((i) => [i.name, i.dims])).toEqual([['x', ['T', 'B']]]);
    expect(m.graph.outputs.map((o) => [o.name, o.dims])).toEqual([['y', ['B', 2]]]);
    expect(m.graph.initializers.map((t) => t.name)).toContain('embedding.weight');
    expect(m.graph.nodes.map((n) => n.opType)).toContain('LSTM');
  });

  it('refuse what is not a SequenceModel', () => {
    expect(() => exportOnnx({} as SequenceModel)).toThrow(ValueError);
  });
});

describe('gate order', () => {
  // Blocks of H = 2 rows, one column, numbered by gate: ours (PyTorch) LSTM i f g o, GRU r z n.
  const blocks = (names: string) => Float32Array.from([...names].flatMap((_, b) => [b, b]));

  it('LSTM: ours i, f, g, o ↔ ONNX i, o, f, c', () => {
    expect([...torchToOnnx('lstm', blocks('ifgo'), 2, 1)]).toEqual([0, 0, 3, 3, 1, 1, 2, 2]);
    expect([...onnxToTorch('lstm', torchToOnnx('lstm', blocks('ifgo'), 2, 1), 2, 1)]).toEqual([
      ...blocks('ifgo'),
    ]);
  });

  it('GRU: ours r, z, n ↔ ONNX z, r, h', () => {
    expect([...torchToOnnx('gru', blocks('rzn'), 2, 1)]).toEqual([1, 1, 0, 0, 2, 2]);
    expect([...onnxToTorch('gru', blocks('zrh'), 2, 1)]).toEqual([1, 1, 0, 0, 2, 2]);
  });
});
