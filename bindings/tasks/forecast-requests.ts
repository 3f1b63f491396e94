// What a forecast call asks for, checked and turned into what the ensemble takes: interval levels (only from a
// forecaster that has intervals), the known inputs' future rows (only from one fitted with known inputs), and
// the empirical coverage of the intervals over an evaluation's scored values.

import { asMatrix, requireFiniteMatrix } from '../data/args.ts';
import { describe, ShapeError, ValueError } from '../errors.ts';
import { optionsObject } from '../validate.ts';
import type { ForecastEnsemble, FutureInputs } from './forecast-ensemble.ts';
import type { ForecastOptions, ForecastWithIntervals, IntervalOptions } from './forecaster-options.ts';
import type { WalkForwardResult } from './walk-forward.ts';

/** The levels asked (undefined: none), each a percentage in (0, 100); an error when there are no intervals. */
export function intervalLevels(
  options: IntervalOptions | ForecastOptions | undefined,
  ensemble: ForecastEnsemble | undefined,
): number[] | undefined {
  if (options === undefined) return undefined;
  const o = optionsObject('forecast options ({ level, future })', options) as Partial<IntervalOptions>;
  if (!('level' in o) && 'future' in o) return undefined;
  const levels = o.level;
  if (
    !Array.isArray(levels) ||
    levels.length === 0 ||
    levels.some((l) => !(typeof l === 'number' && l > 0 && l < 100))
  ) {
    throw new ValueError(
      `level must be a non-empty array of percentages in (0, 100) but got ${describe(levels)}`,
    );
  }
  if (ensemble === undefined || !ensemble.hasIntervals) {
    throw new ValueError(
      'this forecaster has no prediction intervals (a file written before them, or too few validation rows to fit them)',
    );
  }
  return levels;
}

/** options.future checked: [≥ steps rows, one column per known input], finite; required with known inputs. */
export function futureInputs(
  options: IntervalOptions | ForecastOptions | undefined,
  steps: number,
  known: readonly number[],
): FutureInputs | undefined {
  const given = options?.future;
  if (known.length === 0) {
    if (given !== undefined) {
      throw new ValueError("future is only for a forecaster fitted with covariates: 'known'");
    }
    return undefined;
  }
  if (given === undefined) {
    throw new ValueError(
      `future must give the ${known.length} known input(s) (columns ${known.join(', ')}) for each of the ${steps} forecast rows`,
    );
  }
  const f = asMatrix('future', given);
  if (f.cols !== known.length || f.rows < steps) {
    throw new ShapeError(
      `future must be [${steps}, ${known.length}] (rows × known inputs) but got [${f.rows}, ${f.cols}]`,
    );
  }
  requireFiniteMatrix('future', f, 'known inputs cannot be missing in the forecast rows');
  return (_i, h) => f.data.subarray(h * f.cols, (h + 1) * f.cols);
}

/** The mean alone (no levels asked) or with the bounds of each level. */
export function withIntervals(
  mean: Float64Array,
  steps: number,
  levels: number[] | undefined,
  ensemble: ForecastEnsemble | undefined,
): Float32Array | ForecastWithIntervals {
  if (levels === undefined || ensemble === undefined) return Float32Array.from(mean);
  return {
    mean: Float32Array.from(mean),
    intervals: levels.map((level) => ({ level, ...ensemble.bounds(mean, steps, level) })),
  };
}

/** Share of the scored values (observed, not filled) inside the model's intervals, per level. */
export function intervalCoverage(
  result: WalkForwardResult,
  ensemble: ForecastEnsemble,
  levels: number[],
  observed: Float32Array,
  columns: number,
): Record<number, number> {
  const Ft = result.targetColumns.length;
  const H = result.horizon;
  const scored = (i: number) => {
    const row = result.origins[Math.floor(i / (H * Ft))] + Math.floor((i % (H * Ft)) / Ft);
    return observed[row * columns + result.targetColumns[i % Ft]] > 0;
  };
  const coverage: Record<number, number> = {};
  for (const level of levels) {
    const { lower, upper } = ensemble.bounds(result.forecasts.model, H, level);
    let inside = 0;
    let count = 0;
    result.actual.forEach((a, i) => {
      if (!scored(i)) return;
      count++;
      if (a >= lower[i] && a <= upper[i]) inside++;
    });
    coverage[level] = inside / count;
  }
  return coverage;
}
