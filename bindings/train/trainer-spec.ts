// A trainer's options as plain JSON, read back from the live objects (so an Optimizer or schedule passed as an
// instance is described too): what a checkpoint stores to rebuild the same trainer in another process.

import type { LossConfig, LossOptions } from './loss-spec.ts';
import { Adagrad, Adam, AdamW, type Optimizer, type RMSprop, SGD } from './optimizers.ts';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  type ReduceLROnPlateau,
  StepLR,
} from './schedules.ts';
import type { ClipOptions, OptimizerSpec, Schedule, ScheduleSpec } from './trainer-options.ts';

export interface TrainerSpec {
  loss: LossOptions;
  optimizer: Exclude<OptimizerSpec, string>;
  schedule?: ScheduleSpec;
  scheduleStep: 'epoch' | 'step';
  clip: ClipOptions;
  seed: number;
}

export function describeLoss(c: LossConfig): LossOptions {
  const o: LossOptions = { kind: c.kind, reduction: c.reduction };
  if (c.kind === 'huber') o.delta = c.delta;
  if (c.kind === 'cross_entropy') {
    o.ignoreIndex = c.ignoreIndex;
    if (c.classWeights) o.classWeights = [...c.classWeights];
  }
  return o;
}

/** The optimizer's spec with `lr` its rate before any schedule touched it. */
export function describeOptimizer(o: Optimizer, lr: number): Exclude<OptimizerSpec, string> {
  if (o instanceof SGD) {
    return {
      kind: 'sgd',
      lr,
      momentum: o.momentum,
      dampening: o.dampening,
      weightDecay: o.weightDecay,
      nesterov: o.nesterov,
    };
  }
  if (o instanceof Adam) {
    const kind = o instanceof AdamW ? 'adamw' : 'adam';
    return { kind, lr, betas: [o.beta1, o.beta2], eps: o.eps, weightDecay: o.weightDecay };
  }
  if (o instanceof Adagrad)
    return { kind: 'adagrad', lr, lrDecay: o.lrDecay, weightDecay: o.weightDecay, eps: o.eps };
  const r = o as RMSprop;
  return {
    kind: 'rmsprop',
    lr,
    alpha: r.alpha,
    eps: r.eps,
    weightDecay: r.weightDecay,
    momentum: r.momentum,
    centered: r.centered,
  };
}

export function describeSchedule(s: Schedule | undefined): ScheduleSpec | undefined {
  if (s === undefined) return undefined;
  if (s instanceof StepLR) return { kind: 'step', stepSize: s.stepSize, gamma: s.gamma };
  if (s instanceof ExponentialLR) return { kind: 'exponential', gamma: s.gamma };
  if (s instanceof CosineAnnealingLR) return { kind: 'cosine', tMax: s.tMax, etaMin: s.etaMin };
  if (s instanceof LinearWarmup) {
    return { kind: 'warmup', startFactor: s.startFactor, endFactor: s.endFactor, totalIters: s.totalIters };
  }
  return { kind: 'plateau', ...(s as ReduceLROnPlateau).options };
}
