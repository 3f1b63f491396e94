// The pointer-level passes of a recurrent stack (every layer and direction), shared by the Recurrent layers'
// convenience API and by models, which keep their data in linear memory from the input to the loss.
// Per layer and direction, forward is one input-projection GEMM (or a column gather for token ids) over all
// T·B rows, a bias add, and one sequence kernel that runs the time loop in the backend. Backward is one
// sequence kernel (the reverse loop carries only dh, dc), then dW_hh, db_hh, dW_ih, db_ih and dX are each one
// GEMM or reduction over all T·B rows, accumulated (+=) into the slab's gradients.
// Call reserve() before a pass: it may move workspace blocks, and no pointer taken before it stays valid.

import { ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { type Cell, cellOf, packsWhh, type UnitBuffers } from './cells.ts';
import type { Config } from './recurrent-config.ts';
import type { UnitParams } from './recurrent-params.ts';
import { Workspace } from './workspace.ts';

/** One forward pass: byte pointers into linear memory, time-major. */
export interface SequencePass {
  T: number;
  B: number;
  /** x holds i32 token ids [T·B] (one-hot inputs of size I) rather than floats [T·B, I]. */
  tokens: boolean;
  x: number;
  /** [L·D, B, H] initial states, 0 = zeros. */
  h0: number;
  c0: number;
  /** i32 [B] real steps of each row (1 ≤ len ≤ T, checked), 0 = all T; padded steps hold the state. */
  lengths: number;
  /** Dropout between layers for this pass: the sfc32 state (4 × u32) drawing the masks, 0 = none (evaluation). */
  dropout: number;
  /** No backward follows: the cell's inference kernel keeps no state history and stores no gate activation — the
   * same outputs and final states, bit for bit, in less memory. */
  inference?: boolean;
}

/** keep threshold and scale of inverted dropout with rate p, for dropout_f32. */
export function dropoutArgs(p: number): [number, number] {
  // Clamped below 2³² so that a tiny p keeps (almost) everything instead of wrapping to 0.
  const keep = Math.min(Math.round((1 - p) * 2 ** 32), 2 ** 32 - 1);
  return [keep | 0, 1 / (1 - p)];
}

/** Token inputs go through a transposed W_ih table once there are at least as many tokens as table rows. */
const tableGather = (tokens: boolean, N: number, I: number) => tokens && N >= I;

export class RecurrentEngine {
  readonly rt: Runtime;
  readonly config: Config;
  readonly cell: Cell;
  readonly units: readonly UnitParams[];
  /** Dropout rate on the outputs of every layer but the last, in passes that give a dropout state. */
  dropout = 0;
  readonly #ws: Workspace;
  #pass: SequencePass | undefined;

  constructor(rt: Runtime, config: Config, units: readonly UnitParams[]) {
    this.rt = rt;
    this.config = config;
    this.cell = cellOf(config.cell, config.resetAfter);
    this.units = units;
    this.#ws = new Workspace(rt);
  }

  /** Sizes every block a forward (and, with `backward`, a backward) pass over (T, B) needs; `tokens` and
   * `inference` as in SequencePass. */
  reserve(T: number, B: number, backward: boolean, tokens: boolean, inference = false): void {
    const { I, H, L, D, G } = this.config;
    const ws = this.#ws;
    const N = T * B;
    const LDBH = L * D * B * H;
    ws.need('hproj', B * G * H);
    if (tableGather(tokens, N, I)) ws.need('table', I * G * H);
    for (let k = 0; k < L; k++) ws.need(`out${k}`, N * D * H);
    if (this.dropout > 0) {
      for (let k = 0; k + 1 < L; k++) {
        ws.need(`drop${k}`, N * D * H);
        ws.need(`mask${k}`, N * D * H);
      }
    }
    const lean = inference && !backward;
    for (const u of this.units) {
      // An inference pass reads a layer-0 token input straight from the table, and keeps two state slots.
      if (!(lean && u.k === 0 && tableGather(tokens, N, I))) ws.need(`g${u.index}`, N * G * H);
      const states = lean ? 2 * B : N + B;
      ws.need(`h${u.index}`, states * H);
      if (this.cell.hasCell) ws.need(`c${u.index}`, states * H);
      // W_hn·h + b_hn (or r⊙h) per row is for the backward's dW_hh: an inference kernel stores none.
      if (this.cell.splitGrad && !lean) ws.need(`n${u.index}`, N * H);
    }
    if (!backward) return;
    if (tableGather(tokens, N, I)) ws.need('table_t', I * G * H);
    ws.need('dxg', N * G * H);
    if (this.cell.splitGrad) ws.need('dhg', N * G * H);
    ws.need('dh', LDBH);
    if (this.cell.hasCell) ws.need('dc', LDBH);
    // W_hh packed once per sequence by the LSTM backward where that pays (one unit at a time uses it).
    if (this.#packsWhh(B)) ws.need('whh_pack', G * H * H);
    ws.need('dx0', N * Math.max(I, D * H));
    if (L > 1) ws.need('dx1', N * D * H);
  }

  forward(p: SequencePass): void {
    this.#pass = { ...p };
    const { L, D, H } = this.config;
    const n = p.T * p.B * D * H;
    const drop = this.#dropping(p);
    const [keep, scale] = dropoutArgs(this.dropout);
    for (const u of this.units) {
      this.#forwardUnit(u, p);
      // After the last direction of a layer below the top: that layer's outputs, dropped out, feed the next.
      if (drop && u.d === D - 1 && u.k + 1 < L) {
        const ws = this.#ws;
        this.rt.kernels.dropout_f32(
          ws.ptr(`drop${u.k}`),
          ws.ptr(`out${u.k}`),
          ws.ptr(`mask${u.k}`),
          p.dropout,
          n,
          keep,
          scale,
        );
      }
    }
  }

  /** The last forward's pass, which a backward may follow; refuses none yet and an inference pass. */
  get backwardPass(): SequencePass {
    const p = this.#pass;
    if (p === undefined) throw new ValueError('backward: call forward first');
    if (p.inference) {
      throw new ValueError(
        'backward: the last forward was an inference pass ({ grad: false }); run it again without',
      );
    }
    return p;
  }

  /** The last forward's pass, undefined before the first. */
  get pass(): SequencePass | undefined {
    return this.#pass;
  }

  /** Top layer's outputs [T·B, D·H] (directions concatenated per row). */
  get outputs(): number {
    return this.#ws.ptr(`out${this.config.L - 1}`);
  }

  /** Outputs of layer k [T·B, D·H]. */
  layerOutputs(k: number): number {
    return this.#ws.ptr(`out${k}`);
  }

  /** Final h (or c) [B, H] of unit `index` after the last forward: history row T (forward) or 0 (reverse). */
  finalState(index: number, which: 'h' | 'c'): number {
    const { T, B } = this.#pass!;
    const u = this.units[index];
    const hist = which === 'h' ? this.#ws.ptr(`h${index}`) : this.#ws.ptr(`c${index}`);
    // An inference pass keeps the final state in slot 0.
    if (this.#pass!.inference) return hist;
    return hist + (u.d === 1 ? 0 : T * B * this.config.H * 4);
  }

  /** [L·D, B, H] state gradients: the caller writes dHn (dCn) before backward(); afterwards they hold dH0 (dC0). */
  get dh(): number {
    return this.#ws.ptr('dh');
  }

  get dc(): number {
    return this.#ws.ptr('dc');
  }

  /** Zeroes dh (and dc), for a loss that does not reach the final states. */
  zeroStateGrads(): void {
    const { L, D, H } = this.config;
    const n = L * D * this.#pass!.B * H;
    this.rt.kernels.fill_f32(this.dh, 0, n);
    if (this.cell.hasCell) this.rt.kernels.fill_f32(this.dc, 0, n);
  }

  /** Gradient of the layer-0 input [T·B, I] after a backward with `inputGrad`. */
  get inputGrad(): number {
    return this.#ws.ptr('dx0');
  }

  /**
   * BPTT through the last forward. dout [T·B, D·H] is the gradient of the top outputs (0 = none); the state
   * gradients are read from dh/dc. Adds every weight gradient; with `inputGrad`, writes dX to inputGrad.
   */
  backward(dout: number, inputGrad: boolean): void {
    const p = this.backwardPass;
    const ws = this.#ws;
    const { D, H } = this.config;
    const drop = this.#dropping(p);
    let grad = dout;
    for (let k = this.config.L - 1; k >= 0; k--) {
      const dIn = k === 0 && (p.tokens || !inputGrad) ? 0 : ws.ptr(`dx${k & 1}`);
      for (let d = 0; d < D; d++) this.#backwardUnit(this.units[k * D + d], p, grad, dIn);
      // Back through the dropout below this layer: the same mask scales the gradient.
      if (drop && k > 0) this.rt.kernels.mul_f32(dIn, dIn, ws.ptr(`mask${k - 1}`), p.T * p.B * D * H);
      grad = dIn;
    }
  }

  /** Workspace pointers of one direction of one layer. */
  buffers(index: number): UnitBuffers {
    const ws = this.#ws;
    return {
      gates: ws.ptr(`g${index}`),
      hs: ws.ptr(`h${index}`),
      cs: ws.ptr(`c${index}`),
      hn: ws.ptr(`n${index}`),
    };
  }

  /** Floats held by the workspace. */
  get length(): number {
    return this.#ws.length;
  }

  free(): void {
    this.#ws.free();
    this.#pass = undefined;
  }

  #packsWhh(B: number): boolean {
    return this.cell.type === 'lstm' && packsWhh(B, this.config.H);
  }

  #dropping(p: SequencePass): boolean {
    return p.dropout !== 0 && this.dropout > 0 && this.config.L > 1;
  }

  #input(u: UnitParams, p: SequencePass): number {
    if (u.k === 0) return p.x;
    return this.#ws.ptr(this.#dropping(p) ? `drop${u.k - 1}` : `out${u.k - 1}`);
  }

  #forwardUnit(u: UnitParams, p: SequencePass): void {
    const { kernels } = this.rt;
    const { H, D, G, I } = this.config;
    const { T, B } = p;
    const N = T * B;
    const buf = this.buffers(u.index);
    const offset = u.index * B * H * 4;
    const step = {
      T,
      B,
      H,
      reverse: u.d,
      whh: u.whh,
      bhh: u.bhh,
      out: this.#ws.ptr(`out${u.k}`) + u.d * H * 4,
      ldo: D * H,
      u: buf,
      hproj: this.#ws.ptr('hproj'),
      h0: p.h0 ? p.h0 + offset : 0,
      c0: p.c0 ? p.c0 + offset : 0,
      lengths: p.lengths,
    };
    if (u.k === 0 && tableGather(p.tokens, N, I)) {
      // Many tokens: one transposed table W_ihᵀ + b_ih, then a contiguous row per token (a column gather reads
      // one float per cache line). Same values as the branch below, bit for bit.
      const table = this.#ws.ptr('table');
      kernels.transpose_bias_f32(table, u.wih, u.bih, G * H, I, I);
      // The inference kernel reads each token's row of the table itself: nothing gathered, nothing written back.
      if (p.inference) {
        this.cell.infer(kernels, { ...step, xg: table, ids: p.x });
        return;
      }
      kernels.gather_rows_f32(buf.gates, table, p.x, N, G * H, G * H);
    } else {
      if (u.k === 0 && p.tokens) kernels.gather_cols_f32(buf.gates, u.wih, p.x, N, G * H, I);
      else
        kernels.gemm_nt_f32(
          buf.gates,
          this.#input(u, p),
          u.wih,
          N,
          G * H,
          u.inSize,
          u.inSize,
          u.inSize,
          G * H,
          0,
        );
      kernels.bias_add_f32(buf.gates, u.bih, N, G * H, G * H);
    }
    if (p.inference) this.cell.infer(kernels, { ...step, xg: buf.gates, ids: 0 });
    else this.cell.forward(kernels, step);
  }

  #backwardUnit(u: UnitParams, p: SequencePass, dout: number, dIn: number): void {
    const { kernels } = this.rt;
    const { H, D, G, I } = this.config;
    const ws = this.#ws;
    const { T, B } = p;
    const N = T * B;
    const GH = G * H;
    const buf = this.buffers(u.index);
    const dxg = ws.ptr('dxg');
    const dhg = this.cell.splitGrad ? ws.ptr('dhg') : dxg;
    const offset = u.index * B * H * 4;
    this.cell.backward(kernels, {
      T,
      B,
      H,
      reverse: u.d,
      whh: u.whh,
      bhh: u.bhh,
      dout: dout ? dout + u.d * H * 4 : 0,
      ldo: D * H,
      u: buf,
      dxg,
      dhg,
      dh: ws.ptr('dh') + offset,
      dc: this.cell.hasCell ? ws.ptr('dc') + offset : 0,
      wpack: this.#packsWhh(B) ? ws.ptr('whh_pack') : 0,
      lengths: p.lengths,
    });
    // H_prev [T·B, H], aligned with time: the history without its last row (forward) or first row (reverse).
    const hPrev = buf.hs + (u.d === 1 ? B * H * 4 : 0);
    this.cell.hiddenGrads(kernels, { N, H, gwhh: u.gwhh, gbhh: u.gbhh, dhg, hPrev, u: buf });
    if (u.k === 0 && tableGather(p.tokens, N, I)) {
      // The forward's table in reverse: rows of dW_ihᵀ accumulated contiguously per token, then transposed and
      // added once. Into a zeroed gradient this equals the column scatter bit for bit (the same sums, in order).
      const table = ws.ptr('table');
      const transposed = ws.ptr('table_t');
      kernels.fill_f32(table, 0, I * GH);
      kernels.scatter_add_rows_f32(table, dxg, p.x, N, GH, GH);
      kernels.transpose_bias_f32(transposed, table, 0, I, GH, GH);
      kernels.add_f32(u.gwih, u.gwih, transposed, GH * I);
    } else if (u.k === 0 && p.tokens) kernels.scatter_add_cols_f32(u.gwih, dxg, p.x, N, GH, I);
    else {
      const x = this.#input(u, p);
      kernels.gemm_tn_f32(u.gwih, dxg, x, GH, u.inSize, N, GH, u.inSize, u.inSize, 1);
    }
    kernels.colsum_f32(u.gbih, dxg, N, GH, GH, 1);
    if (dIn) kernels.gemm_nn_f32(dIn, dxg, u.wih, N, u.inSize, GH, GH, u.inSize, u.inSize, u.d > 0 ? 1 : 0);
  }
}
