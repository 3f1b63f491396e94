// Windows of a text for a character language model, besides TextModel's default streams (tbptt): batches of
// random windows (each row T ids and the T ids one step later, as in nanoGPT's get_batch; no carried state, every
// step a fresh part of the text) for custom loops, fixed non-overlapping chunks each scored from a zero state
// (TextModel.evaluate with state: 'fresh'), and the sampling loop that feeds a prompt and then its own draws
// back one character at a time.

import { type SamplingOptions, sampleToken } from '../data/sampling.ts';
import { DataError } from '../errors.ts';
import { Random } from '../random.ts';
import { deriveSeed } from '../seed.ts';
import type { Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';

export interface TokenBatch {
  /** [T, B] time-major ids. */
  readonly inputs: Tensor<Int32Array>;
  /** [T, B]: inputs shifted one step ahead. */
  readonly targets: Tensor<Int32Array>;
}

/** B windows of T+1 ids at seeded random offsets; the two buffers are reused by every call. */
export class RandomWindows {
  readonly #ids: Int32Array;
  readonly #T: number;
  readonly #B: number;
  readonly #rng: Random;
  readonly #batch: TokenBatch;

  constructor(ids: Int32Array, seqLength: number, batchSize: number, seed: number) {
    this.#T = positiveInt('seqLength', seqLength);
    this.#B = positiveInt('batchSize', batchSize);
    if (ids.length < this.#T + 1) {
      throw new DataError(
        `the text has ${ids.length} characters but one training window of seqLength ${this.#T} needs ${this.#T + 1}; ` +
          `give a longer text or a smaller seqLength`,
      );
    }
    this.#ids = ids;
    this.#rng = new Random(deriveSeed(seed, 'windows'));
    const shape = [this.#T, this.#B];
    this.#batch = {
      inputs: { data: new Int32Array(this.#T * this.#B), shape },
      targets: { data: new Int32Array(this.#T * this.#B), shape },
    };
  }

  next(): TokenBatch {
    const T = this.#T;
    const B = this.#B;
    const x = this.#batch.inputs.data;
    const y = this.#batch.targets.data;
    for (let b = 0; b < B; b++) {
      const o = this.#rng.int(this.#ids.length - T);
      for (let t = 0; t < T; t++) {
        x[t * B + b] = this.#ids[o + t];
        y[t * B + b] = this.#ids[o + t + 1];
      }
    }
    return this.#batch;
  }
}

/** Non-overlapping windows covering `ids` in order, B per batch (the last batch may be narrower). */
export function evaluationBatches(ids: Int32Array, seqLength: number, batchSize: number): TokenBatch[] {
  const T = positiveInt('seqLength', seqLength);
  const B = positiveInt('batchSize', batchSize);
  const windows = Math.floor((ids.length - 1) / T);
  if (windows === 0) {
    throw new DataError(
      `the text has ${ids.length} characters, fewer than one window of ${T + 1} to evaluate on`,
    );
  }
  const out: TokenBatch[] = [];
  for (let first = 0; first < windows; first += B) {
    const n = Math.min(B, windows - first);
    const x = new Int32Array(T * n);
    const y = new Int32Array(T * n);
    for (let b = 0; b < n; b++) {
      const o = (first + b) * T;
      for (let t = 0; t < T; t++) {
        x[t * n + b] = ids[o + t];
        y[t * n + b] = ids[o + t + 1];
      }
    }
    out.push({ inputs: { data: x, shape: [T, n] }, targets: { data: y, shape: [T, n] } });
  }
  return out;
}

export interface GenerationOptions extends SamplingOptions {
  /** Characters to generate after the prompt (default 200). */
  length?: number;
  /** Seed of the draws (default 0): the same seed and prompt give the same text. */
  seed?: number;
}

/**
 * Feeds `prompt` through `step` (one id in, the next-id logits out, state carried inside), then draws `length`
 * ids, each fed back as the next input. Returns the drawn ids only.
 */
export function generateIds(
  step: (id: number) => ArrayLike<number>,
  prompt: Int32Array,
  options: GenerationOptions,
): Int32Array {
  const length = positiveInt('length', options.length ?? 200);
  if (prompt.length === 0)
    throw new DataError('generation needs at least one prompt character to start from');
  const rng = new Random(deriveSeed(options.seed ?? 0, 'sample'));
  let logits: ArrayLike<number> = [];
  for (const id of prompt) logits = step(id);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = sampleToken(logits, rng, options);
    if (i + 1 < length) logits = step(out[i]);
  }
  return out;
}
