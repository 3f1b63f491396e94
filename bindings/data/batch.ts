// Gathering samples into one batch array: time-major [T, B, F] (the layout the recurrent kernels walk, one
// contiguous [B, F] slab per step) or batch-major [B, T, F] on request. Variable lengths are padded to the
// longest sample with `lengths` and a step `mask`, so a loss weighted by the mask ignores padded steps.

import { describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { finiteNumber, optionsObject, positiveInt } from '../validate.ts';
import { checkLength, indexList } from './args.ts';
import { type Dataset, requireDataset, type Sequence } from './dataset.ts';

export type Layout = 'time-major' | 'batch-major';

export interface CollateOptions {
  /** Default 'time-major'. */
  layout?: Layout;
  /** Written into padded input steps (default 0, also for token ids). */
  padValue?: number;
  /** Written into padded target steps (default 0; e.g. -100 for a loss with an ignore index). */
  targetPadValue?: number;
}

export interface Batch<X extends Sequence = Sequence, Y extends Sequence = Sequence> {
  /** Floats [T, B, F] (batch-major [B, T, F]); token ids [T, B] (batch-major [B, T]). */
  readonly inputs: Tensor<X>;
  /** Per step: like inputs with targetFeatures. Per sequence: floats [B, Ft], class ids [B]. */
  readonly targets: Tensor<Y>;
  /** Real steps of each row [B]. */
  readonly lengths: Int32Array;
  /** [T, B] (batch-major [B, T]): 1 for a real step, 0 for padding. */
  readonly mask: Float32Array;
  /** The dataset index of each row [B] (the `indices` argument itself when that is an Int32Array). */
  readonly indices: Int32Array;
  readonly steps: number;
  readonly size: number;
}

/**
 * Storage for batches of up to `capacity` samples, sized once from the dataset's longest sample so that
 * every batch of an epoch is a view into the same arrays (steady-state training allocates only small views).
 */
export class BatchBuffers<X extends Sequence = Sequence, Y extends Sequence = Sequence> {
  readonly capacity: number;
  /** Longest sample and feature sizes the buffers were sized for. */
  readonly maxLength: number;
  readonly features: number;
  readonly targetFeatures: number;
  readonly x: X;
  readonly y: Y;
  readonly lengths: Int32Array;
  readonly mask: Float32Array;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<X, Y>, capacity: number) {
    requireDataset(dataset);
    this.capacity = positiveInt('batchSize', capacity);
    const T = dataset.maxLength;
    const what = `batchSize ${capacity} × maxLength ${T}`;
    checkLength(capacity * T * Math.max(dataset.features, dataset.targetFeatures), what);
    this.maxLength = T;
    this.features = dataset.features;
    this.targetFeatures = dataset.targetFeatures;
    const yRows = dataset.targetsPer === 'step' ? T : 1;
    this.x = alike(dataset.inputs[0], capacity * T * dataset.features);
    this.y = alike(dataset.targets[0], capacity * yRows * dataset.targetFeatures);
    this.lengths = new Int32Array(capacity);
    this.mask = new Float32Array(capacity * T);
    this.indices = new Int32Array(capacity);
  }
}

const alike = <A extends Sequence>(a: A, n: number): A =>
  (a instanceof Int32Array ? new Int32Array(n) : new Float32Array(n)) as A;

/** Pads the samples `indices` of `dataset` to their longest into one batch (views into `buffers`). */
export function collate<X extends Sequence, Y extends Sequence>(
  dataset: Dataset<X, Y>,
  indices: ArrayLike<number>,
  options: CollateOptions = {},
  buffers?: BatchBuffers<X, Y>,
): Batch<X, Y> {
  requireDataset(dataset);
  indexList('indices', indices);
  optionsObject('collate options', options, false, ['layout', 'padValue', 'targetPadValue']);
  if (buffers !== undefined && !(buffers instanceof BatchBuffers)) {
    throw new ValueError(
      `buffers must be BatchBuffers (new BatchBuffers(dataset, n)) but got ${describe(buffers)}`,
    );
  }
  const layout = options.layout ?? 'time-major';
  if (layout !== 'time-major' && layout !== 'batch-major') {
    throw new ValueError(`layout must be 'time-major' or 'batch-major' but got ${describe(layout)}`);
  }
  const B = indices.length;
  const buf = buffers ?? new BatchBuffers(dataset, Math.max(1, B));
  if (B === 0 || B > buf.capacity) {
    throw new ShapeError(`a batch must hold 1 to ${buf.capacity} samples but got ${B} indices`);
  }
  const fits = buf.maxLength >= dataset.maxLength && buf.features === dataset.features;
  if (!fits || buf.targetFeatures !== dataset.targetFeatures) {
    throw new ShapeError(
      'buffers were sized for another dataset; create them with new BatchBuffers(dataset, n)',
    );
  }
  checkIndices(dataset, indices);
  let T = 0;
  for (let b = 0; b < B; b++) {
    const i = indices[b];
    buf.indices[b] = i;
    buf.lengths[b] = dataset.lengths[i];
    T = Math.max(T, dataset.lengths[i]);
  }
  const tm = layout === 'time-major';
  const lengths = buf.lengths.subarray(0, B);
  const F = dataset.features;
  const padValue = finiteNumber('padValue', options.padValue ?? 0);
  const targetPadValue = finiteNumber('targetPadValue', options.targetPadValue ?? 0);
  const x = fill(buf.x, dataset.inputs, buf.indices, lengths, T, F, tm, padValue);
  const yF = dataset.targetFeatures;
  const y =
    dataset.targetsPer === 'step'
      ? fill(buf.y, dataset.targets, buf.indices, lengths, T, yF, tm, targetPadValue)
      : gather(buf.y, dataset.targets, buf.indices.subarray(0, B), yF);
  const rows = tm ? [T, B] : [B, T];
  return {
    inputs: { data: x, shape: x instanceof Int32Array ? rows : [...rows, F] },
    targets: { data: y, shape: targetShape(y, dataset.targetsPer === 'step' ? rows : [B], yF) },
    lengths,
    mask: fillMask(buf.mask, lengths, T, tm),
    // The caller's own Int32Array (a loader's epoch order) outlives this batch; the buffer copy does not.
    indices: indices instanceof Int32Array ? indices : buf.indices.subarray(0, B),
    steps: T,
    size: B,
  };
}

/** Fixed-length batch: like collate, but samples of different lengths are an error rather than padded. */
export function stack<X extends Sequence, Y extends Sequence>(
  dataset: Dataset<X, Y>,
  indices: ArrayLike<number>,
  options: CollateOptions = {},
  buffers?: BatchBuffers<X, Y>,
): Batch<X, Y> {
  checkIndices(requireDataset(dataset), indexList('indices', indices));
  for (let b = 1; b < indices.length; b++) {
    const [i, j] = [indices[0], indices[b]];
    if (dataset.lengths[i] !== dataset.lengths[j]) {
      throw new ShapeError(
        `stack needs samples of one length but sample ${i} has ${dataset.lengths[i]} steps and sample ${j} has ${dataset.lengths[j]} (indices[0] and indices[${b}]); use collate to pad them`,
      );
    }
  }
  return collate(dataset, indices, options, buffers);
}

/** Every index an integer naming a sample, checked before anything is written. */
function checkIndices(dataset: Dataset, indices: ArrayLike<number>): void {
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.size) {
      throw new ValueError(`indices[${b}] must be an integer in [0, ${dataset.size}) but got ${describe(i)}`);
    }
  }
}

/** Ids have no feature axis ([T, B] or [B]); floats always do ([T, B, Ft] or [B, Ft]). */
const targetShape = (y: Sequence, rows: number[], F: number): number[] =>
  y instanceof Int32Array ? rows : [...rows, F];

/** One target row per sample: [B, Ft]. */
function gather<A extends Sequence>(out: A, samples: readonly Sequence[], indices: Int32Array, F: number): A {
  const view = out.subarray(0, indices.length * F) as A;
  for (let b = 0; b < indices.length; b++) view.set(samples[indices[b]], b * F);
  return view;
}

/** Copies each sample's steps into its row of the padded [T, B, F] (or [B, T, F]) prefix of `out`. */
function fill<A extends Sequence>(
  out: A,
  samples: readonly Sequence[],
  indices: Int32Array,
  lengths: Int32Array,
  T: number,
  F: number,
  timeMajor: boolean,
  pad: number,
): A {
  const B = lengths.length;
  const view = out.subarray(0, T * B * F) as A;
  // Padding is rewritten every batch because the buffers are shared with the previous batch.
  view.fill(pad);
  for (let b = 0; b < B; b++) {
    const src = samples[indices[b]];
    if (!timeMajor) {
      view.set(src, b * T * F);
      continue;
    }
    const len = lengths[b];
    for (let t = 0; t < len; t++) {
      const dst = (t * B + b) * F;
      const s = t * F;
      for (let f = 0; f < F; f++) view[dst + f] = src[s + f];
    }
  }
  return view;
}

function fillMask(mask: Float32Array, lengths: Int32Array, T: number, timeMajor: boolean): Float32Array {
  const B = lengths.length;
  const view = mask.subarray(0, T * B);
  view.fill(0);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < lengths[b]; t++) view[timeMajor ? t * B + b : b * T + t] = 1;
  }
  return view;
}
