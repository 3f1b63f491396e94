// Optimizers with torch.optim semantics; each step is one kernel call over the whole parameter slab.
// Scalars that depend on the step count (bias corrections, decayed rates) are computed here in float64,
// exactly as PyTorch computes them in Python, and passed to the kernel.

import { ValueError } from '../errors.ts';
import type { ParamSlab } from '../model/slab.ts';
import type { Region } from '../runtime/arena.ts';
import { nonNegative, positive, unitInterval } from './check.ts';

/** What a checkpoint needs to continue an optimizer exactly. */
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

  protected constructor(slab: ParamSlab, lr: number, bufferNames: readonly string[]) {
    this.slab = slab;
    this.lr = positive('lr', lr);
    this.#buffers = new Map(bufferNames.map((name) => [name, slab.rt.arena.alloc(slab.size)]));
  }

  abstract get kind(): string;

  /** Applies one update from the gradients currently in the slab. */
  step(): void {
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
    const buffers: Record<string, Float32Array> = {};
    for (const [name, region] of this.#buffers) buffers[name] = this.slab.rt.arena.f32(region).slice();
    return { kind: this.kind, step: this.stepCount, lr: this.lr, buffers };
  }

  loadState(state: OptimizerState): void {
    if (state.kind !== this.kind)
      throw new ValueError(`optimizer state is for ${state.kind}, not ${this.kind}`);
    for (const [name, region] of this.#buffers) {
      const values = state.buffers[name];
      if (!values || values.length !== region.length) {
        throw new ValueError(
          `optimizer state buffer ${name} must hold ${region.length} values but got ${values?.length}`,
        );
      }
    }
    for (const [name, region] of this.#buffers) this.slab.rt.arena.f32(region).set(state.buffers[name]);
    this.stepCount = state.step;
    this.lr = state.lr;
  }

  /** Returns the optimizer's buffers to the arena. */
  dispose(): void {
    for (const region of this.#buffers.values()) this.slab.rt.arena.free(region);
    this.#buffers.clear();
  }
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(slab: ParamSlab, options: SGDOptions) {
    super(slab, options.lr, ['momentum_buffer']);
    this.momentum = nonNegative('momentum', options.momentum ?? 0);
    this.dampening = nonNegative('dampening', options.dampening ?? 0);
    this.weightDecay = nonNegative('weightDecay', options.weightDecay ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError('nesterov needs momentum > 0 and dampening = 0 (as in torch.optim.SGD)');
    }
  }

  get kind() {
    return 'sgd';
  }

  protected update(t: number): void {
    const s = this.slab;
    this.kernels.sgd_f32(
      s.params.ptr,
      s.grads.ptr,
      this.buffer('momentum_buffer'),
      s.size,
      this.lr,
      this.momentum,
      this.dampening,
      this.weightDecay,
      this.nesterov ? 1 : 0,
      t === 1 ? 1 : 0,
    );
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(slab: ParamSlab, options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(slab, options.lr ?? 1e-3, ['exp_avg', 'exp_avg_sq']);
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    this.beta1 = unitInterval('betas[0]', b1);
    this.beta2 = unitInterval('betas[1]', b2);
    this.eps = positive('eps', options.eps ?? 1e-8);
    this.weightDecay = nonNegative('weightDecay', options.weightDecay ?? defaultWeightDecay);
  }

  get kind() {
    return 'adam';
  }

  protected update(t: number): void {
    const s = this.slab;
    const stepSize = this.lr / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    this.kernels.adam_f32(
      s.params.ptr,
      s.grads.ptr,
      this.buffer('exp_avg'),
      this.buffer('exp_avg_sq'),
      s.size,
      this.lr,
      this.beta1,
      this.beta2,
      this.eps,
      this.weightDecay,
      stepSize,
      bc2Sqrt,
      this.decoupled ? 1 : 0,
    );
  }
}

/** Adam with decoupled weight decay (torch.optim.AdamW; its default weight decay is 0.01). */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(slab: ParamSlab, options: AdamOptions = {}) {
    super(slab, options, 0.01);
  }

  override get kind() {
    return 'adamw';
  }
}

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

export class Adagrad extends Optimizer {
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;

  constructor(slab: ParamSlab, options: AdagradOptions = {}) {
    super(slab, options.lr ?? 1e-2, ['sum']);
    this.lrDecay = nonNegative('lrDecay', options.lrDecay ?? 0);
    this.weightDecay = nonNegative('weightDecay', options.weightDecay ?? 0);
    this.eps = positive('eps', options.eps ?? 1e-10);
    const initial = nonNegative('initialAccumulatorValue', options.initialAccumulatorValue ?? 0);
    this.kernels.fill_f32(this.buffer('sum'), initial, slab.size);
  }

  get kind() {
    return 'adagrad';
  }

  protected update(t: number): void {
    const s = this.slab;
    const clr = this.lr / (1 + (t - 1) * this.lrDecay);
    this.kernels.adagrad_f32(
      s.params.ptr,
      s.grads.ptr,
      this.buffer('sum'),
      s.size,
      clr,
      this.weightDecay,
      this.eps,
    );
  }
}

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(slab: ParamSlab, options: RMSpropOptions = {}) {
    super(slab, options.lr ?? 1e-2, ['square_avg', 'grad_avg', 'momentum_buffer']);
    this.alpha = unitInterval('alpha', options.alpha ?? 0.99);
    this.eps = positive('eps', options.eps ?? 1e-8);
    this.weightDecay = nonNegative('weightDecay', options.weightDecay ?? 0);
    this.momentum = nonNegative('momentum', options.momentum ?? 0);
    this.centered = options.centered ?? false;
  }

  get kind() {
    return 'rmsprop';
  }

  protected update(): void {
    const s = this.slab;
    this.kernels.rmsprop_f32(
      s.params.ptr,
      s.grads.ptr,
      this.buffer('square_avg'),
      this.buffer('grad_avg'),
      this.buffer('momentum_buffer'),
      s.size,
      this.lr,
      this.alpha,
      this.eps,
      this.weightDecay,
      this.momentum,
      this.centered ? 1 : 0,
    );
  }
}
