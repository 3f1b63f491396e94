// Saving and loading a whole SequenceModel as one .safetensors file: its weights under PyTorch module names
// (F32, loadable by safetensors.torch.load_file into the equivalent nn.Module) and the manifest (architecture =
// the model's config, tensor shapes, the caller's extras such as a vocabulary or a scaler). Bytes in, bytes out.
// Loading checks the manifest against the weights (every name, shape and value) before it builds the model.

import { describe, FormatError, WasmRnnError } from '../errors.ts';
import {
  type ModelConfig,
  modelConfig,
  modelSpecs,
  type SequenceModelOptions,
} from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { TensorSpec } from '../model/slab.ts';
import type { Runtime } from '../runtime/runtime.ts';
import {
  encodeManifest,
  MANIFEST_KEY,
  type Manifest,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  parseManifest,
} from './manifest.ts';
import {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
} from './safetensors.ts';

export const SEQUENCE_MODEL_KIND = 'SequenceModel';

export interface LoadedModel {
  readonly model: SequenceModel;
  readonly manifest: Manifest;
  /** What the caller saved with the model (vocabulary, scaler, …); {} when nothing. */
  readonly extra: Record<string, unknown>;
}

/** The model's weights as safetensors entries, plus `more` (e.g. a checkpoint's optimizer buffers). */
export function modelTensors(model: SequenceModel): Record<string, SafeTensor> {
  const tensors: Record<string, SafeTensor> = {};
  for (const e of model.slab.entries)
    tensors[e.name] = { dtype: 'F32', shape: e.shape, data: model.slab.read(e.name) };
  return tensors;
}

/** The manifest of a model file (architecture, shapes, extras). */
export function modelManifest(model: SequenceModel, extra?: Record<string, unknown>): Manifest {
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: {
      kind: SEQUENCE_MODEL_KIND,
      options: model.config.options as unknown as Record<string, unknown>,
    },
    tensors: Object.fromEntries(model.slab.entries.map((e) => [e.name, e.shape])),
    ...(extra ? { extra } : {}),
  };
}

/** Encodes `model` (architecture + weights) and the caller's JSON `extra` as one .safetensors file. */
export function saveModel(model: SequenceModel, extra?: Record<string, unknown>): Uint8Array {
  const manifest = modelManifest(model, extra);
  return encodeSafetensors(modelTensors(model), { format: 'pt', [MANIFEST_KEY]: encodeManifest(manifest) });
}

/** A new SequenceModel on `rt` from a file written by saveModel (or a checkpoint). */
export function loadModel(rt: Runtime, bytes: Uint8Array | ArrayBuffer): LoadedModel {
  const file = decodeSafetensors(bytes);
  const { manifest, config } = readModelFile(file);
  const model = new SequenceModel(rt, config.options);
  try {
    model.setWeights(weightsOf(file, modelSpecs(config)));
  } catch (cause) {
    model.dispose();
    throw cause;
  }
  return { model, manifest, extra: (manifest.extra as Record<string, unknown> | undefined) ?? {} };
}

const fail = (message: string): never => {
  throw new FormatError(`model file: ${message}`);
};

/** The manifest and the model config it describes, checked against the file's weights. */
export function readModelFile(file: DecodedSafetensors): { manifest: Manifest; config: ModelConfig } {
  const manifest = parseManifest(file.metadata[MANIFEST_KEY]);
  if (manifest.architecture.kind !== SEQUENCE_MODEL_KIND) {
    fail(
      `architecture kind must be ${describe(SEQUENCE_MODEL_KIND)} but is ${describe(manifest.architecture.kind)}`,
    );
  }
  let config: ModelConfig;
  try {
    config = modelConfig(manifest.architecture.options as unknown as SequenceModelOptions);
  } catch (cause) {
    if (cause instanceof WasmRnnError) return fail(`architecture options are invalid: ${cause.message}`);
    throw cause;
  }
  const specs = modelSpecs(config);
  checkShapes('manifest tensors', manifest.tensors, specs);
  for (const s of specs) {
    const t = file.tensors[s.name];
    if (t === undefined) fail(`weights: ${s.name} [${s.shape.join(', ')}] is missing`);
    if (t.shape.join() !== s.shape.join() || t.shape.length !== s.shape.length) {
      fail(`weights: ${s.name} must be [${s.shape.join(', ')}] but is [${t.shape.join(', ')}]`);
    }
  }
  return { manifest, config };
}

/** The model's weights from a decoded file, each checked finite. */
export function weightsOf(
  file: DecodedSafetensors,
  specs: readonly TensorSpec[],
): Record<string, Float32Array> {
  const record: Record<string, Float32Array> = {};
  for (const s of specs) {
    const data = file.tensors[s.name].data;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`weights: ${s.name}[${bad}] is ${data[bad]}; a model's weights must be finite`);
    record[s.name] = data;
  }
  return record;
}

function checkShapes(
  what: string,
  have: Record<string, readonly number[]>,
  specs: readonly TensorSpec[],
): void {
  const expected = new Set(specs.map((s) => s.name));
  const extra = Object.keys(have).filter((name) => !expected.has(name));
  if (extra.length > 0) fail(`${what}: unexpected tensor ${extra.map((n) => describe(n)).join(', ')}`);
  for (const s of specs) {
    const shape = have[s.name];
    if (shape === undefined) fail(`${what}: ${s.name} [${s.shape.join(', ')}] is missing`);
    if (shape.join() !== s.shape.join() || shape.length !== s.shape.length) {
      fail(`${what}: ${s.name} must be [${s.shape.join(', ')}] but is [${shape.join(', ')}]`);
    }
  }
}
