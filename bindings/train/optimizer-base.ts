// What every optimizer shares (optimizers.ts holds their update rules): the parameter slab it updates, the
// learning rate schedules set, the step count, and its state buffers in linear memory, one float per parameter,
// with the state a checkpoint saves and restores (checked whole before anything changes).

import { describe, ValueError } from '../errors.ts';
import { checkSlab, type ParamSlab } from '../model/slab.ts';
import type { Region } from '../runtime/arena.ts';
import { nonNegativeInt, positive } from '../validate.ts';

export interface OptimizerState {
  kind: string;
  step: number;
  lr: number;
  buffers: Record<string, Float32Array>;
}

export abstract class Optimizer {
  readonly slab: ParamSlab;
  /** The learning rate used by the next step; schedules set it. */
  lr: number;
  /** Steps taken so far (PyTorch's state['step']). */
  stepCount = 0;
  readonly #buffers: Map<string, Region>;

  #disposed = false;

  /** Checks run before anything is allocated, so a refused constructor leaves no buffer behind. */
  protected constructor(slab: ParamSlab, lr: number, bufferNames: readonly string[]) {
    this.slab = checkSlab(slab);
    this.lr = positive('lr', lr);
    this.#buffers = new Map();
    try {
      for (const name of bufferNames) this.#buffers.set(name, slab.rt.arena.alloc(slab.size));
    } catch (error) {
      for (const region of this.#buffers.values()) slab.rt.arena.free(region);
      throw error;
    }
  }

  abstract get kind(): string;

  /** Applies one update from the gradients currently in the slab. */
  step(): void {
    this.#live('step');
    checkSlab(this.slab);
    positive('lr', this.lr);
    this.stepCount += 1;
    this.update(this.stepCount);
  }

  protected abstract update(t: number): void;

  protected buffer(name: string): number {
    return this.#buffers.get(name)!.ptr;
  }

  protected get kernels() {
    return this.slab.rt.kernels;
  }

  state(): OptimizerState {
    this.#live('state');
    const buffers: Record<string, Float32Array> = {};
    for (const [name, region] of this.#buffers) buffers[name] = this.slab.rt.arena.f32(region).slice();
    return { kind: this.kind, step: this.stepCount, lr: this.lr, buffers };
  }

  /** The buffers in linear memory, by name (what the update guard copies aside); none once disposed. */
  bufferRegions(): [string, Region][] {
    return [...this.#buffers];
  }

  /** Validates the whole state (kind, step, lr, every buffer's length and values) before changing anything. */
  loadState(state: OptimizerState): void {
    this.#live('loadState');
    if (state === null || typeof state !== 'object') {
      throw new ValueError(`optimizer state must be { kind, step, lr, buffers } but got ${describe(state)}`);
    }
    if (state.kind !== this.kind)
      throw new ValueError(`optimizer state is for ${describe(state.kind)}, not ${this.kind}`);
    nonNegativeInt('optimizer state step', state.step);
    positive('optimizer state lr', state.lr);
    const buffers = state.buffers as Record<string, unknown> | null | undefined;
    if (buffers === null || typeof buffers !== 'object') {
      throw new ValueError(
        `optimizer state buffers must be a record of Float32Arrays but got ${describe(buffers)}`,
      );
    }
    for (const [name, region] of this.#buffers) {
      const values = buffers[name];
      if (!(values instanceof Float32Array) || values.length !== region.length) {
        throw new ValueError(
          `optimizer state buffer ${name} must be a Float32Array of ${region.length} values but got ${describe(values)}`,
        );
      }
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new ValueError(`optimizer state buffer ${name}[${bad}] is ${values[bad]}; it must be finite`);
    }
    for (const [name, region] of this.#buffers) this.slab.rt.arena.f32(region).set(state.buffers[name]);
    this.stepCount = state.step;
    this.lr = state.lr;
  }

  /** Returns the optimizer's buffers to the arena; idempotent: a second call does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const region of this.#buffers.values()) this.slab.rt.arena.free(region);
    this.#buffers.clear();
  }

  #live(method: string): void {
    if (this.#disposed) throw new ValueError(`${this.kind}.${method}: this optimizer was disposed`);
  }
}
