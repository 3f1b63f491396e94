// Coverage of the forecaster's prediction intervals on the rolling origins: the share of test values inside
// [lower, upper] at each level. Written against the API landing in forecaster.ts; until then forecastFrom
// ignores the third argument and returns a Float32Array, which is how we tell.

import type { CoverageCount } from './types.ts';

export const LEVELS = [80, 95];

interface Interval {
  level: number;
  lower: Float32Array;
  upper: Float32Array;
}

type WithLevels = {
  forecastFrom(
    history: Float32Array,
    steps: number,
    options: { level: number[] },
  ): { mean: Float32Array; intervals: Interval[] } | Float32Array;
};

/** Counts per level over origins o..N−H, or undefined when the forecaster gives no intervals. */
export function coverage(
  f: object,
  y32: Float32Array,
  y: Float64Array,
  o: number,
  H: number,
): CoverageCount[] | undefined {
  const g = f as WithLevels;
  const counts = LEVELS.map((level) => ({ level, inside: 0, total: 0 }));
  for (let oo = o; oo <= y.length - H; oo++) {
    const r = g.forecastFrom(y32.subarray(0, oo), H, { level: LEVELS });
    if (r instanceof Float32Array) return undefined;
    for (const count of counts) {
      const band = r.intervals.find((i) => i.level === count.level);
      if (!band) throw new Error(`forecastFrom gave no ${count.level}% interval`);
      for (let k = 0; k < H; k++) {
        const v = y[oo + k];
        if (v >= band.lower[k] && v <= band.upper[k]) count.inside++;
        count.total++;
      }
    }
  }
  return counts;
}

/** Sums counts level by level (pooling seeds or series). */
export function pool(all: (CoverageCount[] | undefined)[]): CoverageCount[] | undefined {
  const present = all.filter((c): c is CoverageCount[] => c !== undefined);
  if (present.length === 0) return undefined;
  return LEVELS.map((level) => {
    const these = present.map((c) => c.find((x) => x.level === level)!);
    return {
      level,
      inside: these.reduce((s, c) => s + c.inside, 0),
      total: these.reduce((s, c) => s + c.total, 0),
    };
  });
}
