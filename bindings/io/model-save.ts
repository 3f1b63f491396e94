// Saving and loading a whole model (SequenceModel or Seq2Seq) as one .safetensors file: its weights under
// PyTorch module names (F32, loadable by safetensors.torch.load_file into the equivalent nn.Module) and the
// manifest (architecture = the model's kind and normalised options, tensor shapes, the caller's extras such as
// a vocabulary or a scaler). Bytes in, bytes out. Loading checks the manifest against the weights (every name,
// shape and value) before it builds the model.

import { describe, FormatError, ValueError, WasmRnnError } from '../errors.ts';
import { NO_INIT } from '../model/initializers.ts';
import { Seq2Seq } from '../model/seq2seq.ts';
import { type Seq2SeqOptions, seq2seqConfig, seq2seqSpecs } from '../model/seq2seq-config.ts';
import { modelConfig, modelSpecs, type SequenceModelOptions } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
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
import { checkShapes } from './model-file.ts';
import {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
} from './safetensors.ts';
import {
  checkStoredDtypes,
  type SaveOptions,
  saveOptions,
  storedTensors,
  type WeightDtype,
} from './weight-dtype.ts';

export type SavedModel = SequenceModel | Seq2Seq;
export type ModelKind = 'SequenceModel' | 'Seq2Seq';

export interface Loaded<M extends SavedModel> {
  readonly model: M;
  readonly manifest: Manifest;
  /** What the caller saved with the model (vocabulary, scaler, …); {} when nothing. */
  readonly extra: Record<string, unknown>;
}

export type LoadedModel = Loaded<SequenceModel>;

/** `model` itself when it is a SequenceModel or a Seq2Seq, else a ValueError naming it. */
export function checkSavedModel(model: unknown, name = 'model'): SavedModel {
  if (!(model instanceof SequenceModel) && !(model instanceof Seq2Seq)) {
    throw new ValueError(`${name} must be a SequenceModel or a Seq2Seq but got ${describe(model)}`);
  }
  return model;
}

const kindOf = (model: SavedModel): ModelKind => (model instanceof Seq2Seq ? 'Seq2Seq' : 'SequenceModel');

/** The model's weights as safetensors entries. */
export function modelTensors(model: SavedModel): Record<string, SafeTensor> {
  const tensors: Record<string, SafeTensor> = {};
  for (const e of model.slab.entries)
    tensors[e.name] = { dtype: 'F32', shape: e.shape, data: model.slab.read(e.name) };
  return tensors;
}

/** The manifest of a model file (architecture, shapes, extras, and the weights' dtype unless f32). */
export function modelManifest(
  model: SavedModel,
  extra?: Record<string, unknown>,
  dtype: WeightDtype = 'f32',
): Manifest {
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: {
      kind: kindOf(model),
      options: model.config.options as unknown as Record<string, unknown>,
    },
    tensors: Object.fromEntries(model.slab.entries.map((e) => [e.name, e.shape])),
    ...(extra ? { extra } : {}),
    ...(dtype !== 'f32' ? { dtype } : {}),
  };
}

/**
 * Encodes `model` (architecture + weights) and the caller's JSON `extra` as one .safetensors file; with
 * `{ dtype: 'f16' | 'bf16' | 'int8' }` the weights take 1/2 or about 1/4 of the bytes (loading gives f32).
 */
export function saveModel(
  model: SavedModel,
  extra?: Record<string, unknown>,
  options?: SaveOptions,
): Uint8Array {
  checkSavedModel(model);
  const { dtype } = saveOptions(options);
  const manifest = modelManifest(model, extra, dtype);
  const tensors = storedTensors(modelTensors(model), dtype);
  return encodeSafetensors(tensors, { format: 'pt', [MANIFEST_KEY]: encodeManifest(manifest) });
}

/** A new SequenceModel on `rt` from a file written by saveModel (or a checkpoint). */
export function loadModel(rt: Runtime, bytes: Uint8Array | ArrayBuffer, options?: LoadOptions): LoadedModel {
  return loadKind(rt, bytes, 'SequenceModel', options) as LoadedModel;
}

/** A new Seq2Seq on `rt` from a file written by saveModel (or a checkpoint). */
export function loadSeq2Seq(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadOptions,
): Loaded<Seq2Seq> {
  return loadKind(rt, bytes, 'Seq2Seq', options) as Loaded<Seq2Seq>;
}

/** A new model of whatever kind the file holds. */
export function loadAnyModel(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadOptions,
): Loaded<SavedModel> {
  return loadKind(rt, bytes, undefined, options);
}

function loadKind(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  want: ModelKind | undefined,
  options: LoadOptions | undefined,
): Loaded<SavedModel> {
  checkRuntime(rt);
  const o = loadOptions(options);
  const file = decodeSafetensors(bytes);
  const read = readModelFile(file);
  if (want !== undefined && read.kind !== want) {
    fail(`it holds a ${read.kind}; load it with ${read.kind === 'Seq2Seq' ? 'loadSeq2Seq' : 'loadModel'}`);
  }
  return buildModel(rt, file, read, o);
}

/**
 * The model a checked file describes, on `rt`, with the file's weights (checked first: finite and within
 * ±maxAbsWeight); nothing is drawn for the weights the file replaces, and a refusal frees what was built.
 */
export function buildModel(
  rt: Runtime,
  file: DecodedSafetensors,
  read: ModelFile,
  options: Required<LoadOptions>,
): Loaded<SavedModel> {
  const weights = weightsOf(file, read.specs, options);
  const construct = { ...read.options, [NO_INIT]: true };
  const model =
    read.kind === 'Seq2Seq'
      ? new Seq2Seq(rt, construct as Seq2SeqOptions)
      : new SequenceModel(rt, construct as SequenceModelOptions);
  try {
    model.setWeights(weights);
  } catch (cause) {
    model.dispose();
    throw cause;
  }
  const extra = (read.manifest.extra as Record<string, unknown> | undefined) ?? {};
  return { model, manifest: read.manifest, extra };
}

const fail = (message: string): never => {
  throw new FormatError(`model file: ${message}`);
};

export interface ModelFile {
  manifest: Manifest;
  kind: ModelKind;
  /** The normalised options the model is built from. */
  options: SequenceModelOptions | Seq2SeqOptions;
  specs: TensorSpec[];
}

/** The manifest and the model it describes, checked against the file's weights. */
export function readModelFile(file: DecodedSafetensors): ModelFile {
  const manifest = parseManifest(file.metadata[MANIFEST_KEY]);
  const kind = manifest.architecture.kind;
  if (kind !== 'SequenceModel' && kind !== 'Seq2Seq') {
    fail(`architecture kind must be "SequenceModel" or "Seq2Seq" but is ${describe(kind)}`);
  }
  let options: SequenceModelOptions | Seq2SeqOptions;
  let specs: TensorSpec[];
  try {
    const raw = manifest.architecture.options as unknown;
    if (kind === 'Seq2Seq') {
      const c = seq2seqConfig(raw as Seq2SeqOptions);
      [options, specs] = [c.options, seq2seqSpecs(c)];
    } else {
      const c = modelConfig(raw as SequenceModelOptions);
      [options, specs] = [c.options, modelSpecs(c)];
    }
  } catch (cause) {
    if (cause instanceof WasmRnnError) return fail(`architecture options are invalid: ${cause.message}`);
    throw cause;
  }
  checkShapes('manifest tensors', manifest.tensors, specs, fail);
  checkShapes('weights', weightShapes(file), specs, fail);
  checkStoredDtypes(manifest.dtype, file.dtypes, specs, fail);
  return { manifest, kind: kind as ModelKind, options, specs };
}

/** The metadata key of a checkpoint's training state (train/checkpoint.ts): its file holds more than weights. */
const TRAINING_KEY = 'wasm_rnn.training';
/** The tensors a checkpoint adds to the model's: optimizer buffers and the carried state. */
const CHECKPOINT_TENSORS = /^(optimizer|carried)\./;

/**
 * Shapes of the file's weights: every tensor, except a checkpoint's own (optimizer buffers, carried state), so
 * that checkShapes refuses a tensor the architecture does not name, as loadLayer does.
 */
function weightShapes(file: DecodedSafetensors): Record<string, readonly number[]> {
  const checkpoint = file.metadata[TRAINING_KEY] !== undefined;
  // Null prototype: on a plain object, `shapes.__proto__ = shape` would set the prototype, and a tensor named
  // "__proto__" would vanish instead of being refused as unknown.
  const shapes: Record<string, readonly number[]> = Object.create(null);
  for (const [name, t] of Object.entries(file.tensors)) {
    if (!(checkpoint && CHECKPOINT_TENSORS.test(name))) shapes[name] = t.shape;
  }
  return shapes;
}

/** The model's weights from a decoded file, each checked finite and within ±maxAbsWeight. */
export function weightsOf(
  file: DecodedSafetensors,
  specs: readonly TensorSpec[],
  options: Required<LoadOptions>,
): Record<string, Float32Array> {
  const record: Record<string, Float32Array> = {};
  for (const s of specs) {
    const data = file.tensors[s.name].data;
    checkWeightRange(s.name, data, options.maxAbsWeight, fail);
    record[s.name] = data;
  }
  return record;
}
