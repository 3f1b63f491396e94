// What a Trainer is built from, as a user writes it: an optimizer ('adam', { kind: 'sgd', lr, momentum }, or an
// Optimizer over the model's slab), an LR schedule ({ kind: 'cosine', tMax }, …) and clipping, each checked
// when the Trainer is made, so a bad learning rate fails before the first step.

import { describe, ValueError } from '../errors.ts';
import type { ParamSlab } from '../model/slab.ts';
import { optionsObject, positive } from '../validate.ts';
import {
  Adagrad,
  type AdagradOptions,
  Adam,
  type AdamOptions,
  AdamW,
  Optimizer,
  RMSprop,
  type RMSpropOptions,
  SGD,
  type SGDOptions,
} from './optimizers.ts';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  LRSchedule,
  type PlateauOptions,
  ReduceLROnPlateau,
  StepLR,
} from './schedules.ts';

export type OptimizerSpec =
  | 'sgd'
  | 'adam'
  | 'adamw'
  | 'adagrad'
  | 'rmsprop'
  | ({ kind: 'sgd' } & SGDOptions)
  | ({ kind: 'adam' | 'adamw' } & AdamOptions)
  | ({ kind: 'adagrad' } & AdagradOptions)
  | ({ kind: 'rmsprop' } & RMSpropOptions);

export type ScheduleSpec =
  | { kind: 'step'; stepSize: number; gamma?: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; tMax: number; etaMin?: number }
  | { kind: 'warmup'; startFactor?: number; endFactor?: number; totalIters?: number }
  | ({ kind: 'plateau' } & PlateauOptions);

export type Schedule = LRSchedule | ReduceLROnPlateau;

export interface ClipOptions {
  /** torch.nn.utils.clip_grad_norm_ over every gradient of the model. */
  norm?: number;
  /** torch.nn.utils.clip_grad_value_. Applied before `norm` when both are given. */
  value?: number;
}

/** The optimizer a spec names, over `slab`; an Optimizer instance must already be over that slab. */
export function makeOptimizer(slab: ParamSlab, spec: OptimizerSpec | Optimizer | undefined): Optimizer {
  if (spec instanceof Optimizer) {
    if (spec.slab !== slab)
      throw new ValueError("optimizer must be built over the model's slab (model.slab)");
    return spec;
  }
  const o = (typeof spec === 'string' ? { kind: spec } : (spec ?? { kind: 'adam' })) as Exclude<
    OptimizerSpec,
    string
  >;
  if (o === null || typeof o !== 'object') {
    throw new ValueError(`optimizer must be a name, { kind, lr, … } or an Optimizer but got ${describe(o)}`);
  }
  // The spec's own options without its kind, so each optimizer refuses a key it does not know.
  const { kind: _kind, ...rest } = o as { kind: unknown };
  switch (o.kind) {
    case 'sgd':
      if ((o as SGDOptions).lr === undefined)
        throw new ValueError('optimizer sgd needs lr (torch has no default)');
      return new SGD(slab, rest as SGDOptions);
    case 'adam':
      return new Adam(slab, rest as AdamOptions);
    case 'adamw':
      return new AdamW(slab, rest as AdamOptions);
    case 'adagrad':
      return new Adagrad(slab, rest as AdagradOptions);
    case 'rmsprop':
      return new RMSprop(slab, rest as RMSpropOptions);
    default:
      throw new ValueError(
        `optimizer kind must be sgd, adam, adamw, adagrad or rmsprop but got ${describe((o as { kind: unknown }).kind)}`,
      );
  }
}

export function makeSchedule(
  optimizer: Optimizer,
  spec: ScheduleSpec | Schedule | undefined,
): Schedule | undefined {
  if (spec === undefined) return undefined;
  if (spec instanceof LRSchedule || spec instanceof ReduceLROnPlateau) {
    if (spec.optimizer !== optimizer)
      throw new ValueError("schedule must be built over the trainer's optimizer");
    return spec;
  }
  if (spec === null || typeof spec !== 'object') {
    throw new ValueError(`schedule must be { kind, … } or a schedule but got ${describe(spec)}`);
  }
  const { kind: _kind, ...rest } = spec as { kind: unknown };
  switch (spec.kind) {
    case 'step':
      return new StepLR(optimizer, rest as Omit<typeof spec, 'kind'>);
    case 'exponential':
      return new ExponentialLR(optimizer, rest as Omit<typeof spec, 'kind'>);
    case 'cosine':
      return new CosineAnnealingLR(optimizer, rest as Omit<typeof spec, 'kind'>);
    case 'warmup':
      return new LinearWarmup(optimizer, rest as Omit<typeof spec, 'kind'>);
    case 'plateau':
      return new ReduceLROnPlateau(optimizer, rest as Omit<typeof spec, 'kind'>);
    default:
      throw new ValueError(
        `schedule kind must be step, exponential, cosine, warmup or plateau but got ${describe((spec as { kind: unknown }).kind)}`,
      );
  }
}

export function checkClip(clip: ClipOptions | undefined): ClipOptions {
  optionsObject('clip', clip, false, ['norm', 'value']);
  if (clip === undefined) return {};
  if (clip.norm !== undefined) positive('clip.norm', clip.norm);
  if (clip.value !== undefined) positive('clip.value', clip.value);
  return { ...clip };
}
