// Sequence pairs for a Seq2Seq (source sequence → target token sequence, each of its own length): checked
// once, then batched time-major with padding and lengths into buffers reused from batch to batch.

import type { SampleArray, Sequence } from '../data/dataset.ts';
import { DataError, describe, ShapeError } from '../errors.ts';
import type { Seq2SeqConfig } from './seq2seq-config.ts';
import type { SampleSet, TrainBatch } from './trainable.ts';

/** What fit() and evaluate() take for a Seq2Seq: sources (ids, or floats of `features` per step) and target ids. */
export interface PairData {
  inputs: readonly SampleArray[];
  targets: readonly SampleArray[];
}

/** What pairs are checked against: the model's source and its target vocabulary. */
export interface PairShape {
  readonly config: Pick<Seq2SeqConfig, 'source'>;
  readonly outputSize: number;
}

export interface Pairs {
  readonly sources: readonly Sequence[];
  readonly targets: readonly Int32Array[];
  readonly sourceLengths: Int32Array;
  readonly targetLengths: Int32Array;
  readonly size: number;
}

const dataOf = (s: SampleArray): unknown =>
  typeof s === 'object' && s !== null && !ArrayBuffer.isView(s) ? (s as { data: unknown }).data : s;

export function toPairs(data: PairData, model: PairShape, name: string): Pairs {
  if (
    data === null ||
    typeof data !== 'object' ||
    !Array.isArray(data.inputs) ||
    !Array.isArray(data.targets)
  ) {
    throw new ShapeError(
      `${name} must be { inputs, targets } (arrays of sequences) but got ${describe(data)}`,
    );
  }
  const { inputs, targets } = data;
  if (inputs.length !== targets.length) {
    throw new ShapeError(
      `${name}: inputs and targets must hold the same number of samples but inputs has ${inputs.length} and targets has ${targets.length}`,
    );
  }
  if (inputs.length === 0) throw new DataError(`${name} is empty: inputs and targets hold no samples`);
  const src = model.config.source;
  const ids = src.kind !== 'features';
  const F = ids ? 1 : src.size;
  const sources: Sequence[] = [];
  const tgts: Int32Array[] = [];
  const sourceLengths = new Int32Array(inputs.length);
  const targetLengths = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const raw = dataOf(inputs[i]);
    const x = raw as Sequence;
    if (
      !(ids ? raw instanceof Int32Array : raw instanceof Float32Array) ||
      x.length === 0 ||
      x.length % F !== 0
    ) {
      const want = ids ? 'Int32Array source ids' : `Float32Array of whole steps of ${F} features`;
      throw new ShapeError(`${name}: inputs[${i}] must be a non-empty ${want} but is ${describe(raw)}`);
    }
    for (let j = 0; j < x.length; j++) {
      const v = x[j];
      if (ids ? v < 0 || v >= src.size : v - v !== 0) {
        const why = ids ? `a source id outside [0, ${src.size})` : 'not finite';
        throw new DataError(`${name}: inputs[${i}] holds ${v} at step ${Math.floor(j / F)} (${why})`);
      }
    }
    const y = dataOf(targets[i]);
    if (!(y instanceof Int32Array) || y.length === 0) {
      throw new ShapeError(
        `${name}: targets[${i}] must be a non-empty Int32Array of target ids but is ${describe(y)}`,
      );
    }
    const V = model.outputSize;
    const bad = y.findIndex((v) => v < 0 || v >= V);
    if (bad >= 0) {
      throw new DataError(
        `${name}: targets[${i}] holds ${y[bad]} at step ${bad}; the target vocabulary is 0 to ${V - 1}`,
      );
    }
    sources.push(x);
    tgts.push(y);
    sourceLengths[i] = x.length / F;
    targetLengths[i] = y.length;
  }
  return { sources, targets: tgts, sourceLengths, targetLengths, size: inputs.length };
}

/** Padded time-major batches of pairs; each batch is a view into buffers the next one overwrites. */
export class PairBatcher {
  readonly #p: Pairs;
  readonly #F: number;
  readonly #x: Sequence;
  readonly #y: Int32Array;
  readonly #sl: Int32Array;
  readonly #tl: Int32Array;

  constructor(p: Pairs, model: PairShape, capacity: number) {
    this.#p = p;
    const src = model.config.source;
    this.#F = src.kind === 'features' ? src.size : 1;
    const maxS = p.sourceLengths.reduce((a, b) => Math.max(a, b), 0);
    const maxT = p.targetLengths.reduce((a, b) => Math.max(a, b), 0);
    this.#x =
      src.kind === 'features' ? new Float32Array(capacity * maxS * this.#F) : new Int32Array(capacity * maxS);
    this.#y = new Int32Array(capacity * maxT);
    this.#sl = new Int32Array(capacity);
    this.#tl = new Int32Array(capacity);
  }

  batch(indices: ArrayLike<number>): TrainBatch {
    const p = this.#p;
    const F = this.#F;
    const B = indices.length;
    let Ts = 0;
    let Tt = 0;
    for (let b = 0; b < B; b++) {
      this.#sl[b] = p.sourceLengths[indices[b]];
      this.#tl[b] = p.targetLengths[indices[b]];
      Ts = Math.max(Ts, this.#sl[b]);
      Tt = Math.max(Tt, this.#tl[b]);
    }
    const x = this.#x.subarray(0, Ts * B * F);
    const y = this.#y.subarray(0, Tt * B);
    x.fill(0);
    y.fill(0);
    for (let b = 0; b < B; b++) {
      const s = p.sources[indices[b]];
      const t = p.targets[indices[b]];
      for (let i = 0; i < this.#sl[b]; i++) for (let f = 0; f < F; f++) x[(i * B + b) * F + f] = s[i * F + f];
      for (let i = 0; i < this.#tl[b]; i++) y[i * B + b] = t[i];
    }
    return {
      inputs: { data: x, shape: F === 1 && x instanceof Int32Array ? [Ts, B] : [Ts, B, F] },
      targets: { data: y, shape: [Tt, B] },
      lengths: this.#sl.subarray(0, B),
      targetLengths: this.#tl.subarray(0, B),
    };
  }
}

/** `data` as a Seq2Seq's samples: pairs checked against the model, batched with padding and lengths. */
export function pairSamples(data: unknown, name: string, model: PairShape): SampleSet {
  const pairs = toPairs(data as PairData, model, name);
  return {
    size: pairs.size,
    batcher: (capacity) => {
      const batcher = new PairBatcher(pairs, model, capacity);
      return (indices) => batcher.batch(indices);
    },
  };
}
