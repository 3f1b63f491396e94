// The top of a SequenceModel on workspace pointers: pooling of the recurrent outputs ('none': every step,
// 'last': the top layer's final state, 'attention': a learned weighted sum over each row's real steps),
// inverted dropout on the head's input in training, and the Dense head. Backward sends the gradient down
// into the engine's output gradient ('none', 'attention') or straight into its final-state gradient ('last').

import type { Runtime } from '../runtime/runtime.ts';
import type { Dense } from './dense.ts';
import type { AttentionPooling } from './pooling.ts';
import { dropoutArgs, type RecurrentEngine } from './recurrent-engine.ts';
import type { ModelConfig } from './sequence-config.ts';
import type { Workspace } from './workspace.ts';

export class HeadStage {
  readonly #rt: Runtime;
  readonly #c: ModelConfig;
  readonly #engine: RecurrentEngine;
  readonly #attention: AttentionPooling | undefined;
  readonly #head: Dense;
  readonly #ws: Workspace;
  readonly #D: number;
  readonly #H: number;
  #dropping = false;

  constructor(
    rt: Runtime,
    c: ModelConfig,
    engine: RecurrentEngine,
    attention: AttentionPooling | undefined,
    head: Dense,
    ws: Workspace,
  ) {
    this.#rt = rt;
    this.#c = c;
    this.#engine = engine;
    this.#attention = attention;
    this.#head = head;
    this.#ws = ws;
    this.#D = c.recurrent.bidirectional ? 2 : 1;
    this.#H = c.recurrent.hiddenSize;
  }

  rows(T: number, B: number): number {
    return this.#c.pooling === 'none' ? T * B : B;
  }

  reserve(T: number, B: number, backward: boolean, training: boolean): void {
    const ws = this.#ws;
    const DH = this.#D * this.#H;
    const rows = this.rows(T, B);
    const copy = this.#pooledCopy;
    if (copy) ws.need('pooled', B * DH);
    ws.need('y', rows * this.#c.head.outputSize);
    if (training && this.#c.head.dropout > 0) {
      ws.need('hdrop', rows * DH);
      ws.need('hmask', rows * DH);
    }
    if (!backward) return;
    if (this.#c.pooling !== 'last') ws.need('dout', T * B * DH);
    if (copy) ws.need('dpooled', B * DH);
  }

  /** y [rows, O] from the engine's last forward; `dropout` = the mask generator's state, 0 in evaluation. */
  forward(T: number, B: number, lengths: number, dropout: number): void {
    const c = this.#c;
    const e = this.#engine;
    const ws = this.#ws;
    if (c.pooling === 'attention') this.#attention!.forwardRows(ws.ptr('pooled'), e.outputs, lengths, T, B);
    else if (c.pooling === 'last' && this.#D === 2) this.#gatherLast(B);
    let x = this.#input();
    const rows = this.rows(T, B);
    this.#dropping = dropout !== 0 && c.head.dropout > 0;
    if (this.#dropping) {
      const [keep, scale] = dropoutArgs(c.head.dropout);
      const n = rows * this.#D * this.#H;
      this.#rt.kernels.dropout_f32(ws.ptr('hdrop'), x, ws.ptr('hmask'), dropout, n, keep, scale);
      x = ws.ptr('hdrop');
    }
    this.#head.forwardRows(ws.ptr('y'), x, rows);
  }

  /**
   * From ∂loss/∂y (over y): the head's gradients, then ∂loss/∂(recurrent outputs) into 'dout' (returned) or,
   * for 'last', into the engine's dh (returns 0). The engine's dh/dc must be zeroed before.
   */
  backward(T: number, B: number): number {
    const c = this.#c;
    const e = this.#engine;
    const ws = this.#ws;
    const rows = this.rows(T, B);
    const DH = this.#D * this.#H;
    const x = this.#dropping ? ws.ptr('hdrop') : this.#input();
    // Where the gradient of the head's input goes.
    const direct = c.pooling === 'last' && this.#D === 1;
    const dIn =
      c.pooling === 'none'
        ? ws.ptr('dout')
        : direct
          ? e.dh + this.#topIndex(0) * B * this.#H * 4
          : ws.ptr('dpooled');
    this.#head.backwardRows(dIn, ws.ptr('y'), x, rows);
    if (this.#dropping) this.#rt.kernels.mul_f32(dIn, dIn, ws.ptr('hmask'), rows * DH);
    if (c.pooling === 'attention') {
      this.#attention!.backwardRows(ws.ptr('dout'), ws.ptr('dpooled'), e.outputs, T, B);
    } else if (c.pooling === 'last' && !direct) this.#scatterLast(B);
    return c.pooling === 'last' ? 0 : ws.ptr('dout');
  }

  get #pooledCopy(): boolean {
    return this.#c.pooling === 'attention' || (this.#c.pooling === 'last' && this.#D === 2);
  }

  /** Unit index of direction d of the top layer. */
  #topIndex(d: number): number {
    return (this.#c.recurrent.numLayers - 1) * this.#D + d;
  }

  /** The head's input [rows, D·H] before dropout. */
  #input(): number {
    const c = this.#c;
    if (c.pooling === 'none') return this.#engine.outputs;
    if (c.pooling === 'last' && this.#D === 1) return this.#engine.finalState(this.#topIndex(0), 'h');
    return this.#ws.ptr('pooled');
  }

  /** pooled[b] = [h_fwd[b], h_bwd[b]]: the top layer's final states, directions concatenated (torch's h_n). */
  #gatherLast(B: number): void {
    const k = this.#rt.kernels;
    const H = this.#H;
    const pooled = this.#ws.ptr('pooled');
    for (let d = 0; d < 2; d++) {
      const src = this.#engine.finalState(this.#topIndex(d), 'h');
      for (let b = 0; b < B; b++) k.copy_f32(pooled + (b * 2 + d) * H * 4, src + b * H * 4, H);
    }
  }

  /** The gradient of pooled, split back into each direction's dh. */
  #scatterLast(B: number): void {
    const k = this.#rt.kernels;
    const H = this.#H;
    const dpooled = this.#ws.ptr('dpooled');
    for (let d = 0; d < 2; d++) {
      const dst = this.#engine.dh + this.#topIndex(d) * B * H * 4;
      for (let b = 0; b < B; b++) k.copy_f32(dst + b * H * 4, dpooled + (b * 2 + d) * H * 4, H);
    }
  }
}
