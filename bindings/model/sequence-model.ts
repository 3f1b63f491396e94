// A sequence model: Embedding / one-hot tokens / float features → stacked (bi)directional RNN, LSTM or GRU →
// per-step outputs, the last state or attention pooling → Dense head. Many-to-many (pooling 'none') and
// many-to-one ('last', 'attention'). Every parameter lives in one ParamSlab under PyTorch module names, so an
// optimizer step, zeroGrad, clipping and the NaN check are one kernel call each over the whole model.
//
// The training path is pointer-level: load() copies a batch in, forward() and backward() run kernels on
// workspace blocks (the data stays in linear memory from the input to the loss), and a Loss reads `output`
// and writes its gradient in place. predict() is the checked, copying convenience API.

import { ValueError } from '../errors.ts';
import { Heap } from '../kernels-ts/heap.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { Dense } from './dense.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { LSTM } from './lstm.ts';
import { AttentionPooling } from './pooling.ts';
import type { Recurrent } from './recurrent.ts';
import type { RecurrentEngine } from './recurrent-engine.ts';
import { RNN } from './rnn.ts';
import {
  layerOptions,
  type ModelConfig,
  modelConfig,
  modelSpecs,
  type SequenceModelOptions,
} from './sequence-config.ts';
import { checkInputs, type InputShape, type ModelInputs } from './sequence-input.ts';
import { ParamSlab, type TensorSpec } from './slab.ts';
import { Workspace } from './workspace.ts';

export class SequenceModel {
  readonly rt: Runtime;
  /** The validated options, defaults filled in (what a model file stores). */
  readonly config: ModelConfig;
  readonly slab: ParamSlab;
  readonly embedding: Embedding | undefined;
  readonly rnn: Recurrent;
  readonly attention: AttentionPooling | undefined;
  readonly head: Dense;
  readonly #engine: RecurrentEngine;
  readonly #ws: Workspace;
  readonly #heap: Heap;
  #shape: InputShape | undefined;
  #disposed = false;

  static paramSpecs(options: SequenceModelOptions): TensorSpec[] {
    return modelSpecs(modelConfig(options));
  }

  /**
   * `shareParams`: a data-parallel replica's (bindings/parallel): the model reads and trains that slab's
   * parameters, left as they are, and keeps its own gradients and workspaces.
   */
  constructor(rt: Runtime, options: SequenceModelOptions, shareParams?: ParamSlab) {
    const c = modelConfig(options);
    this.rt = rt;
    this.config = c;
    this.slab = new ParamSlab(rt, modelSpecs(c), shareParams?.params);
    const kept =
      shareParams && new Float32Array(rt.memory.buffer, this.slab.params.ptr, this.slab.size).slice();
    const o = layerOptions(c);
    const slab = this.slab;
    this.embedding = o.embedding ? new Embedding(rt, { ...o.embedding, slab }) : undefined;
    const rnn = { ...o.rnn, slab };
    this.rnn =
      c.recurrent.cell === 'lstm'
        ? new LSTM(rt, rnn)
        : c.recurrent.cell === 'gru'
          ? new GRU(rt, rnn)
          : new RNN(rt, rnn);
    this.attention = o.attention ? new AttentionPooling(rt, { ...o.attention, slab }) : undefined;
    this.head = new Dense(rt, { ...o.head, slab });
    // The layers wrote their initial draws over the shared parameters: put the shared values back.
    if (kept) new Float32Array(rt.memory.buffer, this.slab.params.ptr, this.slab.size).set(kept);
    this.#engine = this.rnn.engine;
    this.#ws = new Workspace(rt);
    this.#heap = new Heap(rt.memory);
  }

  /** True when the head runs at every step (outputs [T, B, O]); false for one output per sequence ([B, O]). */
  get perStep(): boolean {
    return this.config.pooling === 'none';
  }

  get outputSize(): number {
    return this.config.head.outputSize;
  }

  /** Rows of the output for a batch of (T, B): T·B per step, else B. */
  outputRows(T: number, B: number): number {
    return this.perStep ? T * B : B;
  }

  /** Checks inputs (time-major) before any kernel; throws a typed error naming the batch row and step. */
  check(inputs: ModelInputs): InputShape {
    return checkInputs(this.config, inputs);
  }

  /** Copies checked inputs into linear memory and sizes every block of the next forward (and backward). */
  load(inputs: ModelInputs, shape: InputShape, backward: boolean): void {
    if (this.#disposed) throw new ValueError('this model was disposed');
    const { T, B } = shape;
    const c = this.config;
    const ws = this.#ws;
    const N = T * B;
    const ids = c.input.kind !== 'features';
    const DH = this.#DH;
    const rows = this.outputRows(T, B);
    ws.need('x', ids ? N : N * c.input.size);
    if (c.input.kind === 'embedding') ws.need('emb', N * c.input.dim);
    const pooledCopy = c.pooling === 'attention' || (c.pooling === 'last' && this.#D === 2);
    if (pooledCopy) ws.need('pooled', B * DH);
    ws.need('y', rows * c.head.outputSize);
    if (backward) {
      if (c.pooling !== 'last') ws.need('dout', N * DH);
      if (pooledCopy) ws.need('dpooled', B * DH);
    }
    this.#engine.reserve(T, B, backward);
    const at = ws.ptr('x') >> 2;
    if (ids) this.#heap.i32.set(inputs.data, at);
    else this.#heap.f32.set(inputs.data, at);
    this.#shape = shape;
  }

  /** Runs the loaded batch; the head's output [rows, O] is then at `output`. */
  forward(): void {
    const { T, B } = this.#need();
    const c = this.config;
    const ws = this.#ws;
    const N = T * B;
    let x = ws.ptr('x');
    if (this.embedding) {
      this.embedding.forwardRows(ws.ptr('emb'), x, N);
      x = ws.ptr('emb');
    }
    this.#engine.forward({ T, B, tokens: c.input.kind === 'tokens', x, h0: 0, c0: 0 });
    this.head.forwardRows(ws.ptr('y'), this.#pool(T, B), this.outputRows(T, B));
  }

  /** Byte pointer of the head's output [rows, O]; a Loss writes ∂loss/∂output over it before backward(). */
  get output(): number {
    return this.#ws.ptr('y');
  }

  /** BPTT from ∂loss/∂output (at `output`): adds every parameter's gradient into the slab. */
  backward(): void {
    const { T, B } = this.#need();
    const c = this.config;
    const ws = this.#ws;
    const e = this.#engine;
    const N = T * B;
    const dy = ws.ptr('y');
    const rows = this.outputRows(T, B);
    const headIn = this.#headInput(T, B);
    e.zeroStateGrads();
    if (c.pooling === 'none') {
      this.head.backwardRows(ws.ptr('dout'), dy, headIn, rows);
    } else if (c.pooling === 'attention') {
      this.head.backwardRows(ws.ptr('dpooled'), dy, headIn, rows);
      this.attention!.backwardRows(ws.ptr('dout'), ws.ptr('dpooled'), e.outputs, T, B);
    } else if (this.#D === 1) {
      // The last state is the top layer's final h: its gradient goes straight into the engine's dh.
      this.head.backwardRows(e.dh + this.#topIndex(0) * B * this.#H * 4, dy, headIn, rows);
    } else {
      this.head.backwardRows(ws.ptr('dpooled'), dy, headIn, rows);
      this.#scatterLast(B);
    }
    e.backward(c.pooling === 'last' ? 0 : ws.ptr('dout'), this.embedding !== undefined);
    if (this.embedding) this.embedding.backwardRows(e.inputGrad, ws.ptr('x'), N);
  }

  /** Outputs for time-major inputs: [T, B, O] per step, else [B, O] (logits for classification losses). */
  predict(inputs: ModelInputs): Tensor {
    const shape = this.check(inputs);
    this.load(inputs, shape, false);
    this.forward();
    const { T, B } = shape;
    const O = this.outputSize;
    const rows = this.outputRows(T, B);
    const data = new Float32Array(this.rt.memory.buffer, this.output, rows * O).slice();
    return { data, shape: this.perStep ? [T, B, O] : [B, O] };
  }

  /** Copies of every parameter under its PyTorch name (the state dict of the equivalent nn.Module). */
  getWeights(): Record<string, Float32Array> {
    return Object.fromEntries(this.slab.entries.map((e) => [e.name, this.slab.read(e.name)]));
  }

  /** Copies of every accumulated gradient by PyTorch name. */
  gradients(): Record<string, Float32Array> {
    return Object.fromEntries(this.slab.entries.map((e) => [e.name, this.slab.readGrad(e.name)]));
  }

  /** Sets every parameter by PyTorch name; the whole record is checked (names, sizes, finite) before any write. */
  setWeights(record: Record<string, ArrayLike<number>>): void {
    const names = new Set(this.slab.entries.map((e) => e.name));
    const unknown = Object.keys(record ?? {}).filter((n) => !names.has(n));
    if (record === null || typeof record !== 'object' || unknown.length > 0) {
      throw new ValueError(
        `setWeights: unknown parameter ${unknown.join(', ')}; expected ${[...names].join(', ')}`,
      );
    }
    const staged = new ParamSlab(this.rt, this.slab.entries);
    try {
      for (const e of this.slab.entries) {
        if (record[e.name] === undefined) throw new ValueError(`setWeights: ${e.name} is missing`);
        staged.write(e.name, record[e.name]);
      }
      this.rt.kernels.copy_f32(this.slab.params.ptr, staged.params.ptr, this.slab.size);
    } finally {
      staged.free();
    }
  }

  zeroGrad(): void {
    this.slab.zeroGrad();
  }

  /** Returns every block (slab, workspaces) to the arena; the model is then unusable. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.embedding?.dispose();
    this.rnn.dispose();
    this.attention?.dispose();
    this.head.dispose();
    this.#ws.free();
    this.slab.free();
  }

  get #D(): number {
    return this.config.recurrent.bidirectional ? 2 : 1;
  }

  get #H(): number {
    return this.config.recurrent.hiddenSize;
  }

  get #DH(): number {
    return this.#D * this.#H;
  }

  /** Unit index of direction d of the top layer. */
  #topIndex(d: number): number {
    return (this.config.recurrent.numLayers - 1) * this.#D + d;
  }

  /** Computes the head's input [rows, D·H] and returns its pointer. */
  #pool(T: number, B: number): number {
    const e = this.#engine;
    const c = this.config;
    if (c.pooling === 'attention') this.attention!.forwardRows(this.#ws.ptr('pooled'), e.outputs, 0, T, B);
    else if (c.pooling === 'last' && this.#D === 2) this.#gatherLast(B);
    return this.#headInput(T, B);
  }

  #headInput(_T: number, _B: number): number {
    const c = this.config;
    if (c.pooling === 'none') return this.#engine.outputs;
    if (c.pooling === 'last' && this.#D === 1) return this.#engine.finalState(this.#topIndex(0), 'h');
    return this.#ws.ptr('pooled');
  }

  /** pooled[b] = [h_fwd[b], h_bwd[b]]: the top layer's final states, directions concatenated (torch's h_n). */
  #gatherLast(B: number): void {
    const k = this.rt.kernels;
    const H = this.#H;
    const pooled = this.#ws.ptr('pooled');
    for (let d = 0; d < 2; d++) {
      const src = this.#engine.finalState(this.#topIndex(d), 'h');
      for (let b = 0; b < B; b++) k.copy_f32(pooled + (b * 2 + d) * H * 4, src + b * H * 4, H);
    }
  }

  /** The gradient of pooled, split back into each direction's dh. */
  #scatterLast(B: number): void {
    const k = this.rt.kernels;
    const H = this.#H;
    const dpooled = this.#ws.ptr('dpooled');
    for (let d = 0; d < 2; d++) {
      const dst = this.#engine.dh + this.#topIndex(d) * B * H * 4;
      for (let b = 0; b < B; b++) k.copy_f32(dst + b * H * 4, dpooled + (b * 2 + d) * H * 4, H);
    }
  }

  #need(): InputShape {
    if (this.#shape === undefined || this.#disposed) throw new ValueError('call load() with a batch first');
    return this.#shape;
  }
}
