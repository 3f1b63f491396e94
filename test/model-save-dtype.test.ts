// Saving with dtype 'f16' | 'bf16' | 'int8': every model and layer kind loads back with exactly the weights the
// rounding gives (each conversion is checked against its own reference in weight-dtype.test.ts), predicts as a
// model holding those weights does, and its file takes about 1/2 or 1/4 of the f32 bytes.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  FormatError,
  loadLayer,
  loadModel,
  loadSeq2Seq,
  type Runtime,
  readManifest,
  Seq2Seq,
  SequenceModel,
  type SequenceModelOptions,
  saveLayer,
  saveModel,
  ValueError,
} from '../bindings/index.node.ts';
import { LAYER_KINDS, type LayerKindName } from '../bindings/io/model-file.ts';
import { Random } from '../bindings/random.ts';
import { loadRuntime } from './helpers/backends.ts';
import { decodeRaw, encodeRaw, type RawTensor, rounded } from './helpers/dtype-files.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const DTYPES = ['f16', 'bf16', 'int8'] as const;

const MODELS: Record<string, SequenceModelOptions> = {
  'embedding LSTM, 2 layers': {
    input: { embedding: { vocabSize: 11, dim: 4, paddingIdx: 0 } },
    recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 2 },
    head: { outputSize: 11 },
    seed: 3,
  },
  'token GRU, bidirectional, attention pooling': {
    input: { tokens: 7 },
    recurrent: { cell: 'gru', hiddenSize: 5, bidirectional: true },
    pooling: 'attention',
    head: { outputSize: 3 },
    seed: 4,
  },
  'feature RNN, last state': {
    input: { features: 3 },
    recurrent: { cell: 'rnn_tanh', hiddenSize: 8 },
    pooling: 'last',
    head: { outputSize: 2 },
    seed: 5,
  },
  'vector fed at every step (one-to-many)': {
    input: { vector: 3, feed: 'every' },
    recurrent: { cell: 'lstm', hiddenSize: 4 },
    head: { outputSize: 2 },
    seed: 6,
  },
};

const inputsFor = (o: SequenceModelOptions) => {
  const input = o.input as Record<string, unknown>;
  if ('features' in input)
    return { data: new Float32Array(2 * 2 * 3).map((_, i) => Math.sin(i)), shape: [2, 2, 3] };
  if ('vector' in input) return { data: Float32Array.from([0.5, -1, 2, 1, 0, -0.5]), shape: [2, 3] };
  return { data: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
};

describe('saveModel with dtype', () => {
  for (const dtype of DTYPES) {
    for (const [label, options] of Object.entries(MODELS)) {
      it(`${dtype}: ${label} loads the rounded weights and predicts as they do`, () => {
        const model = new SequenceModel(rt, options);
        const bytes = saveModel(model, { note: label }, { dtype });
        expect(readManifest(bytes).dtype).toBe(dtype);
        const loaded = loadModel(rt, bytes);
        expect(loaded.extra.note).toBe(label);
        const expected: Record<string, Float32Array> = {};
        for (const e of model.slab.entries)
          expected[e.name] = rounded(dtype, e.shape, model.slab.read(e.name));
        expect(loaded.model.getWeights()).toEqual(expected);
        model.setWeights(expected);
        const x = inputsFor(options);
        expect(loaded.model.predict(x as never, { steps: 3 })).toEqual(
          model.predict(x as never, { steps: 3 }),
        );
        loaded.model.dispose();
        model.dispose();
      });
    }

    it(`${dtype}: a Seq2Seq loads the rounded weights`, () => {
      const model = new Seq2Seq(rt, {
        source: { tokens: 6 },
        target: { embedding: { vocabSize: 5, dim: 3 } },
        recurrent: { cell: 'gru', hiddenSize: 4, numLayers: 2 },
        bos: 0,
        eos: 1,
        seed: 2,
      });
      const loaded = loadSeq2Seq(rt, saveModel(model, undefined, { dtype })).model;
      for (const e of model.slab.entries)
        expect(loaded.slab.read(e.name), e.name).toEqual(rounded(dtype, e.shape, model.slab.read(e.name)));
      loaded.dispose();
      model.dispose();
    });

    it(`${dtype}: every layer kind (saveLayer / loadLayer) loads the rounded weights`, () => {
      const layerOptions: Record<LayerKindName, object> = {
        RNN: { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true },
        LSTM: { inputSize: 3, hiddenSize: 4 },
        GRU: { inputSize: 2, hiddenSize: 5 },
        Dense: { inFeatures: 4, outFeatures: 3 },
        Embedding: { numEmbeddings: 9, embeddingDim: 4 },
        AttentionPooling: { inputSize: 6 },
      };
      const rng = new Random(7);
      for (const [kind, options] of Object.entries(layerOptions) as [LayerKindName, object][]) {
        const weights: Record<string, Float32Array> = {};
        for (const s of LAYER_KINDS[kind].paramSpecs(options as never))
          weights[s.name] = rng.fillUniform(new Float32Array(s.shape.reduce((a, b) => a * b, 1)), -2, 2);
        const layer = { getWeights: () => weights, setWeights: () => {} };
        const loaded = loadLayer(rt, saveLayer(layer, kind, options, undefined, { dtype }));
        const got = loaded.layer.getWeights();
        for (const s of LAYER_KINDS[kind].paramSpecs(options as never))
          expect(got[s.name], `${kind} ${s.name}`).toEqual(rounded(dtype, s.shape, weights[s.name]));
        (loaded.layer as unknown as { dispose(): void }).dispose();
      }
    });
  }

  it('f16 and bf16 files are about 1/2 of the f32 file, int8 about 1/4 (biases stay f32)', () => {
    const model = new SequenceModel(rt, {
      input: { embedding: { vocabSize: 64, dim: 32 } },
      recurrent: { cell: 'lstm', hiddenSize: 96, numLayers: 2 },
      head: { outputSize: 64 },
    });
    const sizes = Object.fromEntries(
      (['f32', ...DTYPES] as const).map((dtype) => [dtype, saveModel(model, undefined, { dtype }).length]),
    );
    expect(sizes.f16 / sizes.f32).toBeGreaterThan(0.49);
    expect(sizes.f16 / sizes.f32).toBeLessThan(0.52);
    // The same data bytes; the header names BF16 where it names F16.
    expect(Math.abs(sizes.bf16 - sizes.f16)).toBeLessThan(64);
    expect(sizes.int8 / sizes.f32).toBeGreaterThan(0.25);
    expect(sizes.int8 / sizes.f32).toBeLessThan(0.28);
    model.dispose();
  });

  it('f32 is the default and writes no dtype field: the file is byte for byte the one saved before', () => {
    const model = new SequenceModel(rt, MODELS['embedding LSTM, 2 layers']);
    const plain = saveModel(model);
    expect(saveModel(model, undefined, { dtype: 'f32' })).toEqual(plain);
    expect(readManifest(plain).dtype).toBeUndefined();
    model.dispose();
  });

  it('refuses bad save options by name, and f16 for a weight beyond ±65504', () => {
    const model = new SequenceModel(rt, MODELS['feature RNN, last state']);
    expect(() => saveModel(model, undefined, { dtype: 'fp16' as never })).toThrow(
      new ValueError('dtype must be one of f32, f16, bf16, int8 but got "fp16"'),
    );
    expect(() => saveModel(model, undefined, { dtyp: 'f16' } as never)).toThrow(
      /unknown option "dtyp"; did you mean dtype\?/,
    );
    expect(() => saveModel(model, undefined, 'f16' as never)).toThrow(ValueError);
    model.setWeights({ ...model.getWeights(), 'head.bias': Float32Array.from([1e5, 0]) });
    expect(() => saveModel(model, undefined, { dtype: 'f16' })).toThrow(
      /cannot save as f16: head.bias\[0\] is 100000, beyond f16's ±65504/,
    );
    expect(
      loadModel(rt, saveModel(model, undefined, { dtype: 'bf16' })).model.getWeights()['head.bias'][0],
    ).toBe(99840);
    model.dispose();
  });
});

describe('loading a small-weights file refuses what this library would not write', () => {
  // The int8 file of a small model, then one change.
  let base: ReturnType<typeof decodeRaw>;
  const write = encodeRaw;
  beforeAll(() => {
    const model = new SequenceModel(rt, MODELS['feature RNN, last state']);
    base = decodeRaw(saveModel(model, undefined, { dtype: 'int8' }));
    model.dispose();
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      'an unknown manifest dtype',
      () => write(base.tensors, { ...base.manifest, dtype: 'int4' }),
      /manifest dtype must be one of f16, bf16, int8 \(or absent: f32\) but is "int4"/,
    ],
    [
      'a manifest dtype "f32" (f32 is its absence)',
      () => write(base.tensors, { ...base.manifest, dtype: 'f32' }),
      /manifest dtype must be one of/,
    ],
    [
      'int8 tensors under a manifest without dtype',
      () => write(base.tensors, { ...base.manifest, dtype: undefined }),
      /is int8 but the manifest names no dtype \("int8"\)/,
    ],
    [
      'int8 tensors under manifest dtype f16',
      () => write(base.tensors, { ...base.manifest, dtype: 'f16' }),
      /is stored as (I8|F32) but the manifest's dtype f16 stores it as F16/,
    ],
    [
      'an int8 tensor without its scale',
      () => write(without(base.tensors, 'head.weight.scale'), base.manifest),
      /int8 tensor "head.weight" has no scale tensor "head.weight.scale"/,
    ],
    [
      'a scale of the wrong shape',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', { dtype: 'F32', shape: [3], values: [1, 1, 1] }),
          base.manifest,
        ),
      /scale tensor "head.weight.scale" must be \[2\] \(one per row\) but is \[3\]/,
    ],
    [
      'a NaN scale',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', {
            dtype: 'F32',
            shape: [2],
            values: [Number.NaN, 1],
          }),
          base.manifest,
        ),
      /"head.weight.scale"\[0\] is NaN; scales must be finite and non-negative/,
    ],
    [
      'an infinite scale',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', {
            dtype: 'F32',
            shape: [2],
            values: [1, Number.POSITIVE_INFINITY],
          }),
          base.manifest,
        ),
      /\[1\] is Infinity; scales must be finite/,
    ],
    [
      'a negative scale',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', { dtype: 'F32', shape: [2], values: [-0.1, 1] }),
          base.manifest,
        ),
      /is -0.1\d*; scales must be finite and non-negative/,
    ],
    [
      'a scale stored as F16',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', {
            dtype: 'F16',
            shape: [2],
            values: [0x3c00, 0x3c00],
          }),
          base.manifest,
        ),
      /scale tensor "head.weight.scale" must be F32 but is F16/,
    ],
    [
      'an int8 value of -128',
      () =>
        write(
          withTensor(base.tensors, 'head.weight', {
            dtype: 'I8',
            shape: [2, 8],
            values: [-128, ...new Array(15).fill(1)],
          }),
          base.manifest,
        ),
      /"head.weight"\[0\] is -128, outside the symmetric \[-127, 127\]/,
    ],
    [
      'an int8 scalar',
      () => write(withTensor(base.tensors, 'x', { dtype: 'I8', shape: [], values: [1] }), base.manifest),
      /int8 tensor "x" must have at least one dimension/,
    ],
    [
      'a scale beside an f32 weight',
      () =>
        write(
          withTensor(base.tensors, 'head.bias.scale', { dtype: 'F32', shape: [2], values: [1, 1] }),
          base.manifest,
        ),
      /unexpected tensor "head.bias.scale"/,
    ],
    [
      'a scale so large the weight passes the bound',
      () =>
        write(
          withTensor(base.tensors, 'head.weight.scale', { dtype: 'F32', shape: [2], values: [1e5, 1] }),
          base.manifest,
        ),
      /beyond ±1000000/,
    ],
  ];
  for (const [label, make, message] of cases) {
    it(`refuses ${label} with a FormatError`, () => {
      const bytes = make();
      expect(() => loadModel(rt, bytes)).toThrow(FormatError);
      expect(() => loadModel(rt, bytes)).toThrow(message);
    });
  }
});

function without(tensors: Record<string, RawTensor>, name: string): Record<string, RawTensor> {
  const { [name]: _, ...rest } = tensors;
  return rest;
}

function withTensor(
  tensors: Record<string, RawTensor>,
  name: string,
  t: RawTensor,
): Record<string, RawTensor> {
  return { ...tensors, [name]: t };
}
