// What every loader may be told, and the weight check it applies to a file's weights: finite, and within
// ±maxAbsWeight. A weight of 3.4e38 is finite, loads, and makes every output Inf or NaN without a word; trained
// recurrent nets keep their weights within a few tens (weight decay, clipping and saturating gates see to it),
// so 1e6 refuses only files no training run wrote. A caller who knows better passes { maxAbsWeight: Infinity }.

import { describe, ValueError } from '../errors.ts';
import { optionsObject } from '../validate.ts';

/** The default bound on |w| of a loaded weight. */
export const MAX_ABS_WEIGHT = 1e6;

export interface LoadOptions {
  /** Largest |w| accepted in the file's weights (default 1e6); Infinity accepts any finite weight. */
  maxAbsWeight?: number;
}

/** The options checked, defaults filled in. */
export function loadOptions(options: LoadOptions | undefined): Required<LoadOptions> {
  const o = optionsObject('load options ({ maxAbsWeight })', options, false, ['maxAbsWeight']);
  const bound = o.maxAbsWeight ?? MAX_ABS_WEIGHT;
  if (typeof bound !== 'number' || !(bound > 0)) {
    throw new ValueError(
      `maxAbsWeight must be a positive number (Infinity to skip the range check) but got ${describe(bound)}`,
    );
  }
  return { maxAbsWeight: bound };
}

/** Refuses (through `fail`) the first value of tensor `name` that is not finite or is beyond ±bound. */
export function checkWeightRange(
  name: string,
  data: Float32Array,
  bound: number,
  fail: (message: string) => never,
): void {
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a <= bound && a !== Number.POSITIVE_INFINITY) continue;
    if (!Number.isFinite(data[i]))
      fail(`weights: ${name}[${i}] is ${data[i]}; a model's weights must be finite`);
    fail(
      `weights: ${name}[${i}] is ${data[i]}, beyond ±${bound} (no training run writes such a weight; ` +
        'load with { maxAbsWeight: Infinity } to accept it)',
    );
  }
}
