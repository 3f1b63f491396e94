// Stateful training and inference: the final h (and c) of one pass become the initial state of the next, as a
// copy in linear memory — detached, since backward never reaches into the previous pass. Truncated BPTT over a
// long stream keeps the state this way between consecutive windows.

import { ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { RecurrentEngine } from './recurrent-engine.ts';
import { Workspace } from './workspace.ts';

export class CarriedState {
  readonly rt: Runtime;
  readonly #engine: RecurrentEngine;
  readonly #ws: Workspace;
  /** Batch rows of the carried state; 0 = none (the next stateful pass starts from zeros). */
  #B = 0;

  constructor(rt: Runtime, engine: RecurrentEngine) {
    this.rt = rt;
    this.#engine = engine;
    this.#ws = new Workspace(rt);
  }

  get batchSize(): number {
    return this.#B;
  }

  /** Pointers of the initial state for a pass of B rows: the carried one, or zeros when there is none. */
  initial(B: number): { h0: number; c0: number } {
    if (this.#B === 0) return { h0: 0, c0: 0 };
    if (B !== this.#B) {
      throw new ValueError(
        `a stateful pass needs the batch size of the carried state (${this.#B} rows) but got ${B}; call resetState() first`,
      );
    }
    return { h0: this.#ws.ptr('h'), c0: this.#engine.cell.hasCell ? this.#ws.ptr('c') : 0 };
  }

  /** Keeps the state after `steps` steps of the last forward (default: its final state) for the next pass. */
  keep(steps?: number): void {
    const e = this.#engine;
    const { T, B } = e.pass!;
    const { L, D, H } = e.config;
    if (D !== 1) throw new ValueError('a bidirectional model cannot carry its state into the next pass');
    const s = steps ?? T;
    if (!Number.isInteger(s) || s < 0 || s > T)
      throw new ValueError(`steps must be in [0, ${T}] but is ${s}`);
    const n = L * B * H;
    this.#ws.need('h', n);
    if (e.cell.hasCell) this.#ws.need('c', n);
    const k = this.rt.kernels;
    if (s !== T && e.pass!.inference)
      throw new ValueError(
        `steps must be ${T} after an inference pass (predict), which keeps the final state only`,
      );
    // The forward history's row s holds the state after s steps (row 0: the initial one; row T: each row's last,
    // which the engine's finalState gives for an inference pass too).
    for (const u of e.units) {
      const buf = e.buffers(u.index);
      const h = s === T ? e.finalState(u.index, 'h') : buf.hs + s * B * H * 4;
      k.copy_f32(this.#ws.ptr('h') + u.index * B * H * 4, h, B * H);
      if (!e.cell.hasCell) continue;
      const c = s === T ? e.finalState(u.index, 'c') : buf.cs + s * B * H * 4;
      k.copy_f32(this.#ws.ptr('c') + u.index * B * H * 4, c, B * H);
    }
    this.#B = B;
  }

  reset(): void {
    this.#B = 0;
  }

  /** Copies of the carried state [L, B, H] (undefined when none), for checkpoints. */
  get(): { h: Float32Array; c?: Float32Array } | undefined {
    if (this.#B === 0) return undefined;
    const e = this.#engine;
    const n = e.config.L * this.#B * e.config.H;
    const view = (name: string) => this.rt.arena.f32At(this.#ws.ptr(name), n).slice();
    return e.cell.hasCell ? { h: view('h'), c: view('c') } : { h: view('h') };
  }

  set(state: { h: Float32Array; c?: Float32Array }, B: number): void {
    const e = this.#engine;
    const n = e.config.L * B * e.config.H;
    if (
      !(state.h instanceof Float32Array) ||
      state.h.length !== n ||
      (e.cell.hasCell && state.c?.length !== n)
    ) {
      throw new ValueError(
        `carried state must be [${e.config.L}, ${B}, ${e.config.H}] (h${e.cell.hasCell ? ' and c' : ''})`,
      );
    }
    this.#ws.need('h', n);
    if (e.cell.hasCell) this.#ws.need('c', n);
    this.rt.arena.f32At(this.#ws.ptr('h'), n).set(state.h);
    if (state.c) this.rt.arena.f32At(this.#ws.ptr('c'), n).set(state.c);
    this.#B = B;
  }

  free(): void {
    this.#ws.free();
    this.#B = 0;
  }
}
