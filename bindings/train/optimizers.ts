// Optimizers with torch.optim semantics; each step is one kernel call over the whole parameter slab.
// Every scalar PyTorch computes in Python — bias corrections, decayed rates, and the complements 1 − β,
// 1 − dampening, 1 − lr·wd — is computed here in float64 and rounded once to f32 by the kernel call, as torch
// rounds it once: 1 − β2 formed in f32 from f32(0.999) is 0.00099998713, a second moment 1.3e-5 too small.

import { describe, ValueError } from '../errors.ts';
import type { ParamSlab } from '../model/slab.ts';
import { flag, nonNegative, optionsObject, positive, unitInterval } from '../validate.ts';
import { Optimizer } from './optimizer-base.ts';

export { Optimizer, type OptimizerState } from './optimizer-base.ts';

/** What a checkpoint needs to continue an optimizer exactly. */
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
    const o = optionsObject('SGD options ({ lr, ... })', options, true, [
      'lr',
      'momentum',
      'dampening',
      'weightDecay',
      'nesterov',
    ]);
    const momentum = nonNegative('momentum', o.momentum ?? 0);
    const dampening = nonNegative('dampening', o.dampening ?? 0);
    const weightDecay = nonNegative('weightDecay', o.weightDecay ?? 0);
    const nesterov = flag('nesterov', o.nesterov, false);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError('nesterov needs momentum > 0 and dampening = 0 (as in torch.optim.SGD)');
    }
    super(slab, o.lr, ['momentum_buffer']);
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
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
      1 - this.dampening,
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
    const o = optionsObject('Adam options', options, false, ['lr', 'betas', 'eps', 'weightDecay']);
    const betas: unknown = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new ValueError(`betas must be [beta1, beta2] but got ${describe(betas)}`);
    }
    const beta1 = unitInterval('betas[0]', betas[0]);
    const beta2 = unitInterval('betas[1]', betas[1]);
    const eps = positive('eps', o.eps ?? 1e-8);
    const weightDecay = nonNegative('weightDecay', o.weightDecay ?? defaultWeightDecay);
    super(slab, o.lr ?? 1e-3, ['exp_avg', 'exp_avg_sq']);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
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
      1 - this.lr * this.weightDecay,
      this.beta1,
      1 - this.beta1,
      this.beta2,
      1 - this.beta2,
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
    const o = optionsObject('Adagrad options', options, false, [
      'lr',
      'lrDecay',
      'weightDecay',
      'initialAccumulatorValue',
      'eps',
    ]);
    const lrDecay = nonNegative('lrDecay', o.lrDecay ?? 0);
    const weightDecay = nonNegative('weightDecay', o.weightDecay ?? 0);
    const eps = positive('eps', o.eps ?? 1e-10);
    const initial = nonNegative('initialAccumulatorValue', o.initialAccumulatorValue ?? 0);
    super(slab, o.lr ?? 1e-2, ['sum']);
    this.lrDecay = lrDecay;
    this.weightDecay = weightDecay;
    this.eps = eps;
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
    const o = optionsObject('RMSprop options', options, false, [
      'lr',
      'alpha',
      'eps',
      'weightDecay',
      'momentum',
      'centered',
    ]);
    const alpha = unitInterval('alpha', o.alpha ?? 0.99);
    const eps = positive('eps', o.eps ?? 1e-8);
    const weightDecay = nonNegative('weightDecay', o.weightDecay ?? 0);
    const momentum = nonNegative('momentum', o.momentum ?? 0);
    const centered = flag('centered', o.centered, false);
    super(slab, o.lr ?? 1e-2, ['square_avg', 'grad_avg', 'momentum_buffer']);
    this.alpha = alpha;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.centered = centered;
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
      1 - this.alpha,
      this.eps,
      this.weightDecay,
      this.momentum,
      this.centered ? 1 : 0,
    );
  }
}
