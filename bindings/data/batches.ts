// An epoch-by-epoch batch iterator over a dataset (PyTorch's DataLoader with its RandomSampler): each pass
// of `for (const batch of loader)` is one epoch, shuffled by the library's seeded PRNG, so the same seed gives
// the same batches in every engine. Batches are views into buffers preallocated once; the next batch
// overwrites them, so copy what must outlive one step.

import { describe, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import { deriveSeed } from '../seed.ts';
import { flag, integer, nonNegativeInt, optionsObject, positiveInt } from '../validate.ts';
import { type Batch, BatchBuffers, type CollateOptions, collate } from './batch.ts';
import { type Dataset, requireDataset, type Sequence } from './dataset.ts';

export interface BatchesOptions extends CollateOptions {
  batchSize: number;
  /** Draw a fresh permutation every epoch (default false: dataset order). */
  shuffle?: boolean;
  /** Seed of the shuffling stream (default 0). */
  seed?: number;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** Where the iterator stands between epochs, to resume a run exactly from a checkpoint. */
export interface BatchesState {
  epoch: number;
  rng: number[];
}

export class BatchIterator<X extends Sequence = Sequence, Y extends Sequence = Sequence>
  implements Iterable<Batch<X, Y>>
{
  readonly dataset: Dataset<X, Y>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** Batches in one epoch. */
  readonly length: number;
  /** Epochs started so far. */
  epoch = 0;
  readonly #options: CollateOptions;
  readonly #rng: Random;
  readonly #order: Int32Array;
  readonly #buffers: BatchBuffers<X, Y>;

  constructor(dataset: Dataset<X, Y>, options: BatchesOptions) {
    optionsObject('batches options', options, true, [
      'batchSize',
      'shuffle',
      'seed',
      'dropLast',
      'layout',
      'padValue',
      'targetPadValue',
    ]);
    this.dataset = requireDataset(dataset);
    this.batchSize = positiveInt('batchSize', options.batchSize);
    this.shuffle = flag('shuffle', options.shuffle, false);
    this.dropLast = flag('dropLast', options.dropLast, false);
    const seed = integer('seed', options.seed ?? 0);
    const full = Math.floor(dataset.size / this.batchSize);
    this.length = this.dropLast || dataset.size % this.batchSize === 0 ? full : full + 1;
    if (this.length === 0) {
      throw new ValueError(
        `dropLast with batchSize ${this.batchSize} leaves no batch of a dataset of ${dataset.size} samples`,
      );
    }
    this.#options = {
      layout: options.layout,
      padValue: options.padValue,
      targetPadValue: options.targetPadValue,
    };
    this.#rng = new Random(deriveSeed(seed, 'batches'));
    this.#order = new Int32Array(dataset.size);
    this.#buffers = new BatchBuffers(dataset, Math.min(this.batchSize, dataset.size));
  }

  /** One epoch of batches. */
  *[Symbol.iterator](): Iterator<Batch<X, Y>> {
    const order = this.#order;
    // Restarting from the identity makes each epoch's permutation a function of the PRNG state alone.
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffle) this.#rng.shuffle(order);
    this.epoch += 1;
    for (let k = 0; k < this.length; k++) {
      const start = k * this.batchSize;
      const end = Math.min(start + this.batchSize, order.length);
      yield collate(this.dataset, order.subarray(start, end), this.#options, this.#buffers);
    }
  }

  getState(): BatchesState {
    return { epoch: this.epoch, rng: this.#rng.getState() };
  }

  /** Restores getState()'s result; a state that is not one is refused whole. */
  setState(state: BatchesState): void {
    if (state === null || typeof state !== 'object') {
      throw new ValueError(`state must be a BatchesState { epoch, rng } but got ${describe(state)}`);
    }
    nonNegativeInt('state.epoch', state.epoch);
    this.#rng.setState(state.rng);
    this.epoch = state.epoch;
  }
}

/** A seeded, shuffling batch iterator; iterate it once per epoch. */
export function batches<X extends Sequence, Y extends Sequence>(
  dataset: Dataset<X, Y>,
  options: BatchesOptions,
): BatchIterator<X, Y> {
  return new BatchIterator(dataset, options);
}
