// Learning-rate schedules with torch.optim.lr_scheduler's closed forms; `step()` once per epoch (or per
// batch, as the caller chooses) sets the optimizer's lr for what follows, as PyTorch's scheduler.step() does.

import { describe, ValueError } from '../errors.ts';
import { nonNegative, nonNegativeInt, optionsObject, positive, positiveInt } from '../validate.ts';

/** Anything with a settable learning rate (an Optimizer). */
export interface HasLearningRate {
  lr: number;
}

export interface ScheduleState {
  kind: string;
  epoch: number;
  extra?: Record<string, number>;
}

/** An object whose lr a schedule may set: an Optimizer, or anything with a positive finite lr. */
function checkOptimizer(optimizer: HasLearningRate): HasLearningRate {
  if (optimizer === null || typeof optimizer !== 'object') {
    throw new ValueError(
      `optimizer must be an Optimizer (an object with a learning rate lr) but got ${describe(optimizer)}`,
    );
  }
  positive('optimizer.lr', optimizer.lr);
  return optimizer;
}

export abstract class LRSchedule {
  readonly optimizer: HasLearningRate;
  readonly baseLr: number;
  /** PyTorch's last_epoch: how many times step() has been called. */
  epoch = 0;

  constructor(optimizer: HasLearningRate) {
    this.optimizer = checkOptimizer(optimizer);
    this.baseLr = optimizer.lr;
  }

  /** Sets the epoch-0 rate; subclasses call it once their own fields are set. */
  protected start(): void {
    this.optimizer.lr = this.lrAt(0);
  }

  abstract get kind(): string;
  protected abstract lrAt(epoch: number): number;

  step(): void {
    this.epoch += 1;
    this.optimizer.lr = this.lrAt(this.epoch);
  }

  state(): ScheduleState {
    return { kind: this.kind, epoch: this.epoch };
  }

  loadState(state: ScheduleState): void {
    if (state?.kind !== this.kind)
      throw new ValueError(`schedule state is for ${describe(state?.kind)}, not ${this.kind}`);
    nonNegativeInt('schedule state epoch', state.epoch);
    this.epoch = state.epoch;
    this.optimizer.lr = this.lrAt(this.epoch);
  }
}

/** lr = base · γ^⌊epoch / stepSize⌋ (StepLR). */
export class StepLR extends LRSchedule {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: HasLearningRate, options: { stepSize: number; gamma?: number }) {
    const o = optionsObject('StepLR options ({ stepSize, gamma })', options, true, ['stepSize', 'gamma']);
    const stepSize = positiveInt('stepSize', o.stepSize);
    const gamma = positive('gamma', o.gamma ?? 0.1);
    super(optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.start();
  }

  get kind() {
    return 'step';
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** lr = base · γ^epoch (ExponentialLR). */
export class ExponentialLR extends LRSchedule {
  readonly gamma: number;

  constructor(optimizer: HasLearningRate, options: { gamma: number }) {
    const gamma = positive(
      'gamma',
      optionsObject('ExponentialLR options ({ gamma })', options, true, ['gamma']).gamma,
    );
    super(optimizer);
    this.gamma = gamma;
    this.start();
  }

  get kind() {
    return 'exponential';
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** epoch;
  }
}

/** lr = ηmin + (base − ηmin)·(1 + cos(π·epoch/Tmax))/2 (CosineAnnealingLR's closed form). */
export class CosineAnnealingLR extends LRSchedule {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: HasLearningRate, options: { tMax: number; etaMin?: number }) {
    const o = optionsObject('CosineAnnealingLR options ({ tMax, etaMin })', options, true, [
      'tMax',
      'etaMin',
    ]);
    const tMax = positiveInt('tMax', o.tMax);
    const etaMin = nonNegative('etaMin', o.etaMin ?? 0);
    super(optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.start();
  }

  get kind() {
    return 'cosine';
  }

  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/** Linear warm-up: the factor goes from startFactor to endFactor over totalIters steps, then stays (LinearLR). */
export class LinearWarmup extends LRSchedule {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: HasLearningRate,
    options: { startFactor?: number; endFactor?: number; totalIters?: number },
  ) {
    const o = optionsObject('LinearWarmup options', options, false, [
      'startFactor',
      'endFactor',
      'totalIters',
    ]);
    const startFactor = positive('startFactor', o.startFactor ?? 1 / 3);
    const endFactor = positive('endFactor', o.endFactor ?? 1);
    const totalIters = positiveInt('totalIters', o.totalIters ?? 5);
    if (startFactor > 1 || endFactor > 1) {
      throw new ValueError(
        `startFactor and endFactor must be in (0, 1] but got ${startFactor} and ${endFactor}`,
      );
    }
    super(optimizer);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.start();
  }

  get kind() {
    return 'linear';
  }

  protected lrAt(epoch: number): number {
    const progress = Math.min(epoch, this.totalIters) / this.totalIters;
    return this.baseLr * (this.startFactor + (this.endFactor - this.startFactor) * progress);
  }
}

export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/** ReduceLROnPlateau: multiplies lr by `factor` after `patience` epochs without improvement of a metric. */
export class ReduceLROnPlateau {
  readonly optimizer: HasLearningRate;
  readonly options: Required<PlateauOptions>;
  best: number;
  badEpochs = 0;
  cooldownCounter = 0;

  constructor(optimizer: HasLearningRate, options: PlateauOptions = {}) {
    const given = optionsObject('ReduceLROnPlateau options', options, false, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
    const o: Required<PlateauOptions> = {
      mode: given.mode ?? 'min',
      factor: given.factor ?? 0.1,
      patience: given.patience ?? 10,
      threshold: given.threshold ?? 1e-4,
      thresholdMode: given.thresholdMode ?? 'rel',
      cooldown: given.cooldown ?? 0,
      minLr: given.minLr ?? 0,
      eps: given.eps ?? 1e-8,
    };
    if (o.mode !== 'min' && o.mode !== 'max')
      throw new ValueError(`mode must be 'min' or 'max' but got ${describe(o.mode)}`);
    if (o.thresholdMode !== 'rel' && o.thresholdMode !== 'abs') {
      throw new ValueError(`thresholdMode must be 'rel' or 'abs' but got ${describe(o.thresholdMode)}`);
    }
    if (typeof o.factor !== 'number' || !(o.factor > 0 && o.factor < 1)) {
      throw new ValueError(`factor must be in (0, 1) but got ${describe(o.factor)}`);
    }
    nonNegativeInt('patience', o.patience);
    nonNegativeInt('cooldown', o.cooldown);
    nonNegative('threshold', o.threshold);
    nonNegative('minLr', o.minLr);
    nonNegative('eps', o.eps);
    this.optimizer = checkOptimizer(optimizer);
    this.options = o;
    this.best = o.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  #isBetter(value: number): boolean {
    const { mode, thresholdMode, threshold } = this.options;
    if (mode === 'min')
      return thresholdMode === 'rel' ? value < this.best * (1 - threshold) : value < this.best - threshold;
    return thresholdMode === 'rel' ? value > this.best * (threshold + 1) : value > this.best + threshold;
  }

  step(metric: number): void {
    if (typeof metric !== 'number' || !Number.isFinite(metric))
      throw new ValueError(
        `ReduceLROnPlateau.step: metric must be finite (a number) but got ${describe(metric)}`,
      );
    if (this.#isBetter(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.options.patience) {
      const old = this.optimizer.lr;
      const next = Math.max(old * this.options.factor, this.options.minLr);
      if (old - next > this.options.eps) this.optimizer.lr = next;
      this.cooldownCounter = this.options.cooldown;
      this.badEpochs = 0;
    }
  }

  state(): ScheduleState {
    return {
      kind: 'plateau',
      epoch: 0,
      extra: { best: this.best, badEpochs: this.badEpochs, cooldownCounter: this.cooldownCounter },
    };
  }

  loadState(state: ScheduleState): void {
    if (state?.kind !== 'plateau' || state.extra === null || typeof state.extra !== 'object')
      throw new ValueError(
        `schedule state must be a plateau state { kind: 'plateau', extra } but got ${describe(state)}`,
      );
    const { best, badEpochs, cooldownCounter } = state.extra;
    if (typeof best !== 'number' || Number.isNaN(best))
      throw new ValueError(`schedule state best must be a number but got ${describe(best)}`);
    nonNegativeInt('schedule state badEpochs', badEpochs);
    nonNegativeInt('schedule state cooldownCounter', cooldownCounter);
    this.best = state.extra.best;
    this.badEpochs = state.extra.badEpochs;
    this.cooldownCounter = state.extra.cooldownCounter;
  }
}
