// Checking what comes into a recurrent layer, and moving sequences between user layout and the time-major
// workspace ([T, B, W] rows; batchFirst users give [B, T, W]). Every check runs before any kernel.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { checkTensor, requireFinite, type Tensor } from '../tensor.ts';
import { optionsObject } from '../validate.ts';
import type { Config } from './recurrent-config.ts';
import type { SequencePass } from './recurrent-engine.ts';
import { checkLengths } from './sequence-input.ts';
import type { Workspace } from './workspace.ts';

export interface RecurrentState {
  /** [L·D, B, H] initial hidden state; absent = zeros. */
  h0?: Float32Array;
  /** [L·D, B, H] initial cell state (LSTM); absent = zeros. */
  c0?: Float32Array;
}

export interface RecurrentOutput {
  /** [T, B, D·H] (batchFirst: [B, T, D·H]); a copy, safe to keep. */
  outputs: Tensor;
  /** [L·D, B, H] final hidden state of every layer and direction. */
  hN: Tensor;
  /** [L·D, B, H] final cell state (LSTM only). */
  cN?: Tensor;
}

/** Gradients of the loss with respect to forward's results; each a Float32Array or a Tensor of the same shape. */
export interface RecurrentGrads {
  dOutputs?: Float32Array | Tensor;
  dHn?: Float32Array | Tensor;
  dCn?: Float32Array | Tensor;
  /** Compute dX, the gradient of a float input (default true); false skips its GEMM when nothing reads it. */
  inputGrad?: boolean;
}

export interface RecurrentInputGrads {
  /** Absent for token-id input and with inputGrad: false. */
  dX?: Tensor;
  dH0: Tensor;
  dC0?: Tensor;
}

export interface SequenceInput {
  T: number;
  B: number;
  /** Int32Array token ids (one-hot inputs of size inputSize) rather than floats. */
  tokens: boolean;
  data: Float32Array | Int32Array;
}

export function checkInput(c: Config, x: unknown): SequenceInput {
  const data = (x as Tensor<Float32Array | Int32Array> | undefined)?.data;
  const tb = c.batchFirst ? 'B, T' : 'T, B';
  if (data instanceof Int32Array) {
    const t = checkTensor(`x (token ids [${tb}])`, x, Int32Array, [null, null]);
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0 || data[i] >= c.I) {
        throw new ValueError(`x[${i}] must be a token id in [0, ${c.I}) (inputSize) but is ${data[i]}`);
      }
    }
    return seq(c, t.shape, true, data);
  }
  if (!(data instanceof Float32Array)) {
    throw new ShapeError(
      `x must be { data: Float32Array, shape: [${tb}, ${c.I}] } or Int32Array token ids [${tb}] but got ${describe(data ?? x)}`,
    );
  }
  const t = checkTensor(`x [${tb}, inputSize]`, x, Float32Array, [null, null, c.I]);
  return seq(c, t.shape, false, data);
}

const seq = (c: Config, shape: readonly number[], tokens: boolean, data: Float32Array | Int32Array) =>
  c.batchFirst ? { T: shape[1], B: shape[0], tokens, data } : { T: shape[0], B: shape[1], tokens, data };

/** A Float32Array (or the data of a Tensor) of exactly `shape`; undefined passes through. */
export function checkArray(name: string, value: unknown, shape: readonly number[]): Float32Array | undefined {
  if (value === undefined) return undefined;
  const data = value instanceof Float32Array ? value : (value as Tensor | null)?.data;
  const n = shape.reduce((a, b) => a * b, 1);
  if (!(data instanceof Float32Array) || data.length !== n) {
    throw new ShapeError(
      `${name} must be a Float32Array of [${shape.join(', ')}] (${n} values) but got ${describe(data ?? value)}`,
    );
  }
  requireFinite(name, data);
  return data;
}

/** Copies a user sequence [T, B, W] (or [B, T, W]) into the time-major view `dst`. */
export function writeSeq(
  dst: Float32Array | Int32Array,
  src: ArrayLike<number>,
  T: number,
  B: number,
  W: number,
  batchFirst: boolean,
): void {
  if (!batchFirst) {
    (dst as Float32Array).set(src as Float32Array);
    return;
  }
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const from = (b * T + t) * W;
      const to = (t * B + b) * W;
      for (let w = 0; w < W; w++) dst[to + w] = src[from + w];
    }
  }
}

/** A copy of the time-major view `src` in user layout, in `into` (of the right length) when given. */
export function readSeq(
  src: Float32Array,
  T: number,
  B: number,
  W: number,
  batchFirst: boolean,
  into?: Float32Array,
): Tensor {
  if (!batchFirst) {
    if (!into) return { data: src.slice(0, T * B * W), shape: [T, B, W] };
    into.set(src.subarray(0, T * B * W));
    return { data: into, shape: [T, B, W] };
  }
  const out = into ?? new Float32Array(T * B * W);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const from = (t * B + b) * W;
      const to = (b * T + t) * W;
      for (let w = 0; w < W; w++) out[to + w] = src[from + w];
    }
  }
  return { data: out, shape: [B, T, W] };
}

/** Caller-owned arrays a forward writes its results into, instead of new ones (no allocation per call). */
export interface ForwardInto {
  /** [T, B, D·H] (batchFirst: [B, T, D·H]). */
  outputs?: Float32Array;
  /** [L·D, B, H]. */
  hN?: Float32Array;
  /** [L·D, B, H] (LSTM only). */
  cN?: Float32Array;
}

/** Checks forward's `into` against the shapes of this call's results; undefined passes through. */
export function checkInto(
  value: unknown,
  shapes: { outputs: readonly number[]; state: readonly number[] },
  hasCell: boolean,
  memory: ArrayBufferLike,
): ForwardInto | undefined {
  const into = optionsObject<ForwardInto>('forward: into', value as ForwardInto | undefined, false, [
    'outputs',
    'hN',
    'cN',
  ]);
  if (value === undefined) return undefined;
  if (!hasCell) noCell('into.cN', into.cN);
  for (const key of ['outputs', 'hN', 'cN'] as const) {
    const a: unknown = into[key];
    if (a === undefined) continue;
    const shape = key === 'outputs' ? shapes.outputs : shapes.state;
    const n = shape.reduce((x, y) => x * y, 1);
    if (!(a instanceof Float32Array) || a.length !== n) {
      throw new ShapeError(
        `into.${key} must be a Float32Array of [${shape.join(', ')}] (${n} values) but got ${describe(a)}`,
      );
    }
    // A view of the runtime's own memory could be the very block the results are read from, or move on a grow.
    if (a.buffer === memory) throw new ValueError(`into.${key} must not be a view of the runtime's memory`);
  }
  return into;
}

/** Refuses a cell-state argument on a layer without one. */
export function noCell(name: string, value: unknown): undefined {
  if (value !== undefined) throw new ValueError(`${name} is only for LSTM layers, which have a cell state`);
  return undefined;
}

/** The checked arguments of a recurrent forward: x's layout and data, initial states and lengths. */
export function checkForward(
  c: Config,
  hasCell: boolean,
  x: unknown,
  state: RecurrentState | undefined,
  options: { lengths?: ArrayLike<number> } | undefined,
) {
  const input = checkInput(c, x);
  const shape = [c.L * c.D, input.B, c.H];
  const h0 = checkArray('h0', state?.h0, shape);
  const c0 = hasCell ? checkArray('c0', state?.c0, shape) : noCell('c0', state?.c0);
  return { input, h0, c0, lengths: checkLengths(options?.lengths, input.T, input.B) };
}

/** Which of a forward's optional inputs were given. */
interface Given {
  h0?: unknown;
  c0?: unknown;
  lengths?: unknown;
}

/**
 * Sizes the blocks of `io` that a forward over B rows stages its inputs in: x ([T·B, width]), and init_h and
 * init_c (stateLength floats each) and lengths (B) when given.
 */
export function needInputs(
  io: Workspace,
  T: number,
  B: number,
  width: number,
  stateLength: number,
  given: Given,
): void {
  io.need('x', T * B * width);
  if (given.lengths) io.need('lengths', B);
  if (given.h0) io.need('init_h', stateLength);
  if (given.c0) io.need('init_c', stateLength);
}

/** The (evaluation) pass over inputs staged in the blocks of needInputs; `inference` as in SequencePass. */
export function stagedPass(
  io: Workspace,
  T: number,
  B: number,
  tokens: boolean,
  given: Given,
  inference = false,
): SequencePass {
  return {
    inference,
    T,
    B,
    tokens,
    x: io.ptr('x'),
    h0: given.h0 ? io.ptr('init_h') : 0,
    c0: given.c0 ? io.ptr('init_c') : 0,
    lengths: given.lengths ? io.ptr('lengths') : 0,
    dropout: 0,
  };
}
