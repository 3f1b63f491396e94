// Truncated BPTT over one long stream (a text as token ids, or a long float series). As in PyTorch's
// word_language_model, the stream is cut into B contiguous tracks laid side by side (`batchify`), and the
// tracks are read in consecutive windows of k1 steps: row b of window w+1 continues row b of window w exactly,
// so the hidden state left by one window is the right initial state of the next.
//
// k1 and k2 (Williams & Peng's TBPTT(k1, k2)): every k1 new steps, backpropagate through the last k2 steps.
// - k2 = k1 (the default, and what PyTorch's example does): run a window from the carried state, backprop
//   through it, detach the state, go on. Use `inputs`/`targets`.
// - k2 > k1: the caller keeps the state it had at row `history.start` (k2 − k1 steps before the window) and
//   reruns forward over `history.inputs` (≤ k2 steps ending where the window ends), backpropagating through
//   all of them; the loss on the fresh `steps` rows is what is new. Both are views, nothing is copied.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { nonNegativeInt, optionsObject, positiveInt } from '../validate.ts';
import { firstNonFinite } from './args.ts';
import type { Sequence } from './dataset.ts';

export interface StreamOptions<Y extends Sequence = Sequence> {
  /** B: parallel tracks (the batch size). */
  tracks: number;
  /** New steps per window. */
  k1: number;
  /** Steps of backprop history per window, ≥ k1 (default k1). */
  k2?: number;
  /** Features per step of a float stream (default 1). */
  features?: number;
  /** A separate target stream, aligned step for step with the input stream (default: the input itself). */
  target?: Y;
  targetFeatures?: number;
  /** Targets are `shift` steps ahead of inputs (default 1: next-step prediction, as in a language model). */
  shift?: number;
}

export interface WindowViews<X extends Sequence, Y extends Sequence> {
  /** [T, B, F] for floats, [T, B] for ids: rows start..start+T of every track. */
  readonly inputs: Tensor<X>;
  readonly targets: Tensor<Y>;
  readonly start: number;
  readonly steps: number;
}

export interface StreamWindow<X extends Sequence, Y extends Sequence> extends WindowViews<X, Y> {
  /** Window number in the pass. */
  readonly index: number;
  /** True for the first window: the tracks begin here, so start from a zero state. */
  readonly first: boolean;
  /** The last ≤ k2 steps ending with this window (the window itself when k2 = k1). */
  readonly history: WindowViews<X, Y>;
}

/** Cuts a stream into B contiguous tracks side by side: time-major [L, B, F] ([L, B] for ids), L = ⌊N/B⌋. */
export function batchify<A extends Sequence>(stream: A, tracks: number, features = 1): Tensor<A> {
  const B = positiveInt('tracks', tracks);
  const F = positiveInt('features', features);
  if (!(stream instanceof Float32Array || stream instanceof Int32Array)) {
    throw new ShapeError('stream must be a Float32Array or an Int32Array of token ids');
  }
  if (stream.length % F !== 0) {
    throw new ShapeError(`stream has length ${stream.length}, not a whole number of steps of ${F} features`);
  }
  // The remainder (< B steps) is dropped, as PyTorch's batchify does; track b is steps b·L .. (b+1)·L − 1.
  const L = Math.floor(stream.length / F / B);
  // Also bounds the loops below by the stream's length: tracks = 10^12 must not spin through empty tracks.
  if (L === 0) {
    throw new DataError(
      `stream has ${stream.length / F} steps, too few for ${B} tracks of at least one step each`,
    );
  }
  const out = (stream instanceof Int32Array ? new Int32Array(L * B * F) : new Float32Array(L * B * F)) as A;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < L; t++) {
      const src = (b * L + t) * F;
      const dst = (t * B + b) * F;
      for (let f = 0; f < F; f++) out[dst + f] = stream[src + f];
    }
  }
  return { data: out, shape: F === 1 && stream instanceof Int32Array ? [L, B] : [L, B, F] };
}

/** Consecutive windows over batchified tracks; iterate once per epoch. */
export class TbpttStream<X extends Sequence = Sequence, Y extends Sequence = Sequence>
  implements Iterable<StreamWindow<X, Y>>
{
  readonly inputs: Tensor<X>;
  readonly targets: Tensor<Y>;
  readonly k1: number;
  readonly k2: number;
  readonly shift: number;
  /** Rows that have a target: windows cover steps 0 .. usable − 1. */
  readonly usable: number;
  /** Windows in one pass. */
  readonly length: number;

  constructor(stream: X, options: StreamOptions<Y>) {
    optionsObject('tbptt options ({ tracks, k1, ... })', options, true, [
      'tracks',
      'k1',
      'k2',
      'features',
      'target',
      'targetFeatures',
      'shift',
    ]);
    this.k1 = positiveInt('k1', options.k1);
    this.k2 = positiveInt('k2', options.k2 ?? this.k1);
    if (this.k2 < this.k1) throw new ValueError(`k2 must be ≥ k1 = ${this.k1} but got ${this.k2}`);
    this.shift = nonNegativeInt('shift', options.shift ?? 1);
    const F = positiveInt('features', options.features ?? 1);
    checkFinite('stream', stream, F);
    this.inputs = batchify(stream, options.tracks, F);
    if (options.target === undefined) this.targets = this.inputs as unknown as Tensor<Y>;
    else {
      const Ft = positiveInt('targetFeatures', options.targetFeatures ?? 1);
      if (!(options.target instanceof Float32Array || options.target instanceof Int32Array)) {
        throw new ShapeError(
          `target must be a Float32Array or an Int32Array but got ${describe(options.target)}`,
        );
      }
      checkFinite('target', options.target, Ft);
      if (options.target.length / Ft !== stream.length / F) {
        throw new ShapeError(
          `target has ${options.target.length / Ft} steps but stream has ${stream.length / F}; they must align`,
        );
      }
      this.targets = batchify(options.target, options.tracks, Ft);
    }
    const L = this.inputs.shape[0];
    this.usable = L - this.shift;
    if (this.usable < 1) {
      throw new DataError(
        `stream of ${stream.length / F} steps in ${options.tracks} tracks gives ${L} steps per track, too few for shift ${this.shift}`,
      );
    }
    this.length = Math.ceil(this.usable / this.k1);
  }

  *[Symbol.iterator](): Iterator<StreamWindow<X, Y>> {
    for (let index = 0; index < this.length; index++) {
      const start = index * this.k1;
      const steps = Math.min(this.k1, this.usable - start);
      const hStart = Math.max(0, start + steps - this.k2);
      const fresh = this.#views(start, steps);
      const history = hStart === start ? fresh : this.#views(hStart, start + steps - hStart);
      yield { ...fresh, index, first: index === 0, history };
    }
  }

  /** Rows start..start+steps are one contiguous range of the time-major tracks: a view, no copy. */
  #views(start: number, steps: number): WindowViews<X, Y> {
    return {
      inputs: rows(this.inputs, start, steps),
      targets: rows(this.targets, start + this.shift, steps),
      start,
      steps,
    };
  }
}

function rows<A extends Sequence>(t: Tensor<A>, start: number, steps: number): Tensor<A> {
  const row = t.data.length / t.shape[0];
  const data = t.data.subarray(start * row, (start + steps) * row) as A;
  return { data, shape: [steps, ...t.shape.slice(1)] };
}

function checkFinite(name: string, s: Sequence, F: number): void {
  if (!(s instanceof Float32Array)) return;
  const i = firstNonFinite(s);
  if (i >= 0) {
    throw new DataError(
      `${name} holds ${s[i]} at step ${Math.floor(i / F)}, feature ${i % F}; fill missing values first (interpolateMissing)`,
    );
  }
}

/** Truncated-BPTT windows over one long stream cut into `tracks` parallel tracks. */
export function tbptt<X extends Sequence, Y extends Sequence = X>(
  stream: X,
  options: StreamOptions<Y>,
): TbpttStream<X, Y> {
  return new TbpttStream(stream, options);
}
