// The machinery shared by RNN, LSTM and GRU: stacked layers, two directions, BPTT.
// Per layer and direction, forward is one input-projection GEMM (or a column gather for token ids) over all
// T·B rows, a bias add, and one sequence kernel that runs the time loop in the backend. Backward is one
// sequence kernel (the reverse loop carries only dh, dc), then dW_hh, db_hh, dW_ih, db_ih and dX are each one
// GEMM or reduction over all T·B rows, accumulated (+=) into the slab's gradients.

import { describe, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { CELLS, type Cell, type CellType, type UnitBuffers } from './cells.ts';
import { type Config, configure, type RecurrentOptions, specsOf } from './recurrent-config.ts';
import {
  checkArray,
  checkInput,
  noCell,
  type RecurrentGrads,
  type RecurrentInputGrads,
  type RecurrentOutput,
  type RecurrentState,
  readSeq,
  writeSeq,
} from './recurrent-io.ts';

export type { RecurrentGrads, RecurrentInputGrads, RecurrentOutput, RecurrentState };

import {
  getRecord,
  initialise,
  openSlab,
  setRecord,
  type UnitParams,
  unitParams,
} from './recurrent-params.ts';
import type { ParamSlab, TensorSpec } from './slab.ts';
import { Stepper } from './stepper.ts';
import { Workspace } from './workspace.ts';

interface Pass {
  T: number;
  B: number;
  tokens: boolean;
}

export class Recurrent {
  readonly rt: Runtime;
  readonly config: Config;
  readonly cell: Cell;
  readonly slab: ParamSlab;
  /** PyTorch names (without the prefix) and shapes, in PyTorch's order. */
  readonly parameters: readonly TensorSpec[];
  /** Parameter pointers per layer and direction (index k·D + d); for the stepper and models. */
  readonly units: readonly UnitParams[];
  readonly #ownsSlab: boolean;
  readonly #ws: Workspace;
  #last: Pass | undefined;
  #disposed = false;

  protected constructor(rt: Runtime, options: RecurrentOptions, cell: CellType) {
    this.rt = rt;
    this.config = configure(options, cell);
    this.cell = CELLS[cell];
    this.slab = openSlab(rt, this.config, options.slab);
    this.#ownsSlab = this.slab !== options.slab;
    this.parameters = specsOf(this.config);
    this.units = unitParams(this.config, this.slab);
    this.#ws = new Workspace(rt);
    initialise(this.config, this.slab);
  }

  protected static specsFor(options: RecurrentOptions, cell: CellType): TensorSpec[] {
    const c = configure(options, cell);
    return specsOf(c).map((s) => ({ name: c.prefix + s.name, shape: s.shape }));
  }

  forward(x: Tensor<Float32Array> | Tensor<Int32Array>, state: RecurrentState = {}): RecurrentOutput {
    const c = this.config;
    this.#live('forward');
    const input = checkInput(c, x);
    const { T, B, tokens } = input;
    const shape = [c.L * c.D, B, c.H];
    const h0 = checkArray('h0', state?.h0, shape);
    const c0 = this.cell.hasCell ? checkArray('c0', state?.c0, shape) : noCell('c0', state?.c0);
    this.#reserveForward(T, B, tokens);
    const ws = this.#ws;
    const view = tokens ? this.#i32(ws.ptr('x'), T * B) : this.#f32(ws.ptr('x'), T * B * c.I);
    writeSeq(view, input.data, T, B, tokens ? 1 : c.I, c.batchFirst);
    if (h0) this.#f32(ws.ptr('init_h'), h0.length).set(h0);
    if (c0) this.#f32(ws.ptr('init_c'), c0.length).set(c0);
    for (const u of this.units) this.#forwardUnit(u, T, B, tokens, h0 !== undefined, c0 !== undefined);
    this.#last = { T, B, tokens };
    const DH = c.D * c.H;
    const outputs = readSeq(this.#f32(ws.ptr(`out${c.L - 1}`), T * B * DH), T, B, DH, c.batchFirst);
    const hN = this.#finalState(T, B, 'h');
    return this.cell.hasCell ? { outputs, hN, cN: this.#finalState(T, B, 'c') } : { outputs, hN };
  }

  backward(grads: RecurrentGrads = {}): RecurrentInputGrads {
    this.#live('backward');
    const last = this.#last;
    if (last === undefined) throw new ValueError('backward: call forward first');
    const { T, B, tokens } = last;
    const c = this.config;
    const outShape = c.batchFirst ? [B, T, c.D * c.H] : [T, B, c.D * c.H];
    const stateShape = [c.L * c.D, B, c.H];
    const dOut = checkArray('dOutputs', grads?.dOutputs, outShape);
    const dHn = checkArray('dHn', grads?.dHn, stateShape);
    const dCn = this.cell.hasCell ? checkArray('dCn', grads?.dCn, stateShape) : noCell('dCn', grads?.dCn);
    this.#reserveBackward(T, B);
    const ws = this.#ws;
    const LDBH = c.L * c.D * B * c.H;
    if (dOut) writeSeq(this.#f32(ws.ptr('dout'), dOut.length), dOut, T, B, c.D * c.H, c.batchFirst);
    this.#loadOrZero(ws.ptr('dh'), dHn, LDBH);
    if (this.cell.hasCell) this.#loadOrZero(ws.ptr('dc'), dCn, LDBH);
    let dout = dOut ? ws.ptr('dout') : 0;
    for (let k = c.L - 1; k >= 0; k--) {
      const dIn = k === 0 && tokens ? 0 : ws.ptr(`dx${k & 1}`);
      for (let d = 0; d < c.D; d++) this.#backwardUnit(this.units[k * c.D + d], T, B, tokens, dout, dIn);
      dout = dIn;
    }
    const dH0 = { data: this.#f32(ws.ptr('dh'), LDBH).slice(), shape: stateShape };
    const result: RecurrentInputGrads = { dH0 };
    if (!tokens) result.dX = readSeq(this.#f32(ws.ptr('dx0'), T * B * c.I), T, B, c.I, c.batchFirst);
    if (this.cell.hasCell) result.dC0 = { data: this.#f32(ws.ptr('dc'), LDBH).slice(), shape: stateShape };
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
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`stepper: options must be { batchSize } but got ${describe(options)}`);
    }
    return new Stepper(this, options.batchSize ?? 1);
  }

  /** Floats held by the (T, B) workspace. */
  get workspaceLength(): number {
    return this.#ws.length;
  }

  /** Returns the workspace (and the slab, if the layer made it) to the arena; the layer and its steppers are then unusable. */
  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Idempotent, as dispose() is in tfjs: a second call does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#ws.free();
    if (this.#ownsSlab) this.slab.free();
    this.#last = undefined;
    this.#disposed = true;
  }

  /** Workspace pointers of one direction of one layer. */
  buffers(index: number): UnitBuffers {
    const ws = this.#ws;
    return {
      gates: ws.ptr(`g${index}`),
      hs: ws.ptr(`h${index}`),
      cs: ws.ptr(`c${index}`),
      hn: ws.ptr(`n${index}`),
    };
  }

  #live(method: string): void {
    if (this.#disposed) throw new ValueError(`${method}: this layer was disposed`);
  }

  #reserveForward(T: number, B: number, tokens: boolean): void {
    const { I, H, L, D, G } = this.config;
    const ws = this.#ws;
    const N = T * B;
    ws.need('x', N * (tokens ? 1 : I));
    ws.need('init_h', L * D * B * H);
    if (this.cell.hasCell) ws.need('init_c', L * D * B * H);
    ws.need('hproj', B * G * H);
    for (let k = 0; k < L; k++) ws.need(`out${k}`, N * D * H);
    for (const u of this.units) {
      ws.need(`g${u.index}`, N * G * H);
      ws.need(`h${u.index}`, (N + B) * H);
      if (this.cell.hasCell) ws.need(`c${u.index}`, (N + B) * H);
      if (this.cell.splitGrad) ws.need(`n${u.index}`, N * H);
    }
  }

  #reserveBackward(T: number, B: number): void {
    const { I, H, L, D, G } = this.config;
    const ws = this.#ws;
    const N = T * B;
    ws.need('dxg', N * G * H);
    if (this.cell.splitGrad) ws.need('dhg', N * G * H);
    ws.need('dout', N * D * H);
    ws.need('dh', L * D * B * H);
    if (this.cell.hasCell) ws.need('dc', L * D * B * H);
    ws.need('dx0', N * Math.max(I, D * H));
    if (L > 1) ws.need('dx1', N * D * H);
  }

  #forwardUnit(u: UnitParams, T: number, B: number, tokens: boolean, h0: boolean, c0: boolean): void {
    const { kernels } = this.rt;
    const { H, D, G, I } = this.config;
    const ws = this.#ws;
    const N = T * B;
    const buf = this.buffers(u.index);
    if (u.k === 0 && tokens) kernels.gather_cols_f32(buf.gates, u.wih, ws.ptr('x'), N, G * H, I);
    else {
      const x = u.k === 0 ? ws.ptr('x') : ws.ptr(`out${u.k - 1}`);
      kernels.gemm_nt_f32(buf.gates, x, u.wih, N, G * H, u.inSize, u.inSize, u.inSize, G * H, 0);
    }
    kernels.bias_add_f32(buf.gates, u.bih, N, G * H, G * H);
    const offset = u.index * B * H * 4;
    this.cell.forward(kernels, {
      T,
      B,
      H,
      reverse: u.d,
      whh: u.whh,
      bhh: u.bhh,
      out: ws.ptr(`out${u.k}`) + u.d * H * 4,
      ldo: D * H,
      u: buf,
      hproj: ws.ptr('hproj'),
      h0: h0 ? ws.ptr('init_h') + offset : 0,
      c0: c0 ? ws.ptr('init_c') + offset : 0,
    });
  }

  #backwardUnit(u: UnitParams, T: number, B: number, tokens: boolean, dout: number, dIn: number): void {
    const { kernels } = this.rt;
    const { H, D, G, I } = this.config;
    const ws = this.#ws;
    const N = T * B;
    const GH = G * H;
    const buf = this.buffers(u.index);
    const dxg = ws.ptr('dxg');
    const dhg = this.cell.splitGrad ? ws.ptr('dhg') : dxg;
    const offset = u.index * B * H * 4;
    this.cell.backward(kernels, {
      T,
      B,
      H,
      reverse: u.d,
      whh: u.whh,
      bhh: u.bhh,
      out: dout ? dout + u.d * H * 4 : 0,
      ldo: D * H,
      u: buf,
      dxg,
      dhg,
      dh: ws.ptr('dh') + offset,
      dc: this.cell.hasCell ? ws.ptr('dc') + offset : 0,
    });
    // H_prev [T·B, H], aligned with time: the history without its last row (forward) or first row (reverse).
    const hPrev = buf.hs + (u.d === 1 ? B * H * 4 : 0);
    kernels.gemm_tn_f32(u.gwhh, dhg, hPrev, GH, H, N, GH, H, H, 1);
    kernels.colsum_f32(u.gbhh, dhg, N, GH, GH, 1);
    if (u.k === 0 && tokens) kernels.scatter_add_cols_f32(u.gwih, dxg, ws.ptr('x'), N, GH, I);
    else {
      const x = u.k === 0 ? ws.ptr('x') : ws.ptr(`out${u.k - 1}`);
      kernels.gemm_tn_f32(u.gwih, dxg, x, GH, u.inSize, N, GH, u.inSize, u.inSize, 1);
    }
    kernels.colsum_f32(u.gbih, dxg, N, GH, GH, 1);
    if (dIn) kernels.gemm_nn_f32(dIn, dxg, u.wih, N, u.inSize, GH, GH, u.inSize, u.inSize, u.d > 0 ? 1 : 0);
  }

  #finalState(T: number, B: number, which: 'h' | 'c'): Tensor {
    const { H, L, D } = this.config;
    const out = new Float32Array(L * D * B * H);
    for (const u of this.units) {
      const row = u.d === 1 ? 0 : T;
      const hist = which === 'h' ? this.buffers(u.index).hs : this.buffers(u.index).cs;
      out.set(this.#f32(hist + row * B * H * 4, B * H), u.index * B * H);
    }
    return { data: out, shape: [L * D, B, H] };
  }

  #loadOrZero(ptr: number, values: Float32Array | undefined, n: number): void {
    if (values) this.#f32(ptr, n).set(values);
    else this.rt.kernels.fill_f32(ptr, 0, n);
  }

  #f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.rt.memory.buffer, ptr, n);
  }

  #i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.rt.memory.buffer, ptr, n);
  }
}
