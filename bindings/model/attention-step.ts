// One decoding step of an attention decoder: the stepper's new h [N, H] attends over the encoder's outputs
// (each source row repeated for its `copies` beams, N = B·copies) and the head reads [h ; ctx] (h alone with
// feed 'input'). The keys are copied into linear memory once per decoding; a step copies h in and the logits
// out, and context() gives ctx for input feeding's next step.

import type { Runtime } from '../runtime/runtime.ts';
import type { DecoderAttention } from './attention.ts';
import { feedsOutput } from './attention-config.ts';
import { attendedHeadForward } from './attention-head.ts';
import type { Dense } from './dense.ts';
import { Workspace } from './workspace.ts';

export class AttentionStep {
  readonly #rt: Runtime;
  readonly #attention: DecoderAttention;
  readonly #head: Dense;
  readonly #ws: Workspace;
  readonly #Ts: number;
  readonly #N: number;
  readonly #H: number;
  /** The keys' projection is in place after the first step (the keys do not change during a decoding). */
  #projected = false;

  /** keys: the encoder's outputs [Ts, B, K]; lengths [B] of the source rows (absent = all Ts). */
  constructor(
    rt: Runtime,
    attention: DecoderAttention,
    head: Dense,
    keys: Float32Array,
    shape: { Ts: number; B: number; copies: number },
    lengths: ArrayLike<number> | undefined,
  ) {
    const { Ts, B, copies } = shape;
    const N = B * copies;
    const K = attention.config.keySize;
    const H = attention.config.querySize;
    [this.#rt, this.#attention, this.#head, this.#Ts, this.#N, this.#H] = [rt, attention, head, Ts, N, H];
    const ws = new Workspace(rt);
    this.#ws = ws;
    try {
      ws.need('keys', Ts * N * K);
      ws.need('q', N * H);
      ws.need('y', N * head.outFeatures);
      if (lengths) ws.need('len', N);
      attention.reserve(1, Ts, N, false);
    } catch (error) {
      ws.free();
      throw error;
    }
    const f32 = rt.arena.f32At(ws.ptr('keys'), Ts * N * K);
    for (let t = 0; t < Ts; t++) {
      for (let n = 0; n < N; n++) {
        const from = (t * B + Math.floor(n / copies)) * K;
        f32.set(keys.subarray(from, from + K), (t * N + n) * K);
      }
    }
    if (lengths) {
      const len = rt.arena.i32At(ws.ptr('len'), N);
      for (let n = 0; n < N; n++) len[n] = lengths[Math.floor(n / copies)];
    }
  }

  /** Logits [N, V] for the decoder's new state h [N, H]. */
  step(h: Float32Array): Float32Array {
    const ws = this.#ws;
    const N = this.#N;
    this.#rt.arena.f32At(ws.ptr('q'), N * this.#H).set(h);
    this.#attention.forward({
      Tq: 1,
      Ts: this.#Ts,
      B: N,
      q: ws.ptr('q'),
      keys: ws.ptr('keys'),
      lengths: ws.ptr('len'),
      keysProjected: this.#projected,
    });
    this.#projected = true;
    if (feedsOutput(this.#attention.config)) {
      const k = this.#rt.kernels;
      attendedHeadForward(k, this.#head, ws.ptr('y'), ws.ptr('q'), this.#attention.context, N, this.#H);
    } else this.#head.forwardRows(ws.ptr('y'), ws.ptr('q'), N);
    return this.#rt.arena.f32At(ws.ptr('y'), N * this.#head.outFeatures).slice();
  }

  /** The last step's context [N, K] (a copy). */
  context(): Float32Array {
    const n = this.#N * this.#attention.config.keySize;
    return this.#rt.arena.f32At(this.#attention.context, n).slice();
  }

  /** The last step's weights over the source [Ts] of row n (a copy). */
  weights(n: number): Float32Array {
    const Ts = this.#Ts;
    return this.#rt.arena.f32At(this.#attention.weights + n * Ts * 4, Ts).slice();
  }

  dispose(): void {
    this.#ws.free();
  }
}
