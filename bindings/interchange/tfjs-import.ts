// importTfjs: a TF.js layers model (model.json and its weight files, as tf.LayersModel.save or
// tensorflowjs_converter writes them) → a SequenceModel with the weights under PyTorch names. Keras stores
// kernels [in, G·H] (transposed from PyTorch's [G·H, in]) and one bias (GRU reset_after: two rows, input then
// recurrent; a GRU without it, TF.js's, becomes gru: { resetAfter: false } with b_hh = 0); its LSTM gate order
// i, f, c, o is ours, its GRU order z, r, h becomes our r, z, n.

import { describe, FormatError, ValueError } from '../errors.ts';
import { type LoadOptions, loadOptions } from '../io/load-options.ts';
import { saveModel } from '../io/model-save.ts';
import { type SaveOptions, saveOptions } from '../io/weight-dtype.ts';
import type { CellType } from '../model/cells.ts';
import type { SequenceModelOptions } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { TfjsUnsupportedError } from './import-errors.ts';
import { ImportedModel, type ImportSignature } from './imported-model.ts';
import { planOf, type TfjsPlan } from './tfjs-topology.ts';
import { checkImportedWeights } from './weight-range.ts';

type Json = Record<string, unknown>;

interface WeightSpec {
  name: string;
  shape: number[];
  data: Float32Array;
}

const fail = (message: string): never => {
  throw new FormatError(`TF.js model: ${message}`);
};

/**
 * `modelJson`: model.json (text or parsed); `weights`: the files its weightsManifest lists, in order (one buffer
 * or several); `loadOptionsGiven.maxAbsWeight` as for loadModel. Unsupported layers throw a TfjsUnsupportedError naming the layer; malformed files a FormatError.
 */
export function importTfjs(
  rt: Runtime,
  modelJson: string | object,
  weights: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[],
  loadOptionsGiven?: LoadOptions,
): ImportedModel {
  const { maxAbsWeight } = loadOptions(loadOptionsGiven);
  const json = parseJson(modelJson);
  const plan = planOf(json.modelTopology);
  const specs = readWeights(weightSpecs(json), concatBuffers(weights));
  const record = modelWeights(plan, specs);
  checkImportedWeights('TF.js model', record, maxAbsWeight);
  const I = record['rnn.weight_ih_l0'].length / (gateCount(plan.cell) * plan.units);
  const options: SequenceModelOptions = {
    input: plan.embedding
      ? { embedding: { vocabSize: plan.embedding.V, dim: plan.embedding.E } }
      : { features: I },
    recurrent: {
      cell: plan.cell,
      hiddenSize: plan.units,
      numLayers: plan.layers.length,
      bidirectional: plan.bidirectional,
      ...(plan.resetAfter ? {} : { gru: { resetAfter: false } }),
    },
    pooling: plan.pooling,
    head: { outputSize: record['head.bias'].length },
  };
  const model = new SequenceModel(rt, options);
  try {
    model.setWeights(record);
  } catch (cause) {
    model.dispose();
    throw cause;
  }
  const generatedBy = typeof json.generatedBy === 'string' ? json.generatedBy : '';
  const signature: ImportSignature = {
    format: 'tfjs',
    input: {
      name: 'input',
      ids: plan.embedding !== undefined,
      batchFirst: true,
      ...(plan.steps ? { steps: plan.steps } : {}),
    },
    states: {},
    output: { name: 'output', batchFirst: true },
    activation: plan.activation,
    producer: plan.producer || generatedBy,
  };
  return new ImportedModel(model, signature);
}

/**
 * A TF.js model → one of our .safetensors model files, its signature under `extra.tfjs`; `options.dtype` as for
 * saveModel (see onnxToModelFile).
 */
export function tfjsToModelFile(
  rt: Runtime,
  modelJson: string | object,
  weights: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[],
  options?: SaveOptions,
): Uint8Array {
  const save = saveOptions(options);
  const imported = importTfjs(rt, modelJson, weights);
  try {
    return saveModel(imported.model, { tfjs: imported.signature }, save);
  } finally {
    imported.dispose();
  }
}

function parseJson(modelJson: string | object): Json {
  let json: unknown = modelJson;
  if (typeof modelJson === 'string') {
    try {
      json = JSON.parse(modelJson);
    } catch {
      return fail('model.json is not valid JSON');
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ValueError(`modelJson must be model.json (text or object) but got ${describe(modelJson)}`);
  }
  const format = (json as Json).format;
  if (format !== undefined && format !== 'layers-model') {
    throw new TfjsUnsupportedError(
      '',
      '',
      `format ${JSON.stringify(format)}: only layers models (not graph models) are supported`,
    );
  }
  return json as Json;
}

/** The weight specs in file order: weightsManifest's groups, or a save handler's weightSpecs. */
function weightSpecs(json: Json): { name: string; shape: number[]; dtype: unknown; quantization: unknown }[] {
  const manifest = json.weightsManifest;
  const list = Array.isArray(manifest)
    ? manifest.flatMap(
        (g) =>
          ((g as Json)?.weights as unknown[] | undefined) ?? fail('a weightsManifest group has no weights'),
      )
    : Array.isArray(json.weightSpecs)
      ? json.weightSpecs
      : fail('model.json has no weightsManifest');
  if (list.length > 10_000) fail(`${list.length} weights`);
  return list.map((s, i) => {
    const spec = s as Json;
    const shape = spec?.shape;
    if (
      typeof spec?.name !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      fail(`weight ${i} has no name or shape`);
    }
    return {
      name: spec.name as string,
      shape: shape as number[],
      dtype: spec.dtype,
      quantization: spec.quantization,
    };
  });
}

function concatBuffers(
  weights: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[],
): Uint8Array {
  const parts = Array.isArray(weights) ? weights : [weights];
  const bytes = parts.map((p) => {
    if (p instanceof Uint8Array) return p;
    if (p instanceof ArrayBuffer) return new Uint8Array(p);
    throw new ValueError(`weights must be ArrayBuffers or Uint8Arrays but got ${describe(p)}`);
  });
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bytes) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Each spec's float32 values, little-endian, one after another; the buffer must hold exactly all of them. */
function readWeights(specs: ReturnType<typeof weightSpecs>, bytes: Uint8Array): Map<string, WeightSpec> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, WeightSpec>();
  let offset = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32')
      throw new TfjsUnsupportedError('', '', `weight "${s.name}" is ${describe(s.dtype)}, not float32`);
    if (s.quantization !== undefined)
      throw new TfjsUnsupportedError('', '', `weight "${s.name}" is quantized`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (!(n * 4 <= bytes.length - offset))
      fail(`weight "${s.name}" [${s.shape.join(', ')}] runs past the end of the weight data`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(offset + i * 4, true);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`weight "${s.name}"[${bad}] is ${data[bad]}; a model's weights must be finite`);
    if (out.has(s.name)) fail(`weight "${s.name}" is listed twice`);
    out.set(s.name, { name: s.name, shape: s.shape, data });
    offset += n * 4;
  }
  if (offset !== bytes.length)
    fail(`the weight data holds ${bytes.length} bytes but the manifest lists ${offset}`);
  return out;
}

const gateCount = (cell: CellType) => (cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1);

/** Every parameter by PyTorch name; each weight of the file is used exactly once. */
function modelWeights(plan: TfjsPlan, specs: Map<string, WeightSpec>): Record<string, Float32Array> {
  const used = new Set<string>();
  const take = (prefix: string, last: string, layer: string, cls: string): WeightSpec | undefined => {
    const found = [...specs.keys()].filter((n) => n.startsWith(prefix) && n.split('/').pop() === last);
    if (found.length > 1) throw new TfjsUnsupportedError(layer, cls, `two weights named ${prefix}…/${last}`);
    if (found.length === 0) return undefined;
    used.add(found[0]);
    return specs.get(found[0]);
  };
  const need = (prefix: string, last: string, layer: string, cls: string, shape: number[]): Float32Array => {
    const w = take(prefix, last, layer, cls);
    if (!w) throw new TfjsUnsupportedError(layer, cls, `weight ${prefix}…/${last} is missing`);
    if (w.shape.length !== shape.length || w.shape.some((d, i) => shape[i] >= 0 && d !== shape[i])) {
      throw new TfjsUnsupportedError(
        layer,
        cls,
        `weight ${w.name} is [${w.shape.join(', ')}], expected [${shape.join(', ')}]`,
      );
    }
    return w.data;
  };
  const record: Record<string, Float32Array> = {};
  const G = gateCount(plan.cell);
  const H = plan.units;
  let I = plan.embedding ? plan.embedding.E : -1;
  if (plan.embedding) {
    const e = plan.embedding;
    record['embedding.weight'] = need(`${e.name}/`, 'embeddings', e.name, 'Embedding', [e.V, e.E]);
  }
  plan.layers.forEach((layer, k) => {
    layer.prefixes.forEach((prefix, d) => {
      const s = `_l${k}${d ? '_reverse' : ''}`;
      const kernel = need(prefix, 'kernel', layer.name, plan.cls, [I, G * H]);
      const inputs = kernel.length / (G * H);
      I = inputs;
      const recurrentKernel = need(prefix, 'recurrent_kernel', layer.name, plan.cls, [H, G * H]);
      // A GRU with reset_after keeps two bias rows (input, recurrent); without it, one (the input's): b_hn is 0.
      const gru = plan.cell === 'gru' && plan.resetAfter;
      const bias = plan.useBias
        ? need(prefix, 'bias', layer.name, plan.cls, gru ? [2, G * H] : [G * H])
        : new Float32Array((gru ? 2 : 1) * G * H);
      record[`rnn.weight_ih${s}`] = kerasGates(plan.cell, transpose(kernel, inputs, G * H), H, inputs);
      record[`rnn.weight_hh${s}`] = kerasGates(plan.cell, transpose(recurrentKernel, H, G * H), H, H);
      record[`rnn.bias_ih${s}`] = kerasGates(plan.cell, bias.slice(0, G * H), H, 1);
      record[`rnn.bias_hh${s}`] = gru
        ? kerasGates(plan.cell, bias.slice(G * H), H, 1)
        : new Float32Array(G * H);
    });
    I = plan.bidirectional ? 2 * H : H;
  });
  const C = (plan.bidirectional ? 2 : 1) * H;
  if (plan.dense) {
    const { name, units, useBias } = plan.dense;
    record['head.weight'] = transpose(need(`${name}/`, 'kernel', name, 'Dense', [C, units]), C, units);
    record['head.bias'] = useBias
      ? need(`${name}/`, 'bias', name, 'Dense', [units])
      : new Float32Array(units);
  } else {
    // No Dense: an identity head keeps the recurrent outputs exactly.
    record['head.weight'] = new Float32Array(C * C);
    for (let i = 0; i < C; i++) record['head.weight'][i * C + i] = 1;
    record['head.bias'] = new Float32Array(C);
  }
  const unused = [...specs.keys()].filter((n) => !used.has(n));
  if (unused.length > 0)
    throw new TfjsUnsupportedError('', '', `weights of no supported layer: ${unused.slice(0, 5).join(', ')}`);
  return record;
}

/** [rows, cols] → [cols, rows]. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** Keras gate blocks → ours: LSTM i, f, c, o is already our i, f, g, o; GRU z, r, h becomes r, z, n. */
function kerasGates(cell: CellType, w: Float32Array, H: number, cols: number): Float32Array {
  if (cell !== 'gru') return w;
  const block = H * cols;
  const out = new Float32Array(w.length);
  out.set(w.subarray(block, 2 * block), 0);
  out.set(w.subarray(0, block), block);
  out.set(w.subarray(2 * block), 2 * block);
  return out;
}
