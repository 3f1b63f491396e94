// Which members to average, chosen on validation: each candidate alone and the plain means of the best two,
// three and four (ranked alone), whichever has the lowest validation MAE. Equal weights, because weights fitted
// on a few dozen validation points overfit them (the "forecast combination puzzle"); the candidates alone stay
// in the choice so that a series one model owns (a random walk for naive) is not diluted.

/** Forecasts at the validation origins: [origins · horizon], NaN where a lead falls past the validation rows. */
export type LeadMatrix = Float64Array;

export interface Combination {
  /** Candidate indices averaged. */
  members: number[];
  /** Validation MAE of the mean. */
  mae: number;
  /** The mean's errors (actual − forecast) [origins · horizon], NaN where not scored. */
  errors: Float64Array;
}

/**
 * `handicap[i]` (default 1) multiplies the validation MAE of every mean that holds candidate i: the most
 * flexible member (the network) must win by a margin, because a flexible model's validation advantage is the
 * likeliest to be luck.
 */
export function chooseCombination(
  candidates: readonly LeadMatrix[],
  actual: LeadMatrix,
  handicap: readonly number[] = [],
): Combination {
  if (candidates.length === 0) throw new Error('chooseCombination: no candidates');
  const cost = (c: Combination) => c.members.reduce((m, i) => Math.max(m, handicap[i] ?? 1), 1) * c.mae;
  const alone = candidates.map((f, i) => ({ i, mae: meanAbsoluteError([f], actual) * (handicap[i] ?? 1) }));
  const ranked = alone.filter((c) => Number.isFinite(c.mae)).sort((a, b) => a.mae - b.mae || a.i - b.i);
  if (ranked.length === 0) return combination([0], candidates, actual);
  let best = combination([ranked[0].i], candidates, actual);
  for (let k = 2; k <= Math.min(4, ranked.length); k++) {
    const c = combination(
      ranked.slice(0, k).map((r) => r.i),
      candidates,
      actual,
    );
    if (cost(c) < cost(best)) best = c;
  }
  return best;
}

function combination(members: number[], candidates: readonly LeadMatrix[], actual: LeadMatrix): Combination {
  const chosen = members.map((i) => candidates[i]);
  const errors = new Float64Array(actual.length);
  for (let j = 0; j < actual.length; j++) errors[j] = actual[j] - meanAt(chosen, j);
  return { members, mae: meanAbs(errors), errors };
}

function meanAbsoluteError(chosen: readonly LeadMatrix[], actual: LeadMatrix): number {
  let sum = 0;
  let count = 0;
  for (let j = 0; j < actual.length; j++) {
    const e = actual[j] - meanAt(chosen, j);
    if (Number.isNaN(actual[j])) continue;
    if (!Number.isFinite(e)) return Number.POSITIVE_INFINITY;
    sum += Math.abs(e);
    count++;
  }
  return count > 0 ? sum / count : Number.POSITIVE_INFINITY;
}

function meanAt(chosen: readonly LeadMatrix[], j: number): number {
  let s = 0;
  for (const f of chosen) s += f[j];
  return s / chosen.length;
}

function meanAbs(errors: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const e of errors) {
    if (Number.isNaN(e)) continue;
    sum += Math.abs(e);
    count++;
  }
  return count > 0 ? sum / count : Number.POSITIVE_INFINITY;
}
