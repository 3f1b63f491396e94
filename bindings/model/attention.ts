// The pointer-level passes of a decoder's attention over the encoder's outputs, batched over every query step:
// queries q [Tq·B, H] (decoder outputs), keys = values = encoder outputs [Ts·B, K], time-major. Forward makes
// the weights p [Tq·B, Ts] (masked softmax of the scores over each row's real source steps) and the context
// ctx [Tq·B, K]; backward adds dq and dKeys (+=) and the score layers' weight gradients to the slab.
// Projections (W_q q, W_k k, W_a k) are one GEMM each over all rows, before the score kernel.

import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import { type AttentionConfig, attentionLayers } from './attention-config.ts';
import { Dense } from './dense.ts';
import type { ParamSlab } from './slab.ts';
import { Workspace } from './workspace.ts';

export interface AttentionPass {
  Tq: number;
  Ts: number;
  B: number;
  q: number;
  keys: number;
  /** i32 [B] source lengths, 0 = all Ts. */
  lengths: number;
  /** The last forward had these keys (same Ts, B): their projection is still in place (input feeding's steps). */
  keysProjected?: boolean;
}

export class DecoderAttention {
  readonly config: AttentionConfig;
  readonly rt: Runtime;
  /** Bias-free score layers by name: query, key, v (additive); key (general); none (dot). */
  readonly layers: Readonly<Record<string, Dense>>;
  readonly #ws: Workspace;
  #pass: AttentionPass | undefined;

  constructor(rt: Runtime, config: AttentionConfig, seed: number, slab: ParamSlab, skip: object) {
    this.rt = rt;
    this.config = config;
    const layers: Record<string, Dense> = {};
    for (const o of attentionLayers(config, seed)) {
      layers[o.prefix!.split('.')[2]] = new Dense(rt, { ...o, slab, ...skip });
    }
    this.layers = layers;
    this.#ws = new Workspace(rt);
  }

  /** Sizes every block of a pass over (Tq, Ts, B); may move them, so call it before taking pointers. */
  reserve(Tq: number, Ts: number, B: number, backward: boolean): void {
    const ws = this.#ws;
    const { keySize: K, querySize: H, scoreSize: A } = this.config;
    const rows = Tq * B * Ts;
    ws.need('s', rows);
    ws.need('p', rows);
    ws.need('ctx', Tq * B * K);
    if (this.config.score === 'additive') ws.need('qp', Tq * B * A);
    if (this.config.score !== 'dot') ws.need('kp', Ts * B * (this.config.score === 'additive' ? A : H));
    if (!backward) return;
    ws.need('dp', rows);
    ws.need('ds', rows);
    if (this.config.score === 'additive') ws.need('dqp', Tq * B * A);
    if (this.config.score !== 'dot') {
      ws.need('dkp', Ts * B * (this.config.score === 'additive' ? A : H));
      ws.need('dx', Math.max(Ts * B * K, Tq * B * H));
    }
  }

  forward(p: AttentionPass): void {
    this.#pass = { ...p };
    const { Tq, Ts, B } = p;
    const k = this.rt.kernels;
    const ws = this.#ws;
    const { key, query, v } = this.layers;
    if (this.config.score === 'dot')
      k.attn_score_dot_f32(ws.ptr('s'), p.q, p.keys, Tq, Ts, B, this.config.keySize);
    else if (this.config.score === 'general') {
      if (!p.keysProjected) key.forwardRows(ws.ptr('kp'), p.keys, Ts * B);
      k.attn_score_dot_f32(ws.ptr('s'), p.q, ws.ptr('kp'), Tq, Ts, B, this.config.querySize);
    } else {
      query.forwardRows(ws.ptr('qp'), p.q, Tq * B);
      if (!p.keysProjected) key.forwardRows(ws.ptr('kp'), p.keys, Ts * B);
      const w = v.params.ptr('weight');
      k.attn_score_add_f32(ws.ptr('s'), ws.ptr('qp'), ws.ptr('kp'), w, Tq, Ts, B, this.config.scoreSize);
    }
    k.attn_softmax_f32(ws.ptr('p'), ws.ptr('s'), p.lengths, Tq, Ts, B);
    k.attn_context_f32(ws.ptr('ctx'), ws.ptr('p'), p.keys, Tq, Ts, B, this.config.keySize);
  }

  /** Weights [Tq·B, Ts] of the last forward. */
  get weights(): number {
    return this.#ws.ptr('p');
  }

  /** A copy of the last forward's weights as [Tq, Ts, B] (PyTorch's layout for a time-major batch). */
  readWeights(): Tensor {
    const { Tq, Ts, B } = this.#pass!;
    const rows = this.rt.arena.f32At(this.weights, Tq * B * Ts);
    const out = new Float32Array(Tq * Ts * B);
    for (let t = 0; t < Tq; t++) {
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < Ts; s++) out[(t * Ts + s) * B + b] = rows[(t * B + b) * Ts + s];
      }
    }
    return { data: out, shape: [Tq, Ts, B] };
  }

  /** Context [Tq·B, K] of the last forward. */
  get context(): number {
    return this.#ws.ptr('ctx');
  }

  /**
   * From dctx [Tq·B, K]: adds into dq [Tq·B, H] and dKeys [Ts·B, K], and the score layers' gradients. With
   * `deferKeys` (backward over one step at a time, same keys), the keys' projection gradient is summed over the
   * calls between beginKeys() and finishKeys(), which runs the key layer's backward once.
   */
  backward(dq: number, dKeys: number, dctx: number, deferKeys = false): void {
    const p = this.#pass!;
    const { Tq, Ts, B } = p;
    const k = this.rt.kernels;
    const ws = this.#ws;
    const { keySize: K, querySize: H, scoreSize: A } = this.config;
    const { query, v } = this.layers;
    k.attn_context_bwd_f32(ws.ptr('dp'), dKeys, dctx, ws.ptr('p'), p.keys, Tq, Ts, B, K);
    k.attn_softmax_bwd_f32(ws.ptr('ds'), ws.ptr('p'), ws.ptr('dp'), Tq, Ts, B);
    if (this.config.score === 'dot') {
      k.attn_score_dot_bwd_f32(dq, dKeys, ws.ptr('ds'), p.q, p.keys, Tq, Ts, B, K);
      return;
    }
    const dkp = ws.ptr('dkp');
    const dx = ws.ptr('dx');
    if (this.config.score === 'general') {
      if (!deferKeys) k.fill_f32(dkp, 0, Ts * B * H);
      k.attn_score_dot_bwd_f32(dq, dkp, ws.ptr('ds'), p.q, ws.ptr('kp'), Tq, Ts, B, H);
    } else {
      const dqp = ws.ptr('dqp');
      k.fill_f32(dqp, 0, Tq * B * A);
      if (!deferKeys) k.fill_f32(dkp, 0, Ts * B * A);
      const w = v.params.ptr('weight');
      const dw = v.params.gradPtr('weight');
      k.attn_score_add_bwd_f32(dqp, dkp, dw, ws.ptr('ds'), ws.ptr('qp'), ws.ptr('kp'), w, Tq, Ts, B, A);
      query.backwardRows(dx, dqp, p.q, Tq * B);
      k.add_f32(dq, dq, dx, Tq * B * H);
    }
    if (!deferKeys) this.finishKeys(dKeys);
  }

  /** Zeroes the summed key-projection gradient of deferred backward calls (after a forward). */
  beginKeys(): void {
    const { Ts, B } = this.#pass!;
    const A = this.config.score === 'additive' ? this.config.scoreSize : this.config.querySize;
    if (this.config.score !== 'dot') this.rt.kernels.fill_f32(this.#ws.ptr('dkp'), 0, Ts * B * A);
  }

  /** The key layer's backward from the key-projection gradient: weight gradient, and dKeys (+=). */
  finishKeys(dKeys: number): void {
    if (this.config.score === 'dot') return;
    const { Ts, B, keys } = this.#pass!;
    const dx = this.#ws.ptr('dx');
    this.layers.key.backwardRows(dx, this.#ws.ptr('dkp'), keys, Ts * B);
    this.rt.kernels.add_f32(dKeys, dKeys, dx, Ts * B * this.config.keySize);
  }

  dispose(): void {
    for (const layer of Object.values(this.layers)) layer.dispose();
    this.#ws.free();
    this.#pass = undefined;
  }
}
