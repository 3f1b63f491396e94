// importOnnx: an ONNX file (bytes) → a SequenceModel with the file's weights under PyTorch names, wrapped with
// what the graph adds around it (its layout, an activation after the head, initial-state inputs). The file is
// parsed by our own protobuf reader (proto-read.ts), interpreted symbolically (onnx-graph.ts), and the model is
// built only once every node is understood.

import { describe, FormatError, ValueError } from '../errors.ts';
import { type LoadOptions, loadOptions } from '../io/load-options.ts';
import { saveModel } from '../io/model-save.ts';
import { type SaveOptions, saveOptions } from '../io/weight-dtype.ts';
import type { SequenceModelOptions } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { ImportedModel, type ImportSignature } from './imported-model.ts';
import type { Assembly } from './onnx-assembly.ts';
import { type Interpreted, interpret } from './onnx-graph.ts';
import { decodeModel } from './onnx-proto.ts';
import { checkImportedWeights } from './weight-range.ts';

/**
 * Reads an ONNX model exported from nn.RNN / nn.LSTM / nn.GRU (torch.onnx.export, or any graph of the same
 * shape) and builds it on `rt`. Unsupported graphs throw an OnnxUnsupportedError (a FormatError) naming the node
 * and its op type; malformed files a FormatError; `loadOptionsGiven.maxAbsWeight` as for loadModel.
 */
export function importOnnx(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  loadOptionsGiven?: LoadOptions,
): ImportedModel {
  const { maxAbsWeight } = loadOptions(loadOptionsGiven);
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new ValueError(`bytes must be a Uint8Array or an ArrayBuffer but got ${describe(bytes)}`);
  }
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const file = decodeModel(data);
  const plan = interpret(file);
  const options = modelOptions(plan.asm);
  const weights = modelWeights(plan.asm);
  checkImportedWeights('ONNX model', weights, maxAbsWeight);
  const model = new SequenceModel(rt, options);
  try {
    model.setWeights(weights);
  } catch (cause) {
    model.dispose();
    throw cause;
  }
  return new ImportedModel(model, signature(plan, file.producerName));
}

/**
 * An ONNX file → one of our .safetensors model files (weights under PyTorch names, loadModel reads it back), with
 * the graph's signature (layout, activation, state inputs) under `extra.onnx`; `options.dtype` as for saveModel.
 * What `wasm-rnn import` calls.
 */
export function onnxToModelFile(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  options?: SaveOptions,
): Uint8Array {
  // Checked before the graph is read, so a bad dtype is not reported after the whole import ran.
  const save = saveOptions(options);
  const imported = importOnnx(rt, bytes);
  try {
    return saveModel(imported.model, { onnx: imported.signature }, save);
  } finally {
    imported.dispose();
  }
}

function modelOptions(asm: Assembly): SequenceModelOptions {
  const first = asm.layers[0];
  const head = asm.head!;
  const input: SequenceModelOptions['input'] = asm.embedding
    ? { embedding: { vocabSize: asm.embedding.V, dim: asm.embedding.E } }
    : asm.onehot
      ? { tokens: asm.onehot.V }
      : asm.vector
        ? { vector: first.I, feed: asm.vector }
        : { features: first.I };
  return {
    input,
    recurrent: {
      cell: first.cell,
      hiddenSize: first.H,
      numLayers: asm.layers.length,
      bidirectional: first.D === 2,
      ...(first.resetAfter ? {} : { gru: { resetAfter: false } }),
    },
    pooling: head.pooling,
    head: { outputSize: head.O },
  };
}

/** Every parameter by PyTorch name; non-finite weights are a FormatError naming the tensor. */
function modelWeights(asm: Assembly): Record<string, Float32Array> {
  const record: Record<string, Float32Array> = {};
  if (asm.embedding) record['embedding.weight'] = asm.embedding.weight;
  for (const layer of asm.layers) {
    for (const [name, w] of Object.entries(layer.weights)) record[`rnn.${name}`] = w;
  }
  if (asm.attention) {
    record['attention.weight'] = asm.attention.weight;
    record['attention.bias'] = Float32Array.of(asm.attention.bias);
  }
  record['head.weight'] = asm.head!.weight;
  record['head.bias'] = asm.head!.bias;
  for (const [name, w] of Object.entries(record)) {
    const bad = w.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new FormatError(`ONNX file: ${name}[${bad}] is ${w[bad]}; a model's weights must be finite`);
  }
  return record;
}

function signature(plan: Interpreted, producer: string): ImportSignature {
  const { asm, dims } = plan;
  const seq = asm.inputs.find((i) => i.role === 'x' || i.role === 'ids' || i.role === 'vec')!;
  const timeFirst = seq.role === 'vec' || dims.same(seq.syms[0]!, asm.time!);
  const stepsInput = asm.inputs.find((i) => i.role === 'steps')?.name;
  const states: ImportSignature['states'] = {};
  for (const i of asm.inputs) if (i.role === 'h0' || i.role === 'c0') states[i.role] = i.name;
  const steps = dims.size(asm.time!);
  const batch = dims.size(asm.batch!);
  // Plain JSON (no undefined), so that it can ride in a model file's extras.
  return {
    format: 'onnx',
    input: {
      name: seq.name,
      ids: seq.role === 'ids',
      batchFirst: !timeFirst,
      ...(steps === undefined ? {} : { steps }),
      ...(batch === undefined ? {} : { batch }),
      ...(asm.vector ? { vector: asm.vector, stepsInput: stepsInput ?? '' } : {}),
    },
    states,
    ...(asm.layers[0].lengths ? { lengths: asm.inputs.find((i) => i.role === 'lens')!.name } : {}),
    output: { name: plan.output.name, batchFirst: plan.output.batchFirst },
    activation: asm.head!.activation ?? 'none',
    opset: plan.opset,
    producer,
  };
}
