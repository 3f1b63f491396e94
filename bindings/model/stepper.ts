// Streaming inference, one time step per call (a char-RNN sampling loop, a live sensor feed): the state h
// (and c) of every layer stays in linear memory between calls, and each step reuses the sequence kernels with
// T = 1, so a stepper over T steps gives bit for bit the outputs of forward() over the whole sequence.
// Everything is allocated in the constructor: a step allocates nothing, in JS or in linear memory.

import { describe, MemoryLimitError, ShapeError, ValueError } from '../errors.ts';
import { MAX_PAGES, PAGE_BYTES } from '../runtime/memory.ts';
import { requireFinite } from '../tensor.ts';
import { positiveInt } from '../validate.ts';
import type { ForwardStep } from './cells.ts';
import type { RecurrentEngine } from './recurrent-engine.ts';
import { Workspace } from './workspace.ts';

export interface StepperState {
  /** [L, B, H] */
  h: Float32Array;
  /** [L, B, H] (LSTM) */
  c?: Float32Array;
}

/** What a stepper runs over: its layer's engine (shape, cell, parameter pointers), and whether that layer lives. */
export interface SteppedLayer {
  readonly engine: RecurrentEngine;
  readonly disposed: boolean;
}

export class Stepper {
  readonly batchSize: number;
  readonly #layer: SteppedLayer;
  readonly #engine: RecurrentEngine;
  readonly #ws: Workspace;
  readonly #steps: ForwardStep[] = [];
  readonly #result: Float32Array;
  #buffer: ArrayBuffer | undefined;
  #x: Float32Array = new Float32Array(0);
  #ids: Int32Array = new Int32Array(0);
  #top: Float32Array = new Float32Array(0);
  #disposed = false;

  constructor(layer: SteppedLayer, batchSize: number) {
    const engine = layer.engine;
    const { I, H, L, D, G } = engine.config;
    if (D !== 1)
      throw new ValueError('stepper: a bidirectional layer needs the whole sequence; use forward()');
    const B = positiveInt('stepper: batchSize', batchSize);
    // At most I + G·H + L·(G·H + 6·H) floats per batch row (input, gates, two-row histories of h and c).
    const floats = B * (I + G * H + L * (G * H + 6 * H));
    if (floats * 4 > MAX_PAGES * PAGE_BYTES) {
      throw new MemoryLimitError(
        `stepper: batchSize ${B} needs ${floats * 4} bytes but linear memory holds 4 GiB`,
      );
    }
    this.#layer = layer;
    this.#engine = engine;
    this.batchSize = B;
    const cell = engine.cell;
    const ws = new Workspace(engine.rt);
    this.#ws = ws;
    try {
      ws.need('x', B * I);
      ws.need('h', L * B * H);
      if (cell.hasCell) ws.need('c', L * B * H);
      ws.need('hproj', B * G * H);
      for (let k = 0; k < L; k++) {
        ws.need(`g${k}`, B * G * H);
        ws.need(`h${k}`, 2 * B * H);
        if (cell.hasCell) ws.need(`c${k}`, 2 * B * H);
        if (cell.splitGrad) ws.need(`n${k}`, B * H);
      }
    } catch (error) {
      // A batchSize too large for linear memory: return what was taken, name the argument.
      ws.free();
      throw error instanceof MemoryLimitError
        ? new MemoryLimitError(`stepper: batchSize ${B} does not fit in linear memory (${error.message})`)
        : error;
    }
    for (let k = 0; k < L; k++) {
      const state = k * B * H * 4;
      const hk = ws.ptr('h') + state;
      this.#steps.push({
        T: 1,
        B,
        H,
        reverse: 0,
        whh: engine.units[k].whh,
        bhh: engine.units[k].bhh,
        // The new h overwrites the state in place: the kernel reads h_{t−1} from its own history row.
        out: hk,
        ldo: H,
        u: { gates: ws.ptr(`g${k}`), hs: ws.ptr(`h${k}`), cs: ws.ptr(`c${k}`), hn: ws.ptr(`n${k}`) },
        hproj: ws.ptr('hproj'),
        h0: hk,
        c0: cell.hasCell ? ws.ptr('c') + state : 0,
        lengths: 0,
      });
    }
    this.#result = new Float32Array(B * H);
  }

  /**
   * Advances one step. x_t is [B, inputSize] floats, or [B] Int32Array token ids (one-hot inputs).
   * Returns the top layer's h_t [B, H] in a Float32Array owned by the stepper and overwritten by the next step.
   */
  step(x: Float32Array | Int32Array): Float32Array {
    this.#live('step');
    const { I, H, L, G } = this.#engine.config;
    const B = this.batchSize;
    const tokens = x instanceof Int32Array;
    this.#check(x, tokens);
    this.#views();
    if (tokens) this.#ids.set(x);
    else this.#x.set(x);
    const { kernels } = this.#engine.rt;
    for (let k = 0; k < L; k++) {
      const u = this.#engine.units[k];
      const s = this.#steps[k];
      if (k === 0 && tokens) kernels.gather_cols_f32(s.u.gates, u.wih, this.#ws.ptr('x'), B, G * H, I);
      else {
        const input = k === 0 ? this.#ws.ptr('x') : this.#steps[k - 1].out;
        kernels.gemm_nt_f32(s.u.gates, input, u.wih, B, G * H, u.inSize, u.inSize, u.inSize, G * H, 0);
      }
      kernels.bias_add_f32(s.u.gates, u.bih, B, G * H, G * H);
      this.#engine.cell.forward(kernels, s);
      // The cell state after the step is history row 1; carry it into the state.
      if (this.#engine.cell.hasCell) kernels.copy_f32(s.c0, s.u.cs + B * H * 4, B * H);
    }
    this.#result.set(this.#top);
    return this.#result;
  }

  /** Zeroes h (and c). */
  reset(): void {
    this.#live('reset');
    const { H, L } = this.#engine.config;
    const n = L * this.batchSize * H;
    this.#engine.rt.kernels.fill_f32(this.#ws.ptr('h'), 0, n);
    if (this.#engine.cell.hasCell) this.#engine.rt.kernels.fill_f32(this.#ws.ptr('c'), 0, n);
  }

  /** Copies of the state, [L, B, H] each. */
  getState(): StepperState {
    this.#live('getState');
    const { H, L } = this.#engine.config;
    const n = L * this.batchSize * H;
    const h = this.#f32(this.#ws.ptr('h'), n).slice();
    return this.#engine.cell.hasCell ? { h, c: this.#f32(this.#ws.ptr('c'), n).slice() } : { h };
  }

  /** Restores a state from getState() (or the hN/cN of a forward over the same layer, unidirectional). */
  setState(state: StepperState): void {
    this.#live('setState');
    const { H, L } = this.#engine.config;
    const n = L * this.batchSize * H;
    const want = `[${L}, ${this.batchSize}, ${H}] (${n} values)`;
    const h = state?.h;
    if (!(h instanceof Float32Array) || h.length !== n) {
      throw new ShapeError(`setState: h must be a Float32Array of ${want} but got ${describe(h)}`);
    }
    const c = state.c;
    if (this.#engine.cell.hasCell && (!(c instanceof Float32Array) || c.length !== n)) {
      throw new ShapeError(`setState: c must be a Float32Array of ${want} but got ${describe(c)}`);
    }
    requireFinite('setState: h', h);
    if (c && this.#engine.cell.hasCell) requireFinite('setState: c', c);
    this.#f32(this.#ws.ptr('h'), n).set(h);
    if (c && this.#engine.cell.hasCell) this.#f32(this.#ws.ptr('c'), n).set(c);
  }

  /** Returns the stepper's memory to the arena. */
  dispose(): void {
    this.#ws.free();
    this.#disposed = true;
  }

  /** A disposed stepper (or one over a disposed layer) has no buffers: a kernel would write at address 0. */
  #live(method: string): void {
    if (this.#disposed) throw new ValueError(`${method}: this stepper was disposed`);
    if (this.#layer.disposed) throw new ValueError(`${method}: the stepper's layer was disposed`);
  }

  #check(x: unknown, tokens: boolean): void {
    const { I } = this.#engine.config;
    const B = this.batchSize;
    const n = tokens ? B : B * I;
    if (!(x instanceof Float32Array || x instanceof Int32Array) || x.length !== n) {
      throw new ShapeError(
        `step: x must be a Float32Array of [${B}, ${I}] or an Int32Array of [${B}] token ids but got ${describe(x)}`,
      );
    }
    if (!tokens) requireFinite('step: x', x as Float32Array);
    if (tokens) {
      for (let i = 0; i < n; i++) {
        const id = (x as Int32Array)[i];
        if (id < 0 || id >= I)
          throw new ValueError(`step: x[${i}] must be a token id in [0, ${I}) but is ${id}`);
      }
    }
  }

  /** Views over the input and the top state, rebuilt only after linear memory grew. */
  #views(): void {
    const buffer = this.#engine.rt.memory.buffer;
    if (buffer === this.#buffer) return;
    const { I, H, L } = this.#engine.config;
    const B = this.batchSize;
    this.#buffer = buffer as ArrayBuffer;
    this.#x = this.#f32(this.#ws.ptr('x'), B * I);
    this.#ids = this.#engine.rt.arena.i32At(this.#ws.ptr('x'), B);
    this.#top = this.#f32(this.#ws.ptr('h') + (L - 1) * B * H * 4, B * H);
  }

  #f32(ptr: number, n: number): Float32Array {
    return this.#engine.rt.arena.f32At(ptr, n);
  }
}
