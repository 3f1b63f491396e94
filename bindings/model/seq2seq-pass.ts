// The teacher-forced pass of a Seq2Seq over linear memory. load() copies a checked source and targets in and
// sizes every block; forward() runs the encoder, hands its final state to the decoder (seq2seq-bridge.ts), runs
// the decoder over [bos, y_0, …, y_{Tt−2}] (or the input-feeding loop, attention-feed.ts), the attention and
// the head, leaving the logits at `output`; backward() runs the decoder's BPTT from the logits' gradient, hands
// its initial-state gradient to the encoder as dHn (and dCn), then runs the encoder's.

import type { Runtime } from '../runtime/runtime.ts';
import type { DecoderAttention } from './attention.ts';
import type { InputFeeding } from './attention-feed.ts';
import { attendedHeadBackward, attendedHeadForward } from './attention-head.ts';
import type { Dense } from './dense.ts';
import type { DropoutStream } from './dropout.ts';
import type { Embedding } from './embedding.ts';
import type { RecurrentEngine } from './recurrent-engine.ts';
import { handBack, handOver } from './seq2seq-bridge.ts';
import type { Seq2SeqConfig } from './seq2seq-config.ts';
import { checkLengths, type InputShape, type ModelInputs } from './sequence-input.ts';
import { Workspace } from './workspace.ts';

export interface Seq2SeqPass {
  /** Real steps of each source row [B]; absent = all. */
  sourceLengths?: ArrayLike<number>;
  /** Real steps of each target row [B]; absent = all. */
  targetLengths?: ArrayLike<number>;
  backward?: boolean;
  training?: boolean;
}

/** The layers a pass runs, as the Seq2Seq built them (the recurrent ones as their engines). */
export interface Seq2SeqParts {
  readonly encoderEmbedding: Embedding | undefined;
  readonly encoder: RecurrentEngine;
  readonly decoderEmbedding: Embedding | undefined;
  readonly decoder: RecurrentEngine;
  readonly attention: DecoderAttention | undefined;
  /** The step-by-step decoder of attention with feed 'input' or 'both'. */
  readonly feeding: InputFeeding | undefined;
  readonly head: Dense;
}

interface Loaded {
  Ts: number;
  Tt: number;
  B: number;
  srcLen: number;
  tgtLen: number;
  dropout: number;
}

export class TeacherForcedPass {
  readonly #rt: Runtime;
  readonly #config: Seq2SeqConfig;
  readonly #parts: Seq2SeqParts;
  /** The generator of a training pass's dropout masks. */
  readonly #dropout: DropoutStream;
  readonly #ws: Workspace;
  #loaded: Loaded | undefined;

  constructor(rt: Runtime, config: Seq2SeqConfig, dropout: DropoutStream, parts: Seq2SeqParts) {
    this.#rt = rt;
    this.#config = config;
    this.#parts = parts;
    this.#dropout = dropout;
    this.#ws = new Workspace(rt);
  }

  /** Whether a batch was loaded (and the pass not freed since). */
  get loaded(): boolean {
    return this.#loaded !== undefined;
  }

  /** Byte pointer of the logits [Tt·B, V]. */
  get output(): number {
    return this.#ws.ptr('y');
  }

  /** See Seq2Seq.load. */
  load(source: ModelInputs, shape: InputShape, targets: Int32Array, Tt: number, pass: Seq2SeqPass): void {
    const { T: Ts, B } = shape;
    const c = this.#config;
    const p = this.#parts;
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
    if (p.encoder.cell.hasCell) ws.need('c0', L * B * H);
    if (srcLen) ws.need('src_len', B);
    if (tgtLen) ws.need('tgt_len', B);
    ws.need('y', Tt * B * c.target.size);
    if (backward) ws.need('dout', Tt * B * H);
    for (const r of [p.encoder, p.decoder]) {
      r.dropout = c.recurrent.dropout;
    }
    p.encoder.reserve(Ts, B, backward, c.source.kind === 'tokens');
    if (p.feeding) p.feeding.reserve(Tt, Ts, B, backward);
    else p.decoder.reserve(Tt, B, backward, c.target.kind === 'tokens');
    if (p.attention) {
      if (!p.feeding) p.attention.reserve(Tt, Ts, B, backward);
      if (backward && p.feeding && p.decoderEmbedding) ws.need('demb', Tt * B * c.target.dim);
      if (backward) ws.need('dctx', Tt * B * p.attention.config.keySize);
      if (backward) ws.need('dkeys', Ts * B * p.attention.config.keySize);
    }
    const arena = this.#rt.arena;
    if (srcIds) arena.memoryI32.set(source.data, ws.ptr('src') >> 2);
    else arena.memoryF32.set(source.data, ws.ptr('src') >> 2);
    const decIn = ws.ptr('dec_in') >> 2;
    const i32 = arena.memoryI32;
    i32.fill(c.bos, decIn, decIn + B);
    i32.set(targets.subarray(0, (Tt - 1) * B), decIn + B);
    if (srcLen) arena.memoryI32.set(srcLen, ws.ptr('src_len') >> 2);
    if (tgtLen) arena.memoryI32.set(tgtLen, ws.ptr('tgt_len') >> 2);
    const training = pass.training ?? backward;
    this.#loaded = {
      Ts,
      Tt,
      B,
      srcLen: srcLen ? ws.ptr('src_len') : 0,
      tgtLen: tgtLen ? ws.ptr('tgt_len') : 0,
      dropout: training ? this.#dropout.ptr : 0,
    };
  }

  /** Encoder, state hand-over, teacher-forced decoder, head: logits [Tt·B, V] at `output`. */
  forward(): void {
    const { Ts, Tt, B, srcLen, tgtLen, dropout } = this.#loaded!;
    const c = this.#config;
    const p = this.#parts;
    const ws = this.#ws;
    const k = this.#rt.kernels;
    const enc = p.encoder;
    const dec = p.decoder;
    const src = embed(p.encoderEmbedding, ws.ptr('src'), ws.ptr('src_emb'), Ts * B);
    enc.forward({
      T: Ts,
      B,
      tokens: c.source.kind === 'tokens',
      x: src,
      h0: 0,
      c0: 0,
      lengths: srcLen,
      dropout,
    });
    const c0 = enc.cell.hasCell ? ws.ptr('c0') : 0;
    handOver(enc, ws.ptr('h0'), c0, B);
    const x = embed(p.decoderEmbedding, ws.ptr('dec_in'), ws.ptr('dec_emb'), Tt * B);
    if (p.feeding) {
      const pass = { Tt, Ts, B, x, tokens: c.target.kind === 'tokens', h0: ws.ptr('h0') };
      p.feeding.forward({ ...pass, c0, keys: enc.outputs, lengths: srcLen, dropout }, ws.ptr('y'));
      return;
    }
    const tokens = c.target.kind === 'tokens';
    dec.forward({ T: Tt, B, tokens, x, h0: ws.ptr('h0'), c0, lengths: tgtLen, dropout });
    if (p.attention === undefined) {
      p.head.forwardRows(ws.ptr('y'), dec.outputs, Tt * B);
      return;
    }
    const q = dec.outputs;
    p.attention.forward({ Tq: Tt, Ts, B, q, keys: enc.outputs, lengths: srcLen });
    attendedHeadForward(k, p.head, ws.ptr('y'), q, p.attention.context, Tt * B, c.recurrent.hiddenSize);
  }

  /** BPTT from ∂loss/∂logits at `output`: every parameter's gradient added into the slab. */
  backward(): void {
    const { Ts, Tt, B } = this.#loaded!;
    const p = this.#parts;
    const ws = this.#ws;
    const k = this.#rt.kernels;
    const enc = p.encoder;
    const dec = p.decoder;
    const H = this.#config.recurrent.hiddenSize;
    const att = p.attention;
    if (p.feeding) {
      const K = att!.config.keySize;
      k.fill_f32(ws.ptr('dkeys'), 0, Ts * B * K);
      const demb = p.decoderEmbedding ? ws.ptr('demb') : 0;
      p.feeding.backward(ws.ptr('y'), ws.ptr('dkeys'), demb);
      p.decoderEmbedding?.backwardRows(demb, ws.ptr('dec_in'), Tt * B);
      handBack(enc, dec, B);
      enc.backward(ws.ptr('dkeys'), p.encoderEmbedding !== undefined);
      p.encoderEmbedding?.backwardRows(enc.inputGrad, ws.ptr('src'), Ts * B);
      return;
    }
    if (att === undefined) p.head.backwardRows(ws.ptr('dout'), ws.ptr('y'), dec.outputs, Tt * B);
    else {
      const [dctx, dkeys] = [ws.ptr('dctx'), ws.ptr('dkeys')];
      attendedHeadBackward(k, p.head, ws.ptr('dout'), dctx, ws.ptr('y'), dec.outputs, att.context, Tt * B, H);
      k.fill_f32(dkeys, 0, Ts * B * att.config.keySize);
      att.backward(ws.ptr('dout'), dkeys, dctx);
    }
    dec.zeroStateGrads();
    dec.backward(ws.ptr('dout'), p.decoderEmbedding !== undefined);
    p.decoderEmbedding?.backwardRows(dec.inputGrad, ws.ptr('dec_in'), Tt * B);
    handBack(enc, dec, B);
    enc.backward(att ? ws.ptr('dkeys') : 0, p.encoderEmbedding !== undefined);
    p.encoderEmbedding?.backwardRows(enc.inputGrad, ws.ptr('src'), Ts * B);
  }

  free(): void {
    this.#ws.free();
    this.#loaded = undefined;
  }
}

/** The rows an embedding makes of ids (into `out`), or the ids themselves when there is none. */
function embed(e: Embedding | undefined, ids: number, out: number, n: number): number {
  if (e === undefined) return ids;
  e.forwardRows(out, ids, n);
  return out;
}
