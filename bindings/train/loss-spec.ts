// Loss options as a user writes them ('mse', { kind: 'huber', delta: 2 }, ...), normalised and checked, and the
// check of targets against a loss (class ids in range, probabilities in [0, 1], finite values), run before
// any kernel so that bad targets give a typed error naming the sample.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Locate } from '../model/trainable.ts';
import { integer, knownKeys, positive } from '../validate.ts';

export type { Locate };

export type LossKind = 'mse' | 'mae' | 'huber' | 'cross_entropy' | 'bce_with_logits';
export type Reduction = 'mean' | 'sum';

export interface LossOptions {
  kind: LossKind;
  /** 'mean' (default) divides by the number of counted elements (Σ weights for weighted cross-entropy). */
  reduction?: Reduction;
  /** Huber's δ (torch's `delta`), default 1. */
  delta?: number;
  /** Cross-entropy: a target equal to this is skipped (torch's ignore_index), default −100. */
  ignoreIndex?: number;
  /** Cross-entropy: one weight per class (torch's `weight`). */
  classWeights?: ArrayLike<number>;
}

export type LossSpec = LossKind | LossOptions;

export interface LossConfig {
  readonly kind: LossKind;
  readonly reduction: Reduction;
  readonly delta: number;
  readonly ignoreIndex: number;
  readonly classWeights: Float32Array | undefined;
  /** Targets are Int32 class ids (cross-entropy), else floats shaped like the outputs. */
  readonly classTargets: boolean;
}

const KINDS: readonly LossKind[] = ['mse', 'mae', 'huber', 'cross_entropy', 'bce_with_logits'];

export function lossConfig(spec: LossSpec): LossConfig {
  const o: LossOptions = typeof spec === 'string' ? { kind: spec } : spec;
  if (o === null || typeof o !== 'object' || !KINDS.includes(o.kind)) {
    throw new ValueError(
      `loss must be one of ${KINDS.join(', ')} (or { kind, ... }) but got ${describe(o?.kind ?? o)}`,
    );
  }
  knownKeys('loss', o, ['kind', 'reduction', 'delta', 'ignoreIndex', 'classWeights']);
  const reduction = o.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new ValueError(`loss reduction must be 'mean' or 'sum' but got ${describe(reduction)}`);
  }
  const delta = positive('loss delta', o.delta ?? 1);
  const ignoreIndex = integer('loss ignoreIndex', o.ignoreIndex ?? -100);
  const classTargets = o.kind === 'cross_entropy';
  for (const [key, value, kinds] of [
    ['delta', o.delta, ['huber']],
    ['ignoreIndex', o.ignoreIndex, ['cross_entropy']],
    ['classWeights', o.classWeights, ['cross_entropy']],
  ] as const) {
    if (value !== undefined && !(kinds as readonly string[]).includes(o.kind)) {
      throw new ValueError(`loss option ${key} is only for ${kinds.join(', ')}, not ${o.kind}`);
    }
  }
  return {
    kind: o.kind,
    reduction,
    delta,
    ignoreIndex,
    classWeights: o.classWeights === undefined ? undefined : checkWeights(o.classWeights),
    classTargets,
  };
}

function checkWeights(w: ArrayLike<number>): Float32Array {
  if (!ArrayBuffer.isView(w) && !Array.isArray(w)) {
    throw new ValueError(`loss classWeights must be an array of numbers but got ${describe(w)}`);
  }
  const out = Float32Array.from(w);
  for (let i = 0; i < out.length; i++) {
    if (!(out[i] >= 0) || !Number.isFinite(out[i])) {
      throw new ValueError(`loss classWeights[${i}] must be a finite number ≥ 0 but is ${w[i]}`);
    }
  }
  return out;
}

/**
 * Checks every target for a model with `cols` outputs per row: class ids in [0, cols) (or the ignore index)
 * for cross-entropy, finite values (and within [0, 1] for BCE) otherwise. Rows with mask 0 are not checked.
 */
export function checkTargets(
  c: LossConfig,
  targets: Float32Array | Int32Array,
  rows: number,
  cols: number,
  mask: Float32Array | undefined,
  locate: Locate,
): void {
  if (c.classTargets) {
    if (!(targets instanceof Int32Array)) {
      throw new ShapeError(`cross_entropy targets must be Int32Array class ids but got ${describe(targets)}`);
    }
    if (targets.length !== rows) {
      throw new ShapeError(
        `targets must hold ${rows} class ids (one per output row) but hold ${targets.length}`,
      );
    }
    if (c.classWeights && c.classWeights.length !== cols) {
      throw new ShapeError(
        `loss classWeights must hold ${cols} values (one per class) but holds ${c.classWeights.length}`,
      );
    }
    for (let r = 0; r < rows; r++) {
      const t = targets[r];
      if ((mask && mask[r] === 0) || t === c.ignoreIndex) continue;
      if (t < 0 || t >= cols) {
        throw new ValueError(
          `targets hold class ${t} at ${locate(r)} but the model has ${cols} classes (valid: 0 to ${cols - 1}, or ignoreIndex ${c.ignoreIndex})`,
        );
      }
    }
    return;
  }
  if (!(targets instanceof Float32Array)) {
    throw new ShapeError(`${c.kind} targets must be a Float32Array but got ${describe(targets)}`);
  }
  if (targets.length !== rows * cols) {
    throw new ShapeError(
      `targets must hold ${rows * cols} values (${rows} rows of ${cols} outputs) but hold ${targets.length}`,
    );
  }
  for (let i = 0; i < targets.length; i++) {
    const v = targets[i];
    const r = Math.floor(i / cols);
    if (mask && mask[r] === 0) continue;
    if (v - v !== 0)
      throw new DataError(`targets hold ${v} at ${locate(r)}; fill or drop missing values first`);
    if (c.kind === 'bce_with_logits' && (v < 0 || v > 1)) {
      throw new ValueError(`bce_with_logits targets must be in [0, 1] but hold ${v} at ${locate(r)}`);
    }
  }
}
