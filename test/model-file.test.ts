// Model files: one .safetensors file holding a layer's weights under PyTorch names and its manifest; round trips
// for every layer kind, a manifest that disagrees with its weights (each a FormatError), and atomic writes.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { writeFileAtomic } from '../bindings/io/atomic-write.node.ts';
import { MANIFEST_KEY } from '../bindings/io/manifest.ts';
import {
  LAYER_KINDS,
  type LayerKindName,
  loadLayer,
  readManifest,
  saveLayer,
} from '../bindings/io/model-file.ts';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../bindings/io/safetensors.ts';
import { Dense } from '../bindings/model/dense.ts';
import { loadRuntime } from './helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

const f32 = (data: Float32Array, shape: number[]): SafeTensor => ({ dtype: 'F32', shape, data });
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

const KINDS: [LayerKindName, object][] = [
  ['Dense', { inFeatures: 6, outFeatures: 3, seed: 1 }],
  ['Dense', { inFeatures: 2, outFeatures: 5, bias: false }],
  ['Embedding', { numEmbeddings: 9, embeddingDim: 4, paddingIdx: 0 }],
  ['AttentionPooling', { inputSize: 7, batchFirst: true }],
  ['LSTM', { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 2 }],
  ['GRU', { inputSize: 5, hiddenSize: 3, batchFirst: true }],
  ['RNN', { inputSize: 2, hiddenSize: 3, nonlinearity: 'relu' }],
];

describe('model files', () => {
  it.each(KINDS)('%s %j round-trips bit for bit with its manifest', (kind, options) => {
    const layer = LAYER_KINDS[kind].create(rt, options as never);
    const bytes = saveLayer(layer, kind, { ...options, prefix: 'ignored.' }, { vocabulary: ['a', 'b'] });
    const manifest = readManifest(bytes);
    expect(manifest.architecture).toEqual({ kind, options });
    expect(manifest.extra).toEqual({ vocabulary: ['a', 'b'] });
    const loaded = loadLayer(rt, bytes);
    const a = layer.getWeights();
    const b = loaded.layer.getWeights();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const name of Object.keys(a)) expect(bits(b[name]), name).toEqual(bits(a[name]));
  });

  // biome-ignore lint/suspicious/noExplicitAny: the edits reach into arbitrary manifest fields
  function denseFile(edit: (header: Record<string, any>) => void): Uint8Array {
    const bytes = saveLayer(new Dense(rt, { inFeatures: 2, outFeatures: 2 }), 'Dense', {
      inFeatures: 2,
      outFeatures: 2,
    });
    const decoded = decodeSafetensors(bytes);
    const manifest = JSON.parse(decoded.metadata[MANIFEST_KEY]);
    const header = { manifest, tensors: { ...decoded.tensors } as Record<string, SafeTensor> };
    edit(header);
    return encodeSafetensors(header.tensors, { [MANIFEST_KEY]: JSON.stringify(header.manifest) });
  }

  it.each([
    ['no manifest', () => encodeSafetensors({ weight: f32(new Float32Array(4), [2, 2]) }), /no manifest/],
    [
      'a manifest that is not JSON',
      () => encodeSafetensors({}, { [MANIFEST_KEY]: '{' }),
      /manifest is not valid JSON/,
    ],
    ['another format', () => denseFile((h) => (h.manifest.format = 'keras')), /format must be "wasm-rnn"/],
    [
      'a newer version',
      () => denseFile((h) => (h.manifest.version = 2)),
      /version 2 is not one this library reads/,
    ],
    [
      'an unknown kind',
      () => denseFile((h) => (h.manifest.architecture.kind = 'Transformer')),
      /kind must be one of .* but is "Transformer"/,
    ],
    [
      'invalid options',
      () => denseFile((h) => (h.manifest.architecture.options.inFeatures = -1)),
      /options are invalid: inFeatures must be an integer > 0/,
    ],
    ['a missing tensor', () => denseFile((h) => delete h.tensors.bias), /weights: bias \[2\] is missing/],
    [
      'an extra tensor',
      () => denseFile((h) => (h.tensors.extra = f32(new Float32Array(1), [1]))),
      /weights: unexpected tensor "extra"/,
    ],
    [
      'a mis-sized tensor',
      () => denseFile((h) => (h.tensors.weight = f32(new Float32Array(6), [2, 3]))),
      /weights: weight must be \[2, 2\] but is \[2, 3\]/,
    ],
    [
      'a manifest disagreeing with options',
      () => denseFile((h) => (h.manifest.tensors.weight = [4])),
      /manifest tensors: weight must be \[2, 2\] but is \[4\]/,
    ],
    [
      'a NaN weight',
      () => denseFile((h) => (h.tensors.bias = f32(Float32Array.of(0, Number.NaN), [2]))),
      /bias\[1\] is NaN/,
    ],
  ] as [string, () => Uint8Array, RegExp][])('%s gives a FormatError', (_, make, message) => {
    const bytes = make();
    expect(() => loadLayer(rt, bytes)).toThrow(FormatError);
    expect(() => loadLayer(rt, bytes)).toThrow(message);
  });

  it('saveLayer refuses an unknown kind and options that do not match the layer', () => {
    const dense = new Dense(rt, { inFeatures: 2, outFeatures: 2 });
    expect(() => saveLayer(dense, 'Conv' as LayerKindName, {})).toThrow(ValueError);
    expect(() => saveLayer(dense, 'Dense', { inFeatures: 3, outFeatures: 2 })).toThrow(
      /weight does not match options/,
    );
    expect(() => saveLayer(dense, 'Dense', { inFeatures: 2, outFeatures: 2 }, { f: () => 1 })).toThrow(
      /extra.f must be a JSON value/,
    );
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-'));
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    await writeFileAtomic(path, Uint8Array.of(4, 5));
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    await expect(writeFileAtomic(join(dir, 'missing', 'x'), Uint8Array.of(1))).rejects.toThrow(/ENOENT/);
    await rm(dir, { recursive: true });
  });

  it('the next save to a path removes the temporary files of killed writers, and only those', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-'));
    const path = join(dir, 'model.safetensors');
    // A pid above the kernel's limit belongs to no process; our own pid is alive.
    const dead = `.model.safetensors.4194999.a1b2c3.tmp`;
    const live = `.model.safetensors.${process.pid}.d4e5f6.tmp`;
    const other = `.other.safetensors.4194999.a1b2c3.tmp`;
    for (const name of [dead, live, other]) await writeFile(join(dir, name), 'torn');
    await writeFileAtomic(path, Uint8Array.of(7));
    expect((await readdir(dir)).sort()).toEqual([live, other, 'model.safetensors'].sort());
    await rm(dir, { recursive: true });
  });
});
