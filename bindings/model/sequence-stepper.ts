// model.stepper(): a whole SequenceModel run one time step per call (embedding → stacked recurrent layers →
// head), for live feeds and sampling loops. The recurrent part is the layer Stepper (stepper.ts: state kept in
// linear memory, the sequence kernels with T = 1); around it this adds the embedding lookup and the Dense head
// on B rows. Every buffer and view is made in the constructor (views again only after linear memory grew), so
// a step allocates nothing, in JS or in linear memory. After t steps the output is what predict() gives at step
// t (per-step models) or for the first t steps (pooling 'last').

import { describe, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { positiveInt } from '../validate.ts';
import type { Dense } from './dense.ts';
import type { Embedding } from './embedding.ts';
import type { Recurrent } from './recurrent.ts';
import type { ModelConfig } from './sequence-config.ts';
import type { Stepper, StepperState } from './stepper.ts';
import { Workspace } from './workspace.ts';

/** What the stepper reads from its model. */
export interface SteppableModel {
  readonly rt: Runtime;
  readonly config: ModelConfig;
  readonly embedding: Embedding | undefined;
  readonly rnn: Recurrent;
  readonly head: Dense;
}

export class SequenceStepper {
  readonly batchSize: number;
  readonly #model: SteppableModel;
  readonly #layer: Stepper;
  readonly #ws: Workspace;
  readonly #result: Float32Array;
  /** Byte pointers, fixed for the stepper's life: blocks and parameters never move in linear memory. */
  readonly #at: {
    ids: number;
    emb: number;
    h: number;
    y: number;
    table: number;
    weight: number;
    bias: number;
  };
  #buffer: ArrayBuffer | undefined;
  #ids = new Int32Array(0);
  #emb = new Float32Array(0);
  #h = new Float32Array(0);
  #y = new Float32Array(0);

  constructor(model: SteppableModel, batchSize: number) {
    const c = model.config;
    if (c.recurrent.bidirectional) {
      throw new ValueError(
        'stepper: a bidirectional model reads each sequence backwards too, so it cannot run one step at a time; use predict()',
      );
    }
    if (c.pooling === 'attention') {
      throw new ValueError(
        "stepper: attention pooling weighs every step of the whole sequence, so it cannot run one step at a time; use predict() (or pooling 'last' / 'none')",
      );
    }
    positiveInt('stepper: batchSize', batchSize);
    this.#model = model;
    this.batchSize = batchSize;
    this.#layer = model.rnn.stepper({ batchSize });
    const ws = new Workspace(model.rt);
    this.#ws = ws;
    try {
      if (model.embedding) {
        ws.need('ids', batchSize);
        ws.need('emb', batchSize * c.input.dim);
      }
      ws.need('h', batchSize * c.recurrent.hiddenSize);
      ws.need('y', batchSize * c.head.outputSize);
    } catch (error) {
      this.dispose();
      throw error;
    }
    this.#result = new Float32Array(batchSize * c.head.outputSize);
    const slab = model.rnn.slab;
    this.#at = {
      ids: ws.ptr('ids'),
      emb: ws.ptr('emb'),
      h: ws.ptr('h'),
      y: ws.ptr('y'),
      table: model.embedding ? slab.paramPtr('embedding.weight') : 0,
      weight: slab.paramPtr('head.weight'),
      bias: model.head.hasBias ? slab.paramPtr('head.bias') : 0,
    };
  }

  /**
   * Advances one step: x_t is [B] Int32Array token ids (token or embedding input) or [B, features] floats.
   * Returns the head's output [B, O] in a Float32Array owned by the stepper and overwritten by the next step.
   */
  step(x: Float32Array | Int32Array): Float32Array {
    const m = this.#model;
    const c = m.config;
    const k = m.rt.kernels;
    const at = this.#at;
    const B = this.batchSize;
    const H = c.recurrent.hiddenSize;
    const O = c.head.outputSize;
    // The kernels are called here on pointers fixed at construction rather than through Embedding and Dense
    // .forwardRows, which look their parameters up by name and build a small object on every call.
    if (m.embedding) {
      this.#checkIds(x);
      this.#views();
      this.#ids.set(x);
      const E = c.input.dim;
      k.gather_rows_f32(at.emb, at.table, at.ids, B, E, E);
      // The layer stepper copies its input in from this view over the embedding's output rows.
      this.#h.set(this.#layer.step(this.#emb));
    } else {
      this.#checkKind(x);
      const h = this.#layer.step(x);
      this.#views();
      this.#h.set(h);
    }
    k.gemm_nt_f32(at.y, at.h, at.weight, B, O, H, H, H, O, 0);
    if (at.bias) k.bias_add_f32(at.y, at.bias, B, O, O);
    this.#result.set(this.#y);
    return this.#result;
  }

  /** Zeroes the state of every layer. */
  reset(): void {
    this.#layer.reset();
  }

  /** Copies of the state, [L, B, H] each (c for LSTM). */
  getState(): StepperState {
    return this.#layer.getState();
  }

  /** Restores a state from getState(). */
  setState(state: StepperState): void {
    this.#layer.setState(state);
  }

  /** Returns the stepper's memory to the arena; the model itself stays usable. */
  dispose(): void {
    this.#layer.dispose();
    this.#ws.free();
  }

  /** One-hot models read ids, feature models floats: the layer stepper would take either. */
  #checkKind(x: unknown): void {
    const c = this.#model.config.input;
    const ids = c.kind === 'tokens';
    if (ids ? !(x instanceof Int32Array) : !(x instanceof Float32Array)) {
      const want = ids
        ? `an Int32Array of ${this.batchSize} token ids`
        : `a Float32Array of [${this.batchSize}, ${c.size}]`;
      throw new ValueError(`step: x must be ${want} but got ${describe(x)}`);
    }
  }

  #checkIds(x: unknown): void {
    const V = this.#model.config.input.size;
    const B = this.batchSize;
    if (!(x instanceof Int32Array) || x.length !== B) {
      throw new ValueError(`step: x must be an Int32Array of ${B} token ids but got ${describe(x)}`);
    }
    if (this.#model.rnn.disposed) throw new ValueError("step: the stepper's model was disposed");
    for (let i = 0; i < B; i++) {
      if (!(x[i] >= 0 && x[i] < V))
        throw new ValueError(`step: x[${i}] must be a token id in [0, ${V}) but is ${x[i]}`);
    }
  }

  /** Views over the workspace, rebuilt only after linear memory grew. */
  #views(): void {
    const buffer = this.#model.rt.memory.buffer as ArrayBuffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    const c = this.#model.config;
    const B = this.batchSize;
    const ws = this.#ws;
    if (this.#model.embedding) {
      this.#ids = this.#model.rt.arena.i32At(ws.ptr('ids'), B);
      this.#emb = this.#model.rt.arena.f32At(ws.ptr('emb'), B * c.input.dim);
    }
    this.#h = this.#model.rt.arena.f32At(ws.ptr('h'), B * c.recurrent.hiddenSize);
    this.#y = this.#model.rt.arena.f32At(ws.ptr('y'), B * c.head.outputSize);
  }
}
