// An encoder–decoder (many-to-many delayed): the encoder reads the source; its final state (each layer's h,
// and c for LSTM, at each sequence's own last step; seq2seq-bridge.ts) initialises the decoder, which reads
// the target shifted right behind a start token (teacher forcing) and predicts the next target token at every
// step. Backward runs the decoder's BPTT, hands its initial-state gradient to the encoder as dHn (and dCn),
// then runs the encoder's. One slab holds every parameter under the PyTorch module names of seq2seq-config.ts.
// With attention, the decoder's outputs attend over the encoder's (attention.ts) and the head reads
// [h_t ; ctx_t] (attention-head.ts); the encoder's outputs then get gradients from the attention as well.
// With input feeding the decoder runs step by step instead (attention-feed.ts). The pass over linear memory is
// seq2seq-pass.ts; decoding (greedy, beam search) is in seq2seq-decode.ts.

import { ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { DecoderAttention } from './attention.ts';
import { feedsInput } from './attention-config.ts';
import { InputFeeding } from './attention-feed.ts';
import { Dense } from './dense.ts';
import { DropoutStream } from './dropout.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { NO_INIT, skipsInit } from './initializers.ts';
import { LSTM } from './lstm.ts';
import type { Recurrent } from './recurrent.ts';
import { RNN } from './rnn.ts';
import {
  type Seq2SeqConfig,
  type Seq2SeqOptions,
  seq2seqConfig,
  seq2seqLayers,
  seq2seqSpecs,
} from './seq2seq-config.ts';
import { pairSamples } from './seq2seq-pairs.ts';
import { type Seq2SeqPass, TeacherForcedPass } from './seq2seq-pass.ts';
import { checkInputs, type InputShape, type ModelInputs } from './sequence-input.ts';
import { ParamSlab, type TensorSpec } from './slab.ts';
import { SlabModel } from './slab-record.ts';
import { MaskScratch, stageSeq2Seq } from './staging.ts';
import { type ModelSummary, summarizeSeq2Seq } from './summary.ts';
import type {
  CarriedState,
  LossTargets,
  SampleSet,
  Staged,
  StageMode,
  TrainableModel,
  TrainBatch,
} from './trainable.ts';

export type { Seq2SeqPass };

const STATELESS = 'a Seq2Seq starts each batch from its encoder; it cannot be stateful';

export class Seq2Seq extends SlabModel implements TrainableModel {
  readonly kind = 'Seq2Seq';
  readonly rt: Runtime;
  readonly config: Seq2SeqConfig;
  readonly slab: ParamSlab;
  readonly encoderEmbedding: Embedding | undefined;
  readonly encoder: Recurrent;
  readonly decoderEmbedding: Embedding | undefined;
  readonly decoder: Recurrent;
  readonly attention: DecoderAttention | undefined;
  readonly head: Dense;
  readonly dropout: DropoutStream;
  /** The step-by-step decoder of attention with feed 'input' or 'both'. */
  readonly feeding: InputFeeding | undefined;
  /** The decoder predicts at every step (for the trainer). */
  readonly perStep = true;
  /** Every pass starts from the encoder: no state is carried from one batch to the next. */
  readonly carriesState = false;
  readonly #pass: TeacherForcedPass;
  readonly #masks = new MaskScratch();
  /** Attention weights [Tt, Ts, B] of the last decoding, until the next forward. */
  #decoded: Tensor | undefined;
  #disposed = false;

  static paramSpecs(options: Seq2SeqOptions): TensorSpec[] {
    return seq2seqSpecs(seq2seqConfig(options));
  }

  constructor(rt: Runtime, options: Seq2SeqOptions) {
    super();
    const c = seq2seqConfig(options);
    this.rt = rt;
    this.config = c;
    this.slab = new ParamSlab(rt, seq2seqSpecs(c));
    const o = seq2seqLayers(c);
    // A loader passes NO_INIT: every parameter is written from its file next, so none is drawn first.
    const slab = this.slab;
    const skip = { [NO_INIT]: skipsInit(options) };
    const rnn = (opts: typeof o.encoder): Recurrent =>
      c.recurrent.cell === 'lstm'
        ? new LSTM(rt, { ...opts, slab, ...skip })
        : c.recurrent.cell === 'gru'
          ? new GRU(rt, { ...opts, slab, ...skip })
          : new RNN(rt, { ...opts, slab, ...skip });
    this.encoderEmbedding = o.encoderEmbedding
      ? new Embedding(rt, { ...o.encoderEmbedding, slab, ...skip })
      : undefined;
    this.encoder = rnn(o.encoder);
    this.decoderEmbedding = o.decoderEmbedding
      ? new Embedding(rt, { ...o.decoderEmbedding, slab, ...skip })
      : undefined;
    this.decoder = rnn(o.decoder);
    this.attention = c.attention ? new DecoderAttention(rt, c.attention, c.seed, slab, skip) : undefined;
    this.head = new Dense(rt, { ...o.head, slab, ...skip });
    this.dropout = new DropoutStream(rt, c.seed);
    this.feeding =
      this.attention && feedsInput(c.attention)
        ? new InputFeeding(rt, this.decoder.engine, this.attention, this.head, c.target.dim)
        : undefined;
    this.#pass = new TeacherForcedPass(rt, c, this.dropout, {
      encoderEmbedding: this.encoderEmbedding,
      encoder: this.encoder.engine,
      decoderEmbedding: this.decoderEmbedding,
      decoder: this.decoder.engine,
      attention: this.attention,
      feeding: this.feeding,
      head: this.head,
    });
  }

  /** Target vocabulary: the head's outputs. */
  get outputSize(): number {
    return this.config.target.size;
  }

  /** Checks source inputs (time-major, before any kernel). */
  check(source: ModelInputs): InputShape {
    return checkInputs(this.config.source, source, 'source');
  }

  /** Checks targets [Tt, B] of target ids (the decoder's input is built from them). */
  checkTargets(targets: unknown, B: number): number {
    const t = targets as { data?: unknown; shape?: number[] } | null;
    const shape = t?.shape;
    if (!(t?.data instanceof Int32Array) || !Array.isArray(shape) || shape.length !== 2 || shape[1] !== B) {
      throw new ValueError(
        `targets must be Int32Array target ids [Tt, ${B}] (time-major) but got ${JSON.stringify(shape)}`,
      );
    }
    checkInputs(this.config.target, t, 'targets');
    return shape[0];
  }

  /** Pairs (source sequences → target id sequences) checked against this model, for fit and evaluate. */
  samples(data: unknown, name: string): SampleSet {
    return pairSamples(data, name, this);
  }

  /** Checks a batch (source, target ids, lengths) against this model and `loss`, then copies it into both. */
  stage(batch: TrainBatch, loss: LossTargets, mode: StageMode): Staged {
    if (mode.stateful) throw new ValueError(STATELESS);
    return stageSeq2Seq(this, loss, this.#masks, batch, mode);
  }

  /**
   * Copies a checked source [Ts, B] and targets [Tt, B] in; the decoder reads [bos, y_0, …, y_{Tt−2}]. Sizes
   * every block of the next forward (and backward).
   */
  load(
    source: ModelInputs,
    shape: InputShape,
    targets: Int32Array,
    Tt: number,
    pass: Seq2SeqPass = {},
  ): void {
    if (this.#disposed) throw new ValueError('this model was disposed');
    this.#pass.load(source, shape, targets, Tt, pass);
  }

  /** Encoder, state hand-over, teacher-forced decoder, head: logits [Tt·B, V] at `output`. */
  forward(): void {
    this.#need();
    this.#decoded = undefined;
    this.#pass.forward();
  }

  /**
   * Attention weights [T_tgt, T_src, B] of the last forward (teacher forcing) or decoding (greedy, beam: the
   * chosen sequences, zero after each one ends); undefined without attention or before the first.
   */
  attentionWeights(): Tensor | undefined {
    if (this.attention === undefined || this.#disposed) return undefined;
    if (this.#decoded) return { data: this.#decoded.data.slice(), shape: [...this.#decoded.shape] };
    if (this.feeding) return this.feeding.ready ? this.feeding.readWeights() : undefined;
    return this.#pass.loaded ? this.attention.readWeights() : undefined;
  }

  /** Keeps the weights [Tt, Ts, B] a decoding chose, for attentionWeights() (greedyDecode, beamSearch). */
  keepDecodedAttention(weights: Tensor): void {
    this.#decoded = weights;
  }

  /** Layers, shapes, parameter counts, weight bytes and backend; String(summary) is a Keras-like table. */
  summary(): ModelSummary {
    return summarizeSeq2Seq(this);
  }

  /** Byte pointer of the logits [Tt·B, V]; a Loss writes ∂loss/∂logits over them before backward(). */
  get output(): number {
    return this.#pass.output;
  }

  /** BPTT from ∂loss/∂logits (at `output`): adds every parameter's gradient into the slab. */
  backward(): void {
    this.#need();
    this.#pass.backward();
  }

  /** A Seq2Seq generates: with greedyDecode() or beamSearch(), not predict(). */
  predict(): never {
    throw new ValueError('a Seq2Seq generates with greedyDecode() or beamSearch()');
  }

  /** None: every pass starts from the encoder. */
  get carriedState(): undefined {
    return undefined;
  }

  set carriedState(state: CarriedState | undefined) {
    if (state !== undefined) throw new ValueError(STATELESS);
  }

  keepState(): never {
    throw new ValueError(STATELESS);
  }

  /** Nothing to forget: no state is carried. */
  resetState(): void {}

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const layer of [
      this.encoderEmbedding,
      this.encoder,
      this.decoderEmbedding,
      this.decoder,
      this.attention,
      this.feeding,
      this.head,
    ]) {
      layer?.dispose();
    }
    this.#pass.free();
    this.dropout.free();
    this.slab.free();
  }

  #need(): void {
    if (!this.#pass.loaded || this.#disposed) throw new ValueError('call load() with a batch first');
  }
}
