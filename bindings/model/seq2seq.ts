// An encoder–decoder (many-to-many delayed): the encoder reads the source; its final state (each layer's h,
// and c for LSTM, at each sequence's own last step; seq2seq-bridge.ts) initialises the decoder, which reads
// the target shifted right behind a start token (teacher forcing) and predicts the next target token at every
// step. Backward runs the decoder's BPTT, hands its initial-state gradient to the encoder as dHn (and dCn),
// then runs the encoder's. One slab holds every parameter under the PyTorch module names of seq2seq-config.ts.
// With attention, the decoder's outputs attend over the encoder's (attention.ts) and the head reads
// [h_t ; ctx_t] (attention-head.ts); the encoder's outputs then get gradients from the attention as well.
// With input feeding the decoder runs step by step instead (attention-feed.ts).
// Decoding (greedy, beam search) is in seq2seq-decode.ts.

import { ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { DecoderAttention } from './attention.ts';
import { feedsInput } from './attention-config.ts';
import { InputFeeding } from './attention-feed.ts';
import { attendedHeadBackward, attendedHeadForward } from './attention-head.ts';
import { Dense } from './dense.ts';
import { DropoutStream } from './dropout.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { NO_INIT, skipsInit } from './initializers.ts';
import { LSTM } from './lstm.ts';
import type { Recurrent } from './recurrent.ts';
import { RNN } from './rnn.ts';
import { handBack, handOver } from './seq2seq-bridge.ts';
import {
  type Seq2SeqConfig,
  type Seq2SeqOptions,
  seq2seqConfig,
  seq2seqLayers,
  seq2seqSpecs,
} from './seq2seq-config.ts';
import { checkInputs, checkLengths, type InputShape, type ModelInputs } from './sequence-input.ts';
import { ParamSlab, type TensorSpec } from './slab.ts';
import { SlabModel } from './slab-record.ts';
import { type ModelSummary, summarizeSeq2Seq } from './summary.ts';
import { Workspace } from './workspace.ts';

export interface Seq2SeqPass {
  /** Real steps of each source row [B]; absent = all. */
  sourceLengths?: ArrayLike<number>;
  /** Real steps of each target row [B]; absent = all. */
  targetLengths?: ArrayLike<number>;
  backward?: boolean;
  training?: boolean;
}

interface Loaded {
  Ts: number;
  Tt: number;
  B: number;
  srcLen: number;
  tgtLen: number;
  dropout: number;
}

export class Seq2Seq extends SlabModel {
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
  readonly #ws: Workspace;
  #pass: Loaded | undefined;
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
    this.#ws = new Workspace(rt);
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
    const { T: Ts, B } = shape;
    const c = this.config;
    const ws = this.#ws;
    const H = c.recurrent.hiddenSize;
    const L = c.recurrent.numLayers;
    const backward = pass.backward ?? false;
    const srcLen = checkLengths(pass.sourceLengths, Ts, B);
    const tgtLen = checkLengths(pass.targetLengths, Tt, B);
    const srcIds = c.source.kind !== 'features';
    ws.need('src', Ts * B * (srcIds ? 1 : c.source.size));
    if (c.source.kind === 'embedding') ws.need('src_emb', Ts * B * c.source.dim);
    ws.need('dec_in', Tt * B);
    if (c.target.kind === 'embedding') ws.need('dec_emb', Tt * B * c.target.dim);
    ws.need('h0', L * B * H);
    if (this.encoder.cell.hasCell) ws.need('c0', L * B * H);
    if (srcLen) ws.need('src_len', B);
    if (tgtLen) ws.need('tgt_len', B);
    ws.need('y', Tt * B * c.target.size);
    if (backward) ws.need('dout', Tt * B * H);
    for (const r of [this.encoder, this.decoder]) {
      r.engine.dropout = c.recurrent.dropout;
    }
    this.encoder.engine.reserve(Ts, B, backward, c.source.kind === 'tokens');
    if (this.feeding) this.feeding.reserve(Tt, Ts, B, backward);
    else this.decoder.engine.reserve(Tt, B, backward, c.target.kind === 'tokens');
    if (this.attention) {
      if (!this.feeding) this.attention.reserve(Tt, Ts, B, backward);
      if (backward && this.feeding && this.decoderEmbedding) ws.need('demb', Tt * B * c.target.dim);
      if (backward) ws.need('dctx', Tt * B * this.attention.config.keySize);
      if (backward) ws.need('dkeys', Ts * B * this.attention.config.keySize);
    }
    if (srcIds) this.rt.arena.memoryI32.set(source.data, ws.ptr('src') >> 2);
    else this.rt.arena.memoryF32.set(source.data, ws.ptr('src') >> 2);
    const decIn = ws.ptr('dec_in') >> 2;
    const i32 = this.rt.arena.memoryI32;
    i32.fill(c.bos, decIn, decIn + B);
    i32.set(targets.subarray(0, (Tt - 1) * B), decIn + B);
    if (srcLen) this.rt.arena.memoryI32.set(srcLen, ws.ptr('src_len') >> 2);
    if (tgtLen) this.rt.arena.memoryI32.set(tgtLen, ws.ptr('tgt_len') >> 2);
    const training = pass.training ?? backward;
    this.#pass = {
      Ts,
      Tt,
      B,
      srcLen: srcLen ? ws.ptr('src_len') : 0,
      tgtLen: tgtLen ? ws.ptr('tgt_len') : 0,
      dropout: training ? this.dropout.ptr : 0,
    };
  }

  /** Encoder, state hand-over, teacher-forced decoder, head: logits [Tt·B, V] at `output`. */
  forward(): void {
    const p = this.#need();
    const { Ts, Tt, B } = p;
    const c = this.config;
    const ws = this.#ws;
    const k = this.rt.kernels;
    const enc = this.encoder.engine;
    const dec = this.decoder.engine;
    const src = this.#embed(this.encoderEmbedding, ws.ptr('src'), ws.ptr('src_emb'), Ts * B);
    enc.forward({
      T: Ts,
      B,
      tokens: c.source.kind === 'tokens',
      x: src,
      h0: 0,
      c0: 0,
      lengths: p.srcLen,
      dropout: p.dropout,
    });
    handOver(enc, ws.ptr('h0'), enc.cell.hasCell ? ws.ptr('c0') : 0, B);
    const x = this.#embed(this.decoderEmbedding, ws.ptr('dec_in'), ws.ptr('dec_emb'), Tt * B);
    this.#decoded = undefined;
    if (this.feeding) {
      const pass = { Tt, Ts, B, x, tokens: c.target.kind === 'tokens', h0: ws.ptr('h0') };
      const more = { c0: enc.cell.hasCell ? ws.ptr('c0') : 0, keys: enc.outputs, lengths: p.srcLen };
      this.feeding.forward({ ...pass, ...more, dropout: p.dropout }, ws.ptr('y'));
      return;
    }
    dec.forward({
      T: Tt,
      B,
      tokens: c.target.kind === 'tokens',
      x,
      h0: ws.ptr('h0'),
      c0: enc.cell.hasCell ? ws.ptr('c0') : 0,
      lengths: p.tgtLen,
      dropout: p.dropout,
    });
    if (this.attention === undefined) {
      this.head.forwardRows(ws.ptr('y'), dec.outputs, Tt * B);
      return;
    }
    const q = dec.outputs;
    this.attention.forward({ Tq: Tt, Ts, B, q, keys: enc.outputs, lengths: p.srcLen });
    attendedHeadForward(k, this.head, ws.ptr('y'), q, this.attention.context, Tt * B, c.recurrent.hiddenSize);
  }

  /**
   * Attention weights [T_tgt, T_src, B] of the last forward (teacher forcing) or decoding (greedy, beam: the
   * chosen sequences, zero after each one ends); undefined without attention or before the first.
   */
  attentionWeights(): Tensor | undefined {
    const p = this.#pass;
    if (this.attention === undefined || this.#disposed) return undefined;
    if (this.#decoded) return { data: this.#decoded.data.slice(), shape: [...this.#decoded.shape] };
    if (this.feeding) return this.feeding.ready ? this.feeding.readWeights() : undefined;
    return p === undefined ? undefined : this.attention.readWeights();
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
    return this.#ws.ptr('y');
  }

  backward(): void {
    const { Ts, Tt, B } = this.#need();
    const ws = this.#ws;
    const k = this.rt.kernels;
    const enc = this.encoder.engine;
    const dec = this.decoder.engine;
    const H = this.config.recurrent.hiddenSize;
    const att = this.attention;
    if (this.feeding) {
      const K = this.attention!.config.keySize;
      k.fill_f32(ws.ptr('dkeys'), 0, Ts * B * K);
      const demb = this.decoderEmbedding ? ws.ptr('demb') : 0;
      this.feeding.backward(ws.ptr('y'), ws.ptr('dkeys'), demb);
      this.decoderEmbedding?.backwardRows(demb, ws.ptr('dec_in'), Tt * B);
      handBack(enc, dec, B);
      enc.backward(ws.ptr('dkeys'), this.encoderEmbedding !== undefined);
      this.encoderEmbedding?.backwardRows(enc.inputGrad, ws.ptr('src'), Ts * B);
      return;
    }
    if (att === undefined) this.head.backwardRows(ws.ptr('dout'), ws.ptr('y'), dec.outputs, Tt * B);
    else {
      const [dctx, dkeys] = [ws.ptr('dctx'), ws.ptr('dkeys')];
      attendedHeadBackward(
        k,
        this.head,
        ws.ptr('dout'),
        dctx,
        ws.ptr('y'),
        dec.outputs,
        att.context,
        Tt * B,
        H,
      );
      k.fill_f32(dkeys, 0, Ts * B * att.config.keySize);
      att.backward(ws.ptr('dout'), dkeys, dctx);
    }
    dec.zeroStateGrads();
    dec.backward(ws.ptr('dout'), this.decoderEmbedding !== undefined);
    this.decoderEmbedding?.backwardRows(dec.inputGrad, ws.ptr('dec_in'), Tt * B);
    handBack(enc, dec, B);
    enc.backward(att ? ws.ptr('dkeys') : 0, this.encoderEmbedding !== undefined);
    this.encoderEmbedding?.backwardRows(enc.inputGrad, ws.ptr('src'), Ts * B);
  }

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
    this.#ws.free();
    this.dropout.free();
    this.slab.free();
  }

  /** The rows an embedding makes of ids (into `out`), or the ids themselves when there is none. */
  #embed(e: Embedding | undefined, ids: number, out: number, n: number): number {
    if (e === undefined) return ids;
    e.forwardRows(out, ids, n);
    return out;
  }

  #need(): Loaded {
    if (this.#pass === undefined || this.#disposed) throw new ValueError('call load() with a batch first');
    return this.#pass;
  }
}
