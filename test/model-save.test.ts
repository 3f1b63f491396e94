// saveModel / loadModel: architecture + weights + the caller's extras in one .safetensors file, read back into
// a model that predicts the same; a truncated, altered or foreign file gives a FormatError before any model.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  CharVocab,
  Dense,
  decodeSafetensors,
  encodeSafetensors,
  FormatError,
  loadModel,
  type Runtime,
  readManifest,
  SequenceModel,
  saveLayer,
  saveModel,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { sumGru } from './helpers/tasks.ts';

let rt: Runtime;
let ts: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
  ts = await loadRuntime('ts');
});

const embeddingModel = {
  input: { embedding: { vocabSize: 11, dim: 4, paddingIdx: 0 } },
  recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 2, init: { forgetBias: 1 } },
  head: { outputSize: 11 },
  seed: 3,
} as const;

describe('saveModel / loadModel', () => {
  it('round-trips architecture, weights and extras; the loaded model predicts bit for bit the same', () => {
    const vocab = CharVocab.fromText('hello world');
    const model = new SequenceModel(rt, embeddingModel);
    const bytes = saveModel(model, { vocab: vocab.toJSON(), note: 'tiny' });
    const loaded = loadModel(rt, bytes);
    expect(loaded.model.config).toEqual(model.config);
    expect(loaded.model.getWeights()).toEqual(model.getWeights());
    expect(CharVocab.fromJSON(loaded.extra.vocab as never).chars).toEqual(vocab.chars);
    expect(loaded.extra.note).toBe('tiny');
    const x = { data: Int32Array.from([1, 2, 3, 4, 5, 0]), shape: [3, 2] };
    expect(loaded.model.predict(x)).toEqual(model.predict(x));
    // Other runtime, other backend: the same weights.
    const onTs = loadModel(ts, bytes).model;
    expect(onTs.getWeights()).toEqual(model.getWeights());
    expect(readManifest(bytes).architecture.kind).toBe('SequenceModel');
  });

  it('writes the tensors under PyTorch module names, as safetensors a torch reader takes', () => {
    const model = new SequenceModel(rt, { ...sumGru(), pooling: 'attention' });
    const file = decodeSafetensors(saveModel(model));
    expect(Object.keys(file.tensors).sort()).toEqual(
      [
        'attention.bias',
        'attention.weight',
        'head.bias',
        'head.weight',
        ...['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].flatMap((n) => [
          `rnn.${n}`,
          `rnn.${n}_reverse`,
        ]),
      ].sort(),
    );
    expect(file.tensors['rnn.weight_ih_l0'].shape).toEqual([24, 2]);
    expect(file.metadata.format).toBe('pt');
  });

  it('refuses truncated, altered and foreign files with a FormatError', () => {
    const model = new SequenceModel(rt, embeddingModel);
    const bytes = saveModel(model);
    expect(() => loadModel(rt, bytes.subarray(0, bytes.length - 10))).toThrow(FormatError);
    const file = decodeSafetensors(bytes);
    const manifest = file.metadata['wasm_rnn.manifest'];
    const rewrite = (tensors = file.tensors, meta = manifest) =>
      encodeSafetensors(tensors, { ...file.metadata, 'wasm_rnn.manifest': meta });
    const { 'head.bias': _, ...noBias } = file.tensors;
    expect(() => loadModel(rt, rewrite(noBias))).toThrow(/head.bias \[11\] is missing/);
    const nan = {
      ...file.tensors,
      'head.bias': { ...file.tensors['head.bias'], data: new Float32Array(11).fill(Number.NaN) },
    };
    expect(() => loadModel(rt, rewrite(nan))).toThrow(/head.bias\[0\] is NaN/);
    expect(() =>
      loadModel(rt, rewrite(file.tensors, manifest.replace('"hiddenSize":6', '"hiddenSize":7'))),
    ).toThrow(FormatError);
    expect(() =>
      loadModel(rt, rewrite(file.tensors, manifest.replace('"cell":"lstm"', '"cell":"gruu"'))),
    ).toThrow(/architecture options are invalid/);
    const layer = new Dense(rt, { inFeatures: 2, outFeatures: 1 });
    expect(() => loadModel(rt, saveLayer(layer, 'Dense', { inFeatures: 2, outFeatures: 1 }))).toThrow(
      /architecture kind must be "SequenceModel" or "Seq2Seq" but is "Dense"/,
    );
  });
});
