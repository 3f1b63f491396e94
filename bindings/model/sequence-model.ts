// A sequence model: Embedding / one-hot tokens / float features → stacked (bi)directional RNN, LSTM or GRU →
// per-step outputs, the last state or attention pooling → Dense head. Many-to-many (pooling 'none') and
// many-to-one ('last', 'attention'). Every parameter lives in one ParamSlab under PyTorch module names, so an
// optimizer step, zeroGrad, clipping and the NaN check are one kernel call each over the whole model.
//
// The training path is pointer-level: load() copies a batch in, forward() and backward() run kernels on
// workspace blocks (the data stays in linear memory from the input to the loss), and a Loss reads `output`
// and writes its gradient in place. predict() is the checked, copying convenience API.

import { DataError, ShapeError, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { flag, optionsObject } from '../validate.ts';
import { swapLeadingAxes, timeMajorInputs } from './batch-first.ts';
import { CarriedState } from './carried-state.ts';
import { Dense } from './dense.ts';
import { DropoutStream } from './dropout.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { NO_INIT, skipsInit } from './initializers.ts';
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
import { HeadStage } from './sequence-head.ts';
import {
  checkInputs,
  checkLengths,
  expandVector,
  type InputShape,
  type ModelInputs,
} from './sequence-input.ts';
import { sequenceSamples } from './sequence-samples.ts';
import { SequenceStepper } from './sequence-stepper.ts';
import { ParamSlab, type TensorSpec } from './slab.ts';
import { SlabModel } from './slab-record.ts';
import { MaskScratch, stageSequence } from './staging.ts';
import { type ModelSummary, summarizeSequenceModel } from './summary.ts';
import type {
  CarriedState as CarriedValues,
  LossTargets,
  SampleSet,
  Staged,
  StageMode,
  TrainableModel,
  TrainBatch,
} from './trainable.ts';
import { Workspace } from './workspace.ts';

/** How load() prepares the next pass. */
export interface PassOptions {
  /** Size the backward blocks too. Default false. */
  backward?: boolean;
  /** Dropout on. Default: backward. */
  training?: boolean;
  /** Real steps of each row [B] (a padded batch); absent = all T. */
  lengths?: ArrayLike<number>;
  /** Start from the carried state (keepState) instead of zeros. Default false. */
  state?: boolean;
  /** No backward follows (predict): the recurrent layers keep no state history (every cell has an inference
   * kernel) — the same outputs bit for bit; keepState() then carries the final state only. Default false. */
  inference?: boolean;
}

interface LoadedPass extends InputShape {
  inference: boolean;
  lengths: number;
  dropout: number;
  h0: number;
  c0: number;
}

export class SequenceModel extends SlabModel implements TrainableModel {
  readonly rt: Runtime;
  /** The validated options, defaults filled in (what a model file stores). */
  readonly config: ModelConfig;
  readonly slab: ParamSlab;
  readonly embedding: Embedding | undefined;
  readonly rnn: Recurrent;
  readonly attention: AttentionPooling | undefined;
  readonly head: Dense;
  /** The generator of every dropout mask of this model. */
  readonly dropout: DropoutStream;
  readonly #engine: RecurrentEngine;
  readonly #top: HeadStage;
  readonly #carried: CarriedState;
  readonly #ws: Workspace;
  readonly #masks = new MaskScratch();
  #pass: LoadedPass | undefined;
  #expanded = new Float32Array(0);
  #disposed = false;

  static paramSpecs(options: SequenceModelOptions): TensorSpec[] {
    return modelSpecs(modelConfig(options));
  }

  /**
   * `shareParams`: a data-parallel replica's (bindings/parallel): the model reads and trains that slab's
   * parameters, left as they are, and keeps its own gradients and workspaces.
   */
  constructor(rt: Runtime, options: SequenceModelOptions, shareParams?: ParamSlab) {
    super();
    const c = modelConfig(options);
    this.rt = rt;
    this.config = c;
    this.slab = new ParamSlab(rt, modelSpecs(c), shareParams?.params);
    const o = layerOptions(c);
    // A loader passes NO_INIT: every parameter is written from its file next, so none is drawn first. A replica
    // draws none either: its parameters are the shared ones, left as they are.
    const slab = this.slab;
    const skip = { [NO_INIT]: skipsInit(options) || shareParams !== undefined };
    this.embedding = o.embedding ? new Embedding(rt, { ...o.embedding, slab, ...skip }) : undefined;
    const rnn = { ...o.rnn, slab, ...skip };
    this.rnn =
      c.recurrent.cell === 'lstm'
        ? new LSTM(rt, rnn)
        : c.recurrent.cell === 'gru'
          ? new GRU(rt, rnn)
          : new RNN(rt, rnn);
    this.attention = o.attention ? new AttentionPooling(rt, { ...o.attention, slab, ...skip }) : undefined;
    this.head = new Dense(rt, { ...o.head, slab, ...skip });
    this.#engine = this.rnn.engine;
    this.#ws = new Workspace(rt);
    this.#top = new HeadStage(rt, c, this.#engine, this.attention, this.head, this.#ws);
    this.#carried = new CarriedState(rt, this.#engine);
    this.dropout = new DropoutStream(rt, c.seed);
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

  /** A pass can start from the state the last one left: one direction, an output at every step. */
  get carriesState(): boolean {
    return this.perStep && !this.config.recurrent.bidirectional;
  }

  /** Checks inputs (time-major) before any kernel; throws a typed error naming the batch row and step. */
  check(inputs: ModelInputs): InputShape {
    return checkInputs(this.config.input, inputs);
  }

  /** A Dataset (or the samples to make one from) checked against this model and `loss`, for fit and evaluate. */
  samples(data: unknown, name: string, loss: LossTargets): SampleSet {
    return sequenceSamples(data, name, this, loss);
  }

  /** Checks a batch against this model and `loss`, then copies it into both (see load()). */
  stage(batch: TrainBatch, loss: LossTargets, mode: StageMode): Staged {
    return stageSequence(this, loss, this.#masks, batch, mode);
  }

  /**
   * Copies checked inputs (and lengths) into linear memory and sizes every block of the next forward (and, with
   * `backward`, backward). `training` turns dropout on; `state` starts from the carried state (see keepState).
   */
  load(inputs: ModelInputs, shape: InputShape, pass: PassOptions = {}): void {
    if (this.#disposed) throw new ValueError('this model was disposed');
    const { T, B } = shape;
    const c = this.config;
    const ws = this.#ws;
    const N = T * B;
    const ids = c.input.kind === 'tokens' || c.input.kind === 'embedding';
    const backward = pass.backward ?? false;
    const training = pass.training ?? backward;
    const inference = (pass.inference ?? false) && !backward;
    const lengths = checkLengths(pass.lengths, T, B);
    if (pass.state && this.#D !== 1)
      throw new ValueError('a bidirectional model cannot carry state between passes');
    const initial = pass.state ? this.#carried.initial(B) : { h0: 0, c0: 0 };
    ws.need('x', ids ? N : N * c.input.size);
    if (c.input.kind === 'embedding') ws.need('emb', N * c.input.dim);
    if (lengths) ws.need('lengths', B);
    this.#top.reserve(T, B, backward, training);
    this.#engine.dropout = c.recurrent.dropout;
    this.#engine.reserve(T, B, backward, c.input.kind === 'tokens', inference);
    const at = ws.ptr('x') >> 2;
    if (ids) this.rt.arena.memoryI32.set(inputs.data, at);
    else this.rt.arena.memoryF32.set(inputs.data, at);
    if (lengths) this.rt.arena.memoryI32.set(lengths, ws.ptr('lengths') >> 2);
    this.#pass = {
      T,
      B,
      inference,
      lengths: lengths ? ws.ptr('lengths') : 0,
      dropout: training ? this.dropout.ptr : 0,
      ...initial,
    };
  }

  /** Runs the loaded batch; the head's output [rows, O] is then at `output`. */
  forward(): void {
    const p = this.#need();
    const { T, B } = p;
    const ws = this.#ws;
    let x = ws.ptr('x');
    if (this.embedding) {
      this.embedding.forwardRows(ws.ptr('emb'), x, T * B);
      x = ws.ptr('emb');
    }
    const tokens = this.config.input.kind === 'tokens';
    const { h0, c0, lengths, dropout, inference } = p;
    this.#engine.forward({ T, B, tokens, x, h0, c0, lengths, dropout, inference });
    this.#top.forward(T, B, p.lengths, p.dropout);
  }

  /** Byte pointer of the head's output [rows, O]; a Loss writes ∂loss/∂output over it before backward(). */
  get output(): number {
    return this.#ws.ptr('y');
  }

  /** BPTT from ∂loss/∂output (at `output`): adds every parameter's gradient into the slab. */
  backward(): void {
    const { T, B, inference } = this.#need();
    if (inference)
      throw new ValueError('backward: the loaded batch is for inference; load it with { backward: true }');
    const e = this.#engine;
    e.zeroStateGrads();
    const dout = this.#top.backward(T, B);
    e.backward(dout, this.embedding !== undefined);
    if (this.embedding) this.embedding.backwardRows(e.inputGrad, this.#ws.ptr('x'), T * B);
  }

  /** Carries the state after `steps` steps of the last forward (default: each row's last) into the next stateful pass. */
  keepState(steps?: number): void {
    this.#need();
    this.#carried.keep(steps);
  }

  /** Forgets the carried state: the next stateful pass starts from zeros. */
  resetState(): void {
    this.#carried.reset();
  }

  /** The carried state ([L, B, H] h, and c for LSTM), or undefined; for checkpoints. */
  get carriedState(): CarriedValues | undefined {
    return this.#carried.get();
  }

  set carriedState(state: CarriedValues | undefined) {
    if (state === undefined) this.#carried.reset();
    else this.#carried.set(state, state.h.length / (this.config.recurrent.numLayers * this.#H));
  }

  /**
   * Outputs for time-major inputs: [T, B, O] per step, else [B, O] (logits for classification losses). With
   * `batchFirst`, inputs are [B, T, ...] and per-step outputs [B, T, O] (PyTorch's batch_first=True, Keras).
   */
  predict(
    inputs: ModelInputs,
    options: { lengths?: ArrayLike<number>; steps?: number; batchFirst?: boolean } = {},
  ): Tensor {
    optionsObject('predict options', options, false, ['lengths', 'steps', 'batchFirst']);
    const batchFirst = flag('predict: batchFirst', options.batchFirst, false);
    if (this.config.input.kind === 'vector' && inputs?.shape?.length === 2) {
      if (!Number.isInteger(options.steps) || (options.steps as number) < 1) {
        throw new ValueError(
          `predict of one vector per sequence needs { steps } (a positive integer) but got ${options.steps}`,
        );
      }
      inputs = this.expand(inputs as Tensor, options.steps as number);
    } else if (batchFirst) inputs = timeMajorInputs(this.config.input, inputs);
    const shape = this.check(inputs);
    this.load(inputs, shape, { lengths: options.lengths, inference: true });
    this.forward();
    const { T, B } = shape;
    const O = this.outputSize;
    const rows = this.outputRows(T, B);
    const data = this.rt.arena.f32At(this.output, rows * O).slice();
    if (!this.perStep) return { data, shape: [B, O] };
    return batchFirst
      ? { data: swapLeadingAxes(data, T, B, O), shape: [B, T, O] }
      : { data, shape: [T, B, O] };
  }

  /**
   * One-to-many: one vector per sequence [B, F] → the time-major sequence [T, B, F] the recurrent layers read
   * (see input.feed). Inputs of any other shape pass through. The result lives until the next call.
   */
  expand(inputs: Tensor, T: number): Tensor {
    const c = this.config.input;
    if (c.kind !== 'vector' || inputs?.shape?.length !== 2) return inputs;
    const x = inputs.data;
    const [B, F] = inputs.shape;
    if (!(x instanceof Float32Array) || F !== c.size || x.length !== B * F) {
      throw new ShapeError(
        `inputs must be one vector per sequence, Float32Array [B, ${c.size}], but got [${inputs.shape.join(', ')}]`,
      );
    }
    for (let i = 0; i < x.length; i++) {
      if (x[i] - x[i] !== 0)
        throw new DataError(`inputs hold ${x[i]} at batch row ${Math.floor(i / F)}, feature ${i % F}`);
    }
    if (this.#expanded.length < T * B * F) this.#expanded = new Float32Array(T * B * F);
    return { data: expandVector(x, B, F, T, c.feed ?? 'every', this.#expanded), shape: [T, B, F] };
  }

  /**
   * Streaming inference of the whole model (embedding → layers → head), one step of `batchSize` rows per call,
   * allocating nothing per step; unidirectional models with pooling 'none' or 'last'. See sequence-stepper.ts.
   */
  stepper(options: { batchSize?: number } = {}): SequenceStepper {
    optionsObject('stepper options', options, false, ['batchSize']);
    if (this.#disposed) throw new ValueError('stepper: this model was disposed');
    return new SequenceStepper(this, options.batchSize ?? 1);
  }

  /** Layers, shapes, parameter counts, weight bytes and backend; String(summary) is a Keras-like table. */
  summary(): ModelSummary {
    return summarizeSequenceModel(this);
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
    this.#carried.free();
    this.dropout.free();
    this.slab.free();
  }

  get #D(): number {
    return this.config.recurrent.bidirectional ? 2 : 1;
  }

  get #H(): number {
    return this.config.recurrent.hiddenSize;
  }

  #need(): LoadedPass {
    if (this.#pass === undefined || this.#disposed) throw new ValueError('call load() with a batch first');
    return this.#pass;
  }
}
