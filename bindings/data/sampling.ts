// Drawing the next token from a model's logits, as text generation does: temperature scaling, then top-k and
// nucleus (top-p) truncation, then one seeded draw. Temperature 0 is greedy decoding (the arg max).
// Work is in float64 over a sorted copy; vocabularies are small (tens to thousands), so a sort per draw is cheap
// next to the model step that produced the logits.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import { nonNegative, nonNegativeInt, optionsObject } from '../validate.ts';

export interface SamplingOptions {
  /** Divides the logits; < 1 sharpens, > 1 flattens, 0 = greedy. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or absent = all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p, in (0, 1] (default 1 = all). */
  topP?: number;
}

export interface CheckedSampling {
  temperature: number;
  topK: number;
  topP: number;
}

/** Validates sampling options once (before a generation loop), naming the argument at fault. */
export function checkSampling(options: SamplingOptions = {}): CheckedSampling {
  optionsObject('sampling options', options);
  const temperature = nonNegative('temperature', options.temperature ?? 1);
  const topK = nonNegativeInt('topK (0 = all tokens)', options.topK ?? 0);
  const topP = options.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) {
    throw new ValueError(`topP must be a number in (0, 1] but got ${describe(topP)}`);
  }
  return { temperature, topK, topP };
}

/** Probabilities after temperature, top-k and top-p, renormalised; tokens cut away get exactly 0. */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  const { temperature, topK, topP } = checkSampling(options);
  const n = checkLogits(logits);
  const probs = new Float64Array(n);
  if (temperature === 0) {
    probs[argMax(logits)] = 1;
    return probs;
  }
  // Most likely first; ties keep the lower id first so the result never depends on the sort's stability.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const top = logits[order[0]];
  let total = 0;
  for (const i of order) {
    probs[i] = Math.exp((logits[i] - top) / temperature);
    total += probs[i];
  }
  const keepK = topK === 0 ? n : Math.min(topK, n);
  let kept = 0;
  let mass = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (r < keepK && (mass < topP * total || r === 0)) {
      mass += probs[i];
      kept += probs[i];
    } else probs[i] = 0;
  }
  for (let i = 0; i < n; i++) probs[i] /= kept;
  return probs;
}

/** One token id drawn from the logits with the library's seeded PRNG. */
export function sampleToken(logits: ArrayLike<number>, rng: Random, options: SamplingOptions = {}): number {
  if (!(rng instanceof Random)) throw new ValueError(`rng must be a Random but got ${describe(rng)}`);
  const probs = samplingDistribution(logits, options);
  const u = rng.next();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    cumulative += probs[i];
    last = i;
    if (u < cumulative) return i;
  }
  // Rounding can leave the cumulative sum a hair below 1; the draw then belongs to the last kept token.
  return last;
}

/** Index of the largest logit (the first one on ties). */
export function argMax(values: ArrayLike<number>): number {
  checkLogits(values, 'values', false);
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function checkLogits(logits: ArrayLike<number>, name = 'logits', finite = true): number {
  if (!(ArrayBuffer.isView(logits) && !(logits instanceof DataView)) && !Array.isArray(logits)) {
    throw new ShapeError(`${name} must be an array of numbers but got ${describe(logits)}`);
  }
  if (logits.length === 0) throw new ShapeError(`${name} must hold at least one value but is empty`);
  for (let i = 0; finite && i < logits.length; i++) {
    if (!Number.isFinite(logits[i]))
      throw new ValueError(`${name}[${i}] must be finite but is ${describe(logits[i])}`);
  }
  return logits.length;
}
