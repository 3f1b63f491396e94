// The model manifest: what a saved file says about itself besides its weights. It travels as one JSON string
// inside the safetensors `__metadata__` (which the format limits to string values), so a model is a single
// file that PyTorch's safetensors.torch.load_file also reads (the weights are under PyTorch's names).

import { describe, FormatError, ValueError } from '../errors.ts';
import { jsonPreview } from './json-preview.ts';
import { parseSection } from './json-scan.ts';

export const MODEL_FORMAT = 'wasm-rnn';
/** Bumped on any change a reader of the previous version would misread. */
export const MODEL_FORMAT_VERSION = 1;
/** The `__metadata__` key holding the manifest JSON. */
export const MANIFEST_KEY = 'wasm_rnn.manifest';

export interface Manifest {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  /** The layer kind (e.g. 'LSTM', 'Dense') and its constructor options, JSON values only. */
  readonly architecture: { readonly kind: string; readonly options: Record<string, unknown> };
  /** Every tensor's PyTorch name and shape, checked against the weights on load. */
  readonly tensors: Record<string, readonly number[]>;
  /** Whatever else the caller keeps with the model (vocabulary, scaler, training state); JSON values only. */
  readonly extra?: Record<string, unknown>;
  /** How the weights are stored when not f32 (weight-dtype.ts); absent in f32 files and older files. */
  readonly dtype?: 'f16' | 'bf16' | 'int8';
}

/** The values `dtype` may take in a manifest (f32 is its absence, so f32 files are unchanged). */
const MANIFEST_DTYPES = ['f16', 'bf16', 'int8'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Serialises a manifest; refuses values JSON would silently drop or change (functions, NaN, undefined). */
export function encodeManifest(manifest: Manifest): string {
  checkJsonValue('manifest', manifest);
  return JSON.stringify(manifest);
}

/** Deeper than any real manifest; also where a cyclic `extra` is caught before it overflows the stack. */
export const MAX_JSON_DEPTH = 64;

function checkJsonValue(path: string, value: unknown, depth = 0): void {
  if (depth > MAX_JSON_DEPTH) {
    throw new ValueError(`${path.slice(0, 80)}…: nested deeper than ${MAX_JSON_DEPTH} levels (or cyclic)`);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(`${path} must be a finite number but is ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJsonValue(`${path}[${i}]`, value[i], depth + 1);
    return;
  }
  if (
    isRecord(value) &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    for (const [k, v] of Object.entries(value)) checkJsonValue(`${path}.${k}`, v, depth + 1);
    return;
  }
  throw new ValueError(
    `${path} must be a JSON value (string, number, boolean, null, array, plain object) but is ${describe(value)}`,
  );
}

const fail = (message: string): never => {
  throw new FormatError(`model file: ${message}`);
};

/**
 * A manifest's JSON is refused past these before it is parsed: deeper than any manifest this library writes
 * (so no reader recurses 100,000 levels), and more keys than a large `extra` holds. The depth counts the
 * manifest object itself, which encodeManifest does not.
 */
export const MANIFEST_LIMITS = { maxKeys: 100_000, maxDepth: MAX_JSON_DEPTH + 1 };

const FIELDS = ['format', 'version', 'architecture', 'tensors', 'extra', 'dtype'];

/** The first own key of `value` outside `fields`, refused by name (a field this reader would ignore). */
function onlyFields(what: string, value: Record<string, unknown>, fields: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!fields.includes(key))
      fail(`${what} has an unknown field ${describe(key)}; it has ${fields.join(', ')}`);
  }
}

/** Parses and checks a manifest read from a file; every field a reader relies on is checked here. */
export function parseManifest(text: string | undefined): Manifest {
  if (text === undefined) fail(`no manifest: the safetensors metadata has no ${MANIFEST_KEY} entry`);
  const json = parseSection('manifest', text as string, MANIFEST_LIMITS, fail);
  if (!isRecord(json)) return fail(`manifest must be a JSON object but is ${describe(json)}`);
  onlyFields('manifest', json, FIELDS);
  if (json.format !== MODEL_FORMAT)
    fail(`manifest format must be ${describe(MODEL_FORMAT)} but is ${describe(json.format)}`);
  if (json.version !== MODEL_FORMAT_VERSION) {
    fail(
      `manifest version ${describe(json.version)} is not one this library reads (${MODEL_FORMAT_VERSION})`,
    );
  }
  const arch = json.architecture;
  if (!isRecord(arch) || typeof arch.kind !== 'string' || !isRecord(arch.options)) {
    fail(`manifest architecture must be { kind: string, options: object } but is ${describe(arch)}`);
  }
  onlyFields('manifest architecture', arch as Record<string, unknown>, ['kind', 'options']);
  const tensors = json.tensors;
  if (!isRecord(tensors))
    return fail(`manifest tensors must be an object of shapes but is ${describe(tensors)}`);
  for (const [name, shape] of Object.entries(tensors)) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(
        `manifest tensor ${describe(name)} must be a shape (non-negative integers) but is ${jsonPreview(shape)}`,
      );
    }
  }
  if (json.extra !== undefined && !isRecord(json.extra))
    fail(`manifest extra must be an object but is ${describe(json.extra)}`);
  if (json.dtype !== undefined && !MANIFEST_DTYPES.includes(json.dtype as string)) {
    fail(
      `manifest dtype must be one of ${MANIFEST_DTYPES.join(', ')} (or absent: f32) but is ${describe(json.dtype)}`,
    );
  }
  return json as unknown as Manifest;
}
