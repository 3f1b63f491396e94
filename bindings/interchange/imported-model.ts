// An imported model (ONNX or TF.js/Keras): the SequenceModel that holds its weights, plus what the source model
// does around it — its input and output layout (batch-first or time-major), the activation after the head,
// initial-state and lengths inputs. predict() takes and returns tensors shaped as the source model's, so results
// compare one to one with onnxruntime's, PyTorch's or TF.js's.

import { describe, ShapeError, ValueError } from '../errors.ts';
import type { ModelInputs } from '../model/sequence-input.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import type { Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';
import type { Activation } from './onnx-assembly.ts';

export interface ImportSignature {
  /** Where the model came from. */
  format: 'onnx' | 'tfjs';
  input: {
    name: string;
    /** Int32Array token ids [T, B] rather than floats [T, B, F]. */
    ids: boolean;
    /** The graph takes [B, T, …]. */
    batchFirst: boolean;
    /** One vector per sequence [B, F] ('every' step or the 'first'); predict takes { steps }. */
    vector?: 'every' | 'first';
    /** The graph input holding the number of steps, for a vector input. */
    stepsInput?: string;
    /** Sizes the graph fixes (a static export), else undefined. */
    steps?: number;
    batch?: number;
  };
  /** Graph inputs holding every layer's initial state [L·D, B, H]; absent when the graph starts from zeros. */
  states: { h0?: string; c0?: string };
  /** The graph input of sequence lengths [B] (ONNX sequence_lens), if it has one. */
  lengths?: string;
  output: { name: string; batchFirst: boolean };
  activation: Activation | 'none';
  /** ONNX: the default operator set's version. */
  opset?: number;
  /** ONNX producer_name, or TF.js's generatedBy / Keras version. */
  producer: string;
}

/** The graph's other inputs: initial states (absent = zeros) and sequence lengths (absent = every row T steps). */
export interface ImportInputs {
  h0?: Float32Array;
  c0?: Float32Array;
  lengths?: ArrayLike<number>;
  /** Steps to run a one-vector input for (the graph's steps input). */
  steps?: number;
}

export class ImportedModel {
  /** The model itself: train it, save it with saveModel (the signature can go in its extras), stream it. */
  readonly model: SequenceModel;
  readonly signature: ImportSignature;

  constructor(model: SequenceModel, signature: ImportSignature) {
    this.model = model;
    this.signature = signature;
  }

  /**
   * What the source model computes: `inputs` shaped as its input (batch-first or time-major; [B, F] for one
   * vector per sequence), `state` its other inputs (initial states, absent = zeros; lengths, absent = full rows;
   * steps, for a one-vector input); the result shaped as its output.
   */
  predict(inputs: ModelInputs, state: ImportInputs = {}): Tensor {
    const s = this.signature;
    if (state === null || typeof state !== 'object') {
      throw new ValueError(`state must be { h0?, c0?, lengths? } but got ${describe(state)}`);
    }
    const missing = (['h0', 'c0'] as const).find((k) => state[k] !== undefined && !s.states[k]);
    if (missing) {
      throw new ValueError(
        `state: this graph has no initial ${missing === 'h0' ? 'hidden' : 'cell'} state input`,
      );
    }
    if (state.lengths !== undefined && !s.lengths)
      throw new ValueError('state: this graph has no sequence_lens input');
    if (state.steps !== undefined && !s.input.vector)
      throw new ValueError('state: this graph has no steps input');
    const x = s.input.vector ? this.#expand(inputs, state.steps) : this.#timeMajor(inputs);
    const [T, B] = x.shape;
    if (
      (s.input.steps !== undefined && T !== s.input.steps) ||
      (s.input.batch !== undefined && B !== s.input.batch)
    ) {
      throw new ShapeError(
        `${s.input.name}: the graph fixes ${s.input.batchFirst ? 'B, T' : 'T, B'} = ${s.input.batchFirst ? `${s.input.batch}, ${s.input.steps}` : `${s.input.steps}, ${s.input.batch}`} but got T = ${T}, B = ${B}`,
      );
    }
    const lengths = state.lengths;
    const y =
      state.h0 || state.c0 ? this.#withState(x, state) : this.model.predict(x, lengths ? { lengths } : {});
    applyActivation(y.data, this.model.outputSize, s.activation);
    if (!s.output.batchFirst || y.shape.length !== 3) return y;
    return { data: swap01(y.data, T, B, this.model.outputSize), shape: [B, T, this.model.outputSize] };
  }

  /** Frees the model's memory. */
  dispose(): void {
    this.model.dispose();
  }

  /** One vector per sequence [B, F] → the time-major sequence the model reads. */
  #expand(inputs: ModelInputs, steps: number | undefined): ModelInputs {
    positiveInt("state.steps (the graph's steps input)", steps);
    if (!(inputs?.data instanceof Float32Array) || inputs.shape?.length !== 2) {
      throw new ShapeError(
        `${this.signature.input.name} must be one vector per sequence, Float32Array [B, F]`,
      );
    }
    const x = this.model.expand(inputs as Tensor, steps as number);
    return { data: x.data.slice(), shape: x.shape };
  }

  #timeMajor(inputs: ModelInputs): ModelInputs {
    const s = this.signature.input;
    const rank = s.ids ? 2 : 3;
    const shape = inputs?.shape;
    const data = inputs?.data;
    const type = s.ids ? Int32Array : Float32Array;
    if (!Array.isArray(shape) || shape.length !== rank || !(data instanceof type)) {
      throw new ShapeError(
        `${s.name} must be ${s.ids ? 'Int32Array token ids' : 'a Float32Array'} of shape [${s.batchFirst ? 'B, T' : 'T, B'}${s.ids ? '' : ', F'}] but got ${describe(data ?? inputs)}`,
      );
    }
    if (!s.batchFirst) return inputs;
    const [B, T] = shape;
    const W = s.ids ? 1 : shape[2];
    if (!Number.isInteger(B) || !Number.isInteger(T) || !Number.isInteger(W) || data.length !== B * T * W) {
      throw new ShapeError(
        `${s.name} has shape [${shape.join(', ')}] but its data holds ${data.length} values`,
      );
    }
    const out = swap01(data, B, T, W);
    return { data: out, shape: s.ids ? [T, B] : [T, B, W] };
  }

  /** The same computation through the layers' tensor APIs, which take initial states. */
  #withState(x: ModelInputs, state: ImportInputs): Tensor {
    const m = this.model;
    m.check(x);
    const c = m.config;
    const input = m.embedding ? m.embedding.forward(x as Tensor<Int32Array>) : x;
    const r = m.rnn.forward(
      input as Tensor,
      { h0: state.h0, c0: state.c0 },
      { lengths: state.lengths, grad: false },
    );
    if (c.pooling === 'none') return m.head.forward(r.outputs);
    if (c.pooling === 'attention') return m.head.forward(m.attention!.forward(r.outputs));
    const [, B] = x.shape;
    const D = c.recurrent.bidirectional ? 2 : 1;
    const H = c.recurrent.hiddenSize;
    const top = (c.recurrent.numLayers - 1) * D;
    const pooled = new Float32Array(B * D * H);
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) {
        const from = ((top + d) * B + b) * H;
        pooled.set(r.hN.data.subarray(from, from + H), (b * D + d) * H);
      }
    }
    return m.head.forward({ data: pooled, shape: [B, D * H] });
  }
}

/** [A, B, W] → [B, A, W]. */
function swap01<A extends Float32Array | Int32Array>(x: A, n0: number, n1: number, W: number): A {
  const out = new (x.constructor as { new (n: number): A })(x.length);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++)
      out.set(x.subarray((i * n1 + j) * W, (i * n1 + j + 1) * W), (j * n0 + i) * W);
  }
  return out;
}

/** The graph's activation over each row of O outputs, in place (float64 internally, as onnxruntime's is close). */
export function applyActivation(y: Float32Array, O: number, f: Activation | 'none'): void {
  if (f === 'none') return;
  if (f === 'sigmoid') for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i]));
  else if (f === 'tanh') for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
  else if (f === 'relu') for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
  else {
    for (let r = 0; r < y.length; r += O) {
      let max = Number.NEGATIVE_INFINITY;
      for (let i = r; i < r + O; i++) max = Math.max(max, y[i]);
      let sum = 0;
      for (let i = r; i < r + O; i++) sum += Math.exp(y[i] - max);
      const logSum = Math.log(sum);
      for (let i = r; i < r + O; i++)
        y[i] = f === 'softmax' ? Math.exp(y[i] - max) / sum : y[i] - max - logSum;
    }
  }
}
