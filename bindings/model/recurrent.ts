// The machinery shared by RNN, LSTM and GRU: stacked layers, two directions, BPTT. This class is the checked,
// copying API (tensors in, tensors out); the passes themselves run in RecurrentEngine (recurrent-engine.ts).

import { ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { flag, optionsObject } from '../validate.ts';
import { type Cell, type CellType, cellOf } from './cells.ts';
import { type Config, configure, type RecurrentOptions, specsOf } from './recurrent-config.ts';
import {
  checkArray,
  checkForward,
  checkInto,
  type ForwardInto,
  needInputs,
  noCell,
  type RecurrentGrads,
  type RecurrentInputGrads,
  type RecurrentOutput,
  type RecurrentState,
  readSeq,
  stagedPass,
  writeSeq,
} from './recurrent-io.ts';

export type { ForwardInto, RecurrentGrads, RecurrentInputGrads, RecurrentOutput, RecurrentState };

import { skipsInit } from './initializers.ts';
import { RecurrentEngine } from './recurrent-engine.ts';
import { getRecord, initialise, openSlab, setRecord, unitParams } from './recurrent-params.ts';
import { type ParamSlab, prefixed, type TensorSpec } from './slab.ts';
import { Stepper } from './stepper.ts';
import { Workspace } from './workspace.ts';

export class Recurrent {
  readonly rt: Runtime;
  readonly config: Config;
  readonly cell: Cell;
  readonly slab: ParamSlab;
  /** PyTorch names (without the prefix) and shapes, in PyTorch's order. */
  readonly parameters: readonly TensorSpec[];
  /**
   * @internal The pointer-level passes (parameter pointers per layer and direction, workspace blocks): the
   * channel through which this library's models, steppers and ParallelForward run the layer without copies.
   * Not part of the public API; it changes without notice.
   */
  readonly engine: RecurrentEngine;
  readonly #ownsSlab: boolean;
  /** The user's input and initial states, copied in. */
  readonly #io: Workspace;
  #disposed = false;

  protected constructor(rt: Runtime, options: RecurrentOptions, cell: CellType) {
    this.rt = rt;
    this.config = configure(options, cell);
    this.cell = cellOf(cell, this.config.resetAfter);
    this.slab = openSlab(rt, this.config, options.slab);
    this.#ownsSlab = this.slab !== options.slab;
    this.parameters = specsOf(this.config);
    this.engine = new RecurrentEngine(rt, this.config, unitParams(this.config, this.slab));
    this.#io = new Workspace(rt);
    if (!skipsInit(options)) initialise(this.config, this.slab);
  }

  protected static specsFor(options: RecurrentOptions, cell: CellType): TensorSpec[] {
    const c = configure(options, cell);
    return prefixed(specsOf(c), c.prefix);
  }

  /**
   * x [T, B, I] (batchFirst [B, T, I]) or token ids; `lengths` [B] (1 ≤ len ≤ T) makes a padded batch: each
   * row stops at its own last step (its hN, and its reverse direction's start), padding outputs 0 and adds no
   * gradient — PyTorch's pack_padded_sequence. `grad: false` says no backward() follows (PyTorch's
   * torch.no_grad()): the same results bit for bit, without the history a backward reads — every cell keeps two
   * state rows instead of T + 1 and stores no gate activation, which is faster and smaller. `into` gives arrays
   * of the results' shapes to write them into (returned as the results' data) instead of allocating new ones.
   */
  forward(
    x: Tensor<Float32Array> | Tensor<Int32Array>,
    state: RecurrentState = {},
    options: { lengths?: ArrayLike<number>; grad?: boolean; into?: ForwardInto } = {},
  ): RecurrentOutput {
    const c = this.config;
    this.#live('forward');
    optionsObject('forward options', options, false, ['lengths', 'grad', 'into']);
    const { input, h0, c0, lengths } = checkForward(c, this.cell.hasCell, x, state, options);
    const inference = !flag('forward: grad', options?.grad, true);
    const into = checkInto(
      options?.into,
      this.#shapes(input.T, input.B),
      this.cell.hasCell,
      this.rt.memory.buffer,
    );
    const { T, B, tokens } = input;
    const io = this.#io;
    const LDBH = c.L * c.D * B * c.H;
    const given = { h0, c0, lengths };
    needInputs(io, T, B, tokens ? 1 : c.I, LDBH, given);
    this.engine.reserve(T, B, false, tokens, inference);
    const view = tokens ? this.#i32(io.ptr('x'), T * B) : this.#f32(io.ptr('x'), T * B * c.I);
    writeSeq(view, input.data, T, B, tokens ? 1 : c.I, c.batchFirst);
    if (h0) this.#f32(io.ptr('init_h'), LDBH).set(h0);
    if (c0) this.#f32(io.ptr('init_c'), LDBH).set(c0);
    if (lengths) this.#i32(io.ptr('lengths'), B).set(lengths);
    this.engine.forward(stagedPass(io, T, B, tokens, given, inference));
    const DH = c.D * c.H;
    const outputs = readSeq(
      this.#f32(this.engine.outputs, T * B * DH),
      T,
      B,
      DH,
      c.batchFirst,
      into?.outputs,
    );
    const hN = this.#finalState(B, 'h', into?.hN);
    return this.cell.hasCell ? { outputs, hN, cN: this.#finalState(B, 'c', into?.cN) } : { outputs, hN };
  }

  backward(grads: RecurrentGrads = {}): RecurrentInputGrads {
    this.#live('backward');
    const { T, B, tokens } = this.engine.backwardPass;
    const c = this.config;
    const { outputs: outShape, state: stateShape } = this.#shapes(T, B);
    const dOut = checkArray('dOutputs', grads?.dOutputs, outShape);
    const dHn = checkArray('dHn', grads?.dHn, stateShape);
    const dCn = this.cell.hasCell ? checkArray('dCn', grads?.dCn, stateShape) : noCell('dCn', grads?.dCn);
    const inputGrad = flag('backward: inputGrad', grads?.inputGrad, true);
    const io = this.#io;
    if (dOut) io.need('dout', dOut.length);
    this.engine.reserve(T, B, true, tokens);
    const e = this.engine;
    const LDBH = c.L * c.D * B * c.H;
    if (dOut) writeSeq(this.#f32(io.ptr('dout'), dOut.length), dOut, T, B, c.D * c.H, c.batchFirst);
    this.#loadOrZero(e.dh, dHn, LDBH);
    if (this.cell.hasCell) this.#loadOrZero(e.dc, dCn, LDBH);
    e.backward(dOut ? io.ptr('dout') : 0, inputGrad);
    const dH0 = { data: this.#f32(e.dh, LDBH).slice(), shape: stateShape };
    const result: RecurrentInputGrads = { dH0 };
    if (!tokens && inputGrad)
      result.dX = readSeq(this.#f32(e.inputGrad, T * B * c.I), T, B, c.I, c.batchFirst);
    if (this.cell.hasCell) result.dC0 = { data: this.#f32(e.dc, LDBH).slice(), shape: stateShape };
    return result;
  }

  /** Sets every parameter by PyTorch name; validates the whole record before writing anything. */
  setWeights(record: Record<string, ArrayLike<number>>): void {
    this.#live('setWeights');
    setRecord(this.config, this.slab, record);
  }

  /** Copies of every parameter by PyTorch name. */
  getWeights(): Record<string, Float32Array> {
    return getRecord(this.config, this.slab, false);
  }

  /** Copies of every accumulated gradient by PyTorch name. */
  gradients(): Record<string, Float32Array> {
    return getRecord(this.config, this.slab, true);
  }

  /** Zeroes this layer's gradients (only its own tensors when the slab is shared). */
  zeroGrad(): void {
    if (this.#ownsSlab) {
      this.slab.zeroGrad();
      return;
    }
    for (const s of this.parameters) {
      const e = this.slab.entry(this.config.prefix + s.name);
      this.rt.kernels.fill_f32(this.slab.gradPtr(e.name), 0, e.length);
    }
  }

  /** A streaming stepper over this layer's weights (unidirectional layers); see stepper.ts. */
  stepper(options: { batchSize?: number } = {}): Stepper {
    this.#live('stepper');
    const { batchSize } = optionsObject('stepper options', options, false, ['batchSize']);
    return new Stepper(this, batchSize ?? 1);
  }

  /** Floats held by the (T, B) workspaces. */
  get workspaceLength(): number {
    return this.engine.length + this.#io.length;
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Returns the workspace (and the slab, if the layer made it) to the arena; the layer and its steppers are then
   * unusable. Idempotent, as dispose() is in tfjs: a second call does nothing.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.engine.free();
    this.#io.free();
    if (this.#ownsSlab) this.slab.free();
    this.#disposed = true;
  }

  #live(method: string): void {
    if (this.#disposed) throw new ValueError(`${method}: this layer was disposed`);
  }

  /** Shapes of a forward's outputs (the user's layout) and of its final states, over T steps of B rows. */
  #shapes(T: number, B: number): { outputs: number[]; state: number[] } {
    const { D, H, L, batchFirst } = this.config;
    return { outputs: batchFirst ? [B, T, D * H] : [T, B, D * H], state: [L * D, B, H] };
  }

  #finalState(B: number, which: 'h' | 'c', into?: Float32Array): Tensor {
    const { H, L, D } = this.config;
    const out = into ?? new Float32Array(L * D * B * H);
    for (const u of this.engine.units)
      out.set(this.#f32(this.engine.finalState(u.index, which), B * H), u.index * B * H);
    return { data: out, shape: [L * D, B, H] };
  }

  #loadOrZero(ptr: number, values: Float32Array | undefined, n: number): void {
    if (values) this.#f32(ptr, n).set(values);
    else this.rt.kernels.fill_f32(ptr, 0, n);
  }

  #f32(ptr: number, n: number): Float32Array {
    return this.rt.arena.f32At(ptr, n);
  }

  #i32(ptr: number, n: number): Int32Array {
    return this.rt.arena.i32At(ptr, n);
  }
}
