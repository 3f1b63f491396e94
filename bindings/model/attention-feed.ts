// The teacher-forced decoder of an attention Seq2Seq with input feeding: step t reads
// x'_t = [x_t ; ctx_{t−1}] (ctx_{−1} = 0), so one step's attention must run before the next step's cell and the
// whole-sequence decoder kernels cannot be used. Forward runs the decoder engine with T = 1 and the attention
// with Tq = 1 step by step, keeping every step's input, top output, context, weights, state and dropout stream
// state. Backward walks the steps in reverse and recomputes each one (engine and attention keep a single
// pass) from what was kept, so the recomputation gives the forward's values bit for bit: the attention's
// backward adds dq_t into the top output's gradient, the engine's T = 1 backward carries dH (dC) from step
// t + 1 to step t in its own dh (dc) and gives dx'_t, whose last K columns go to dctx_{t−1}.
// Every target step runs (padded ones too: they come after a row's real steps, so they change no real one).

import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import type { DecoderAttention } from './attention.ts';
import { feedsOutput } from './attention-config.ts';
import { attendedHeadBackward, attendedHeadForward } from './attention-head.ts';
import type { Dense } from './dense.ts';
import type { RecurrentEngine } from './recurrent-engine.ts';
import { Workspace } from './workspace.ts';

export interface FedPass {
  Tt: number;
  Ts: number;
  B: number;
  /** The decoder's inputs: i32 ids [Tt·B] (one-hot) when `tokens`, else embedding rows [Tt·B, E]. */
  x: number;
  tokens: boolean;
  /** [L, B, H] initial states, 0 = zeros. */
  h0: number;
  c0: number;
  /** The encoder's outputs [Ts·B, K]. */
  keys: number;
  /** i32 [B] source lengths, 0 = all Ts. */
  lengths: number;
  /** Dropout stream state (4 × u32), 0 = none. */
  dropout: number;
}

export class InputFeeding {
  readonly #rt: Runtime;
  readonly #dec: RecurrentEngine;
  readonly #att: DecoderAttention;
  readonly #head: Dense;
  /** Width of the decoder's own input (embedding dim or vocabulary). */
  readonly #E: number;
  readonly #ws: Workspace;
  #pass: FedPass | undefined;

  constructor(rt: Runtime, dec: RecurrentEngine, att: DecoderAttention, head: Dense, E: number) {
    [this.#rt, this.#dec, this.#att, this.#head, this.#E] = [rt, dec, att, head, E];
    this.#ws = new Workspace(rt);
  }

  /** Sizes this pass's blocks and the engine's and attention's single-step ones; call before any pointer. */
  reserve(Tt: number, Ts: number, B: number, backward: boolean): void {
    const { H, L } = this.#dec.config;
    const K = this.#att.config.keySize;
    const ws = this.#ws;
    const N = Tt * B;
    ws.need('x', N * (this.#E + K));
    ws.need('q', N * H);
    ws.need('ctx', N * K);
    ws.need('p', N * Ts);
    ws.need('h', (Tt + 1) * L * B * H);
    if (this.#dec.cell.hasCell) ws.need('c', (Tt + 1) * L * B * H);
    ws.need('rng', 4 * (Tt + 1));
    this.#dec.reserve(1, B, backward, false);
    this.#att.reserve(1, Ts, B, backward);
    if (!backward) return;
    ws.need('dq', N * H);
    ws.need('dctx', N * K);
  }

  /** Logits [Tt·B, V] into y. */
  forward(p: FedPass, y: number): void {
    this.#pass = { ...p };
    const { Tt, Ts, B } = p;
    const { H, L } = this.#dec.config;
    const K = this.#att.config.keySize;
    const E = this.#E;
    const k = this.#rt.kernels;
    const ws = this.#ws;
    const W = E + K;
    const x = ws.ptr('x');
    const xs = this.#rt.arena.f32At(x, Tt * B * W);
    xs.fill(0);
    if (p.tokens) {
      const ids = this.#rt.arena.i32At(p.x, Tt * B);
      for (let r = 0; r < Tt * B; r++) xs[r * W + ids[r]] = 1;
    } else {
      for (let r = 0; r < Tt * B; r++) k.copy_f32(x + r * W * 4, p.x + r * E * 4, E);
    }
    const LBH = L * B * H;
    const hasCell = this.#dec.cell.hasCell;
    const [h, c] = [ws.ptr('h'), hasCell ? ws.ptr('c') : 0];
    for (const [to, from] of [
      [h, p.h0],
      [c, p.c0],
    ]) {
      if (to === 0) continue;
      if (from) k.copy_f32(to, from, LBH);
      else k.fill_f32(to, 0, LBH);
    }
    for (let t = 0; t < Tt; t++) {
      if (t > 0) {
        for (let b = 0; b < B; b++) {
          k.copy_f32(x + ((t * B + b) * W + E) * 4, ws.ptr('ctx') + ((t - 1) * B + b) * K * 4, K);
        }
      }
      if (p.dropout) this.#copyRng(ws.ptr('rng') + (t + 1) * 16, p.dropout);
      this.#step(t, p.dropout);
      for (let l = 0; l < L; l++) {
        const at = ((t + 1) * LBH + l * B * H) * 4;
        k.copy_f32(h + at, this.#dec.finalState(l, 'h'), B * H);
        if (hasCell) k.copy_f32(c + at, this.#dec.finalState(l, 'c'), B * H);
      }
      k.copy_f32(ws.ptr('q') + t * B * H * 4, this.#dec.outputs, B * H);
      this.#attend(t, t > 0);
      k.copy_f32(ws.ptr('ctx') + t * B * K * 4, this.#att.context, B * K);
      k.copy_f32(ws.ptr('p') + t * B * Ts * 4, this.#att.weights, B * Ts);
    }
    if (feedsOutput(this.#att.config))
      attendedHeadForward(k, this.#head, y, ws.ptr('q'), ws.ptr('ctx'), Tt * B, H);
    else this.#head.forwardRows(y, ws.ptr('q'), Tt * B);
  }

  /**
   * From dy [Tt·B, V]: every weight gradient of the decoder, attention and head (+=), dKeys (+=) and, when
   * dEmb is not 0, the gradient of the decoder's embedding rows [Tt·B, E]. The engine's dh (dc) end as dH0
   * (dC0), for the encoder.
   */
  backward(dy: number, dKeys: number, dEmb: number): void {
    const p = this.#pass!;
    const { Tt, B } = p;
    const { H } = this.#dec.config;
    const K = this.#att.config.keySize;
    const E = this.#E;
    const k = this.#rt.kernels;
    const ws = this.#ws;
    const [dq, dctx] = [ws.ptr('dq'), ws.ptr('dctx')];
    const N = Tt * B;
    if (feedsOutput(this.#att.config))
      attendedHeadBackward(k, this.#head, dq, dctx, dy, ws.ptr('q'), ws.ptr('ctx'), N, H);
    else {
      this.#head.backwardRows(dq, dy, ws.ptr('q'), N);
      k.fill_f32(dctx, 0, N * K);
    }
    this.#dec.zeroStateGrads();
    for (let t = Tt - 1; t >= 0; t--) {
      this.#attend(t);
      if (t === Tt - 1) this.#att.beginKeys();
      this.#att.backward(dq + t * B * H * 4, dKeys, dctx + t * B * K * 4, true);
      const rng = ws.ptr('rng');
      // The forward's dropout masks again: the stream state it had before step t, copied to a scratch slot.
      if (p.dropout) this.#copyRng(rng, rng + (t + 1) * 16);
      this.#step(t, p.dropout ? rng : 0);
      this.#dec.backward(dq + t * B * H * 4, true);
      const dx = this.#dec.inputGrad;
      for (let b = 0; b < B; b++) {
        const row = dx + b * (E + K) * 4;
        if (t > 0) {
          const to = dctx + ((t - 1) * B + b) * K * 4;
          k.add_f32(to, to, row + E * 4, K);
        }
        if (dEmb) k.copy_f32(dEmb + (t * B + b) * E * 4, row, E);
      }
    }
    this.#att.finishKeys(dKeys);
  }

  /** Attention weights [Tt, Ts, B] of the last forward (PyTorch's layout). */
  readWeights(): Tensor {
    const { Tt, Ts, B } = this.#pass!;
    const rows = this.#rt.arena.f32At(this.#ws.ptr('p'), Tt * B * Ts);
    const out = new Float32Array(Tt * Ts * B);
    for (let t = 0; t < Tt; t++) {
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < Ts; s++) out[(t * Ts + s) * B + b] = rows[(t * B + b) * Ts + s];
      }
    }
    return { data: out, shape: [Tt, Ts, B] };
  }

  get ready(): boolean {
    return this.#pass !== undefined;
  }

  dispose(): void {
    this.#ws.free();
    this.#pass = undefined;
  }

  /** The engine over step t alone, from the state kept before it. */
  #step(t: number, dropout: number): void {
    const { B } = this.#pass!;
    const { H, L } = this.#dec.config;
    const K = this.#att.config.keySize;
    const ws = this.#ws;
    const at = t * L * B * H * 4;
    this.#dec.forward({
      T: 1,
      B,
      tokens: false,
      x: ws.ptr('x') + t * B * (this.#E + K) * 4,
      h0: ws.ptr('h') + at,
      c0: this.#dec.cell.hasCell ? ws.ptr('c') + at : 0,
      lengths: 0,
      dropout,
    });
  }

  /** The attention of step t's top output over the keys (projected once per pass: the same every step). */
  #attend(t: number, keysProjected = true): void {
    const p = this.#pass!;
    const { H } = this.#dec.config;
    this.#att.forward({
      Tq: 1,
      Ts: p.Ts,
      B: p.B,
      q: this.#ws.ptr('q') + t * p.B * H * 4,
      keys: p.keys,
      lengths: p.lengths,
      keysProjected,
    });
  }

  #copyRng(to: number, from: number): void {
    this.#rt.arena.memoryI32.copyWithin(to >> 2, from >> 2, (from >> 2) + 4);
  }
}
