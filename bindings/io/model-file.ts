// Saving and loading one layer as a single .safetensors file: the weights under PyTorch's names (F32) and the
// manifest (architecture = kind + constructor options, tensor shapes, caller's extras) in `__metadata__`.
// Bytes in, bytes out; loading checks the manifest against the weights (every name, shape and value) before
// it allocates a layer, so a bad file gives a FormatError and never a silently wrong model.

import { describe, FormatError, ValueError, WasmRnnError } from '../errors.ts';
import { Dense } from '../model/dense.ts';
import { Embedding } from '../model/embedding.ts';
import { GRU } from '../model/gru.ts';
import { NO_INIT } from '../model/initializers.ts';
import { LSTM } from '../model/lstm.ts';
import { AttentionPooling } from '../model/pooling.ts';
import { RNN } from '../model/rnn.ts';
import type { TensorSpec } from '../model/slab.ts';
import { checkRuntime, type Runtime } from '../runtime/runtime.ts';
import { checkWeightRange, type LoadOptions, loadOptions } from './load-options.ts';
import {
  encodeManifest,
  MANIFEST_KEY,
  type Manifest,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  parseManifest,
} from './manifest.ts';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.ts';
import { checkStoredDtypes, type SaveOptions, saveOptions, storedTensors } from './weight-dtype.ts';

/** What every saveable layer has. */
export interface SavableLayer {
  getWeights(): Record<string, Float32Array>;
  setWeights(record: Record<string, ArrayLike<number>>): void;
}

interface LayerKind {
  create(rt: Runtime, options: never): SavableLayer;
  paramSpecs(options: never): TensorSpec[];
  /**
   * Tensors the options ask for, counted without listing them (NaN for options that are not numbers, which
   * paramSpecs then refuses); 0 for kinds with at most two, whose list costs nothing.
   */
  tensorCount(options: Record<string, unknown>): number;
}

const kind = <O, L extends SavableLayer>(
  Layer: { new (rt: Runtime, options: O): L; paramSpecs(options: O): TensorSpec[] },
  tensorCount: LayerKind['tensorCount'],
): LayerKind => ({
  create: (rt, o) => new Layer(rt, o as O),
  paramSpecs: (o) => Layer.paramSpecs(o as O),
  tensorCount,
});

/** Four tensors per layer and direction: a file claiming numLayers 10^9 is refused before 4·10^9 names are listed. */
const recurrentCount = (o: Record<string, unknown>) => {
  const layers = o.numLayers ?? 1;
  // Not Number(): an object whose valueOf is not a function would throw a TypeError from inside it.
  return typeof layers === 'number' ? layers * (o.bidirectional === true ? 2 : 1) * 4 : Number.NaN;
};
const fewTensors = () => 0;

/** The layer kinds a manifest may name, by the class name a PyTorch user would expect. */
export const LAYER_KINDS: Readonly<Record<string, LayerKind>> = {
  RNN: kind(RNN, recurrentCount),
  LSTM: kind(LSTM, recurrentCount),
  GRU: kind(GRU, recurrentCount),
  Dense: kind(Dense, fewTensors),
  Embedding: kind(Embedding, fewTensors),
  AttentionPooling: kind(AttentionPooling, fewTensors),
};

export type LayerKindName = 'RNN' | 'LSTM' | 'GRU' | 'Dense' | 'Embedding' | 'AttentionPooling';

export interface LoadedLayer {
  readonly kind: string;
  readonly layer: SavableLayer;
  readonly manifest: Manifest;
}

/** Options as saved: the runtime-bound ones (a shared slab, its prefix) belong to the process, not the file. */
function portable(options: object): Record<string, unknown> {
  const { slab: _slab, prefix: _prefix, ...rest } = options as Record<string, unknown>;
  return rest;
}

function kindOf(name: unknown, onError: (message: string) => never): LayerKind {
  if (typeof name !== 'string' || !Object.hasOwn(LAYER_KINDS, name)) {
    onError(`kind must be one of ${Object.keys(LAYER_KINDS).join(', ')} but is ${describe(name)}`);
  }
  return LAYER_KINDS[name as string];
}

/** Encodes `layer` (constructed with `options`) as a .safetensors file with its manifest (dtype: see saveModel). */
export function saveLayer(
  layer: SavableLayer,
  kindName: LayerKindName,
  options: object,
  extra?: Record<string, unknown>,
  save?: SaveOptions,
): Uint8Array {
  const { dtype } = saveOptions(save);
  const k = kindOf(kindName, (m) => {
    throw new ValueError(`saveLayer: ${m}`);
  });
  if (typeof (layer as Partial<SavableLayer> | null)?.getWeights !== 'function') {
    throw new ValueError(`saveLayer: layer must be a layer (with getWeights) but got ${describe(layer)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new ValueError(
      `saveLayer: options must be the layer's constructor options but got ${describe(options)}`,
    );
  }
  const architecture = { kind: kindName, options: portable(options) };
  const specs = k.paramSpecs(architecture.options as never);
  const weights = layer.getWeights();
  const tensors: Record<string, SafeTensor> = {};
  for (const s of specs) {
    const data = weights[s.name];
    if (!(data instanceof Float32Array) || data.length !== s.shape.reduce((a, b) => a * b, 1)) {
      throw new ValueError(
        `saveLayer: the layer's ${s.name} does not match options (expected [${s.shape.join(', ')}])`,
      );
    }
    tensors[s.name] = { dtype: 'F32', shape: s.shape, data };
  }
  const shapes = Object.fromEntries(specs.map((s) => [s.name, s.shape]));
  const manifest: Manifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture,
    tensors: shapes,
    ...(extra ? { extra } : {}),
    ...(dtype !== 'f32' ? { dtype } : {}),
  };
  const stored = storedTensors(tensors, dtype);
  return encodeSafetensors(stored, { format: 'pt', [MANIFEST_KEY]: encodeManifest(manifest) });
}

/** The manifest of a model file, checked, without building the layer. */
export function readManifest(bytes: Uint8Array | ArrayBuffer): Manifest {
  return parseManifest(decodeSafetensors(bytes).metadata[MANIFEST_KEY]);
}

/** Decodes a file written by saveLayer (or by hand, e.g. from PyTorch) into a new layer on `rt`. */
export function loadLayer(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  loadOptionsGiven?: LoadOptions,
): LoadedLayer {
  checkRuntime(rt);
  const { maxAbsWeight } = loadOptions(loadOptionsGiven);
  const file = decodeSafetensors(bytes);
  const manifest = parseManifest(file.metadata[MANIFEST_KEY]);
  const fail = (message: string): never => {
    throw new FormatError(`model file: ${message}`);
  };
  const k = kindOf(manifest.architecture.kind, (m) => fail(`architecture ${m}`));
  const options = manifest.architecture.options;
  for (const key of ['slab', 'prefix']) {
    if (Object.hasOwn(options, key))
      fail(`architecture options hold ${key}, which belongs to a process, not a file`);
  }
  const held = Object.keys(file.tensors).length;
  const asked = k.tensorCount(options);
  if (asked > held) fail(`architecture options ask for ${asked} tensors but the file holds ${held}`);
  const specs = specsOrFail(k, options, fail);
  checkShapes('manifest tensors', manifest.tensors, specs, fail);
  const shapes = Object.fromEntries(Object.entries(file.tensors).map(([name, t]) => [name, t.shape]));
  checkShapes('weights', shapes, specs, fail);
  checkStoredDtypes(manifest.dtype, file.dtypes, specs, fail);
  const record: Record<string, Float32Array> = {};
  for (const s of specs) {
    const data = file.tensors[s.name].data;
    checkWeightRange(s.name, data, maxAbsWeight, fail);
    record[s.name] = data;
  }
  // The file's weights replace the initial ones, so none is drawn: an 'orthogonal' init costs O(H³) and
  // would make loading a large file slow for draws that are thrown away.
  const layer = k.create(rt, { ...options, [NO_INIT]: true } as never);
  try {
    layer.setWeights(record);
  } catch (cause) {
    (layer as Partial<{ dispose(): void }>).dispose?.();
    throw cause;
  }
  return { kind: manifest.architecture.kind, layer, manifest };
}

/** paramSpecs validates the options; an invalid option in a file is the file's fault. */
function specsOrFail(
  k: LayerKind,
  options: Record<string, unknown>,
  fail: (m: string) => never,
): TensorSpec[] {
  try {
    return k.paramSpecs(options as never);
  } catch (cause) {
    if (cause instanceof WasmRnnError) return fail(`architecture options are invalid: ${cause.message}`);
    throw cause;
  }
}

/** Every spec's name present with its shape, and no other name (shared with model-save.ts). */
export function checkShapes(
  what: string,
  have: Record<string, readonly number[]>,
  specs: readonly TensorSpec[],
  fail: (m: string) => never,
): void {
  const expected = new Set(specs.map((s) => s.name));
  const extra = Object.keys(have).filter((name) => !expected.has(name));
  if (extra.length > 0) {
    const listed = extra.slice(0, 5).map((n) => describe(n));
    const more = extra.length > 5 ? `, … (${extra.length} in all)` : '';
    fail(`${what}: unexpected tensor ${listed.join(', ')}${more}`);
  }
  for (const s of specs) {
    const shape = have[s.name];
    if (shape === undefined) fail(`${what}: ${s.name} [${s.shape.join(', ')}] is missing`);
    if (shape.join() !== s.shape.join() || shape.length !== s.shape.length) {
      fail(`${what}: ${s.name} must be [${s.shape.join(', ')}] but is [${shape.join(', ')}]`);
    }
  }
}
