// A validated list of (input sequence, target) samples. Everything is checked once here, so batching — the hot
// path of every epoch — never re-checks and can fill preallocated buffers without looking for bad data.

import { DataError, describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { optionsObject, positiveInt } from '../validate.ts';

/** Floats are `steps·features` values (step-major); Int32 are token or class ids, one per step. */
export type Sequence = Float32Array | Int32Array;
/** A sample given as a flat array or as a tensor [steps, features] (or [steps]). */
export type SampleArray = Sequence | Tensor<Float32Array> | Tensor<Int32Array>;
/** 'step': one target per input step (many-to-many); 'sequence': one per sample (many-to-one). */
export type TargetsPer = 'step' | 'sequence';

export interface DatasetOptions {
  /** Features per step of float inputs given as flat arrays (default 1; tensors carry their own). */
  features?: number;
  /** Values per target step (per sample when targetsPer is 'sequence'); default 1. */
  targetFeatures?: number;
  /** Default 'step'. */
  targetsPer?: TargetsPer;
}

export interface Dataset<X extends Sequence = Sequence, Y extends Sequence = Sequence> {
  /** Flat step-major arrays, the caller's own (not copied). */
  readonly inputs: readonly X[];
  readonly targets: readonly Y[];
  /** Steps in each sample. */
  readonly lengths: Int32Array;
  readonly features: number;
  readonly targetFeatures: number;
  readonly targetsPer: TargetsPer;
  readonly maxLength: number;
  readonly size: number;
}

interface Unpacked {
  arrays: Sequence[];
  features: number;
  steps: Int32Array;
}

/** Datasets made by makeDataset: batching trusts their checked lengths and values, so it refuses any other object. */
const DATASETS = new WeakSet<object>();

/** `value` itself when makeDataset made it, else a ValueError naming `name`. */
export function requireDataset<X extends Sequence, Y extends Sequence>(
  value: unknown,
  name = 'dataset',
): Dataset<X, Y> {
  if (typeof value !== 'object' || value === null || !DATASETS.has(value)) {
    throw new ValueError(
      `${name} must be a Dataset from makeDataset (or windowDataset) but got ${describe(value)}`,
    );
  }
  return value as Dataset<X, Y>;
}

const isTensor = (s: unknown): s is Tensor<Sequence> =>
  typeof s === 'object' && s !== null && !ArrayBuffer.isView(s) && 'data' in s && 'shape' in s;

/** Checks and wraps samples; throws a typed error naming the first bad sample and position. */
export function makeDataset<X extends Sequence = Sequence, Y extends Sequence = Sequence>(
  inputs: readonly SampleArray[],
  targets: readonly SampleArray[],
  options: DatasetOptions = {},
): Dataset<X, Y> {
  for (const [name, v] of [
    ['inputs', inputs],
    ['targets', targets],
  ] as const) {
    if (!Array.isArray(v))
      throw new ShapeError(`${name} must be an array of sequences but got ${describe(v)}`);
  }
  if (inputs.length !== targets.length) {
    throw new ShapeError(
      `inputs and targets must hold the same number of samples but inputs has ${inputs.length} and targets has ${targets.length}`,
    );
  }
  if (inputs.length === 0) throw new DataError('the dataset is empty: inputs and targets hold no samples');
  optionsObject('makeDataset options', options, false, ['features', 'targetFeatures', 'targetsPer']);
  const targetsPer = options?.targetsPer ?? 'step';
  if (targetsPer !== 'step' && targetsPer !== 'sequence') {
    throw new ValueError(`targetsPer must be 'step' or 'sequence' but got ${describe(targetsPer)}`);
  }
  const x = unpack('inputs', inputs, options?.features);
  const y = unpack('targets', targets, options?.targetFeatures);
  matchTargets(x, y, targetsPer);
  checkValues('inputs', x, false);
  checkValues('targets', y, true);
  const dataset: Dataset<X, Y> = {
    inputs: x.arrays as X[],
    targets: y.arrays as Y[],
    lengths: x.steps,
    features: x.features,
    targetFeatures: y.features,
    targetsPer,
    maxLength: x.steps.reduce((a, b) => Math.max(a, b), 0),
    size: inputs.length,
  };
  DATASETS.add(dataset);
  return dataset;
}

/** Flattens samples and finds their step counts; all must share one array type and feature size. */
function unpack(name: string, samples: readonly SampleArray[], features: number | undefined): Unpacked {
  const first = isTensor(samples[0]) ? samples[0].data : samples[0];
  if (!(first instanceof Float32Array || first instanceof Int32Array)) {
    throw new ShapeError(
      `${name}[0] must be a Float32Array, an Int32Array or a tensor but got ${describe(first)}`,
    );
  }
  const kind = first instanceof Int32Array ? Int32Array : Float32Array;
  const s0 = samples[0];
  const f = positiveInt(`${name} features`, features ?? (isTensor(s0) ? (s0.shape[1] ?? 1) : 1));
  if (kind === Int32Array && f !== 1) {
    throw new ShapeError(`${name} are ids (Int32Array), one per step, so features must be 1 but got ${f}`);
  }
  const arrays: Sequence[] = new Array(samples.length);
  const steps = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const data = isTensor(s) ? s.data : s;
    if (!(data instanceof kind)) {
      throw new ShapeError(`${name}[${i}] must be a ${kind.name} like ${name}[0] but got ${describe(data)}`);
    }
    if (isTensor(s)) checkSampleShape(name, i, s, f);
    if (data.length % f !== 0) {
      throw new ShapeError(
        `${name}[${i}] has length ${data.length}, not a whole number of steps of ${f} features (inconsistent feature size)`,
      );
    }
    if (data.length === 0)
      throw new DataError(`${name}[${i}] is empty; every sample needs at least one step`);
    arrays[i] = data;
    steps[i] = data.length / f;
  }
  return { arrays, features: f, steps };
}

function checkSampleShape(name: string, i: number, s: Tensor<Sequence>, f: number): void {
  const shape = s.shape;
  const got = shape.length === 2 ? shape[1] : shape.length === 1 ? 1 : -1;
  if (got < 0 || shape.reduce((a, b) => a * b, 1) !== s.data.length) {
    throw new ShapeError(
      `${name}[${i}] must be a tensor [steps, features] holding its data but got shape [${shape.join(', ')}]`,
    );
  }
  if (got !== f) {
    throw new ShapeError(
      `${name}[${i}] has ${got} features per step but ${name}[0] has ${f} (inconsistent feature size)`,
    );
  }
}

function matchTargets(x: Unpacked, y: Unpacked, targetsPer: TargetsPer): void {
  for (let i = 0; i < x.steps.length; i++) {
    if (targetsPer === 'step' && y.steps[i] !== x.steps[i]) {
      throw new ShapeError(
        `targets[${i}] has ${y.steps[i]} steps but inputs[${i}] has ${x.steps[i]} (targetsPer 'step')`,
      );
    }
    if (targetsPer === 'sequence' && y.steps[i] !== 1) {
      throw new ShapeError(
        `targets[${i}] must hold one target of ${y.features} values (targetsPer 'sequence') but holds ${y.arrays[i].length}`,
      );
    }
  }
}

/** NaN/Inf anywhere, or a negative input id, is named by sample, step and feature. */
function checkValues(name: string, u: Unpacked, allowNegativeIds: boolean): void {
  for (let i = 0; i < u.arrays.length; i++) {
    const a = u.arrays[i];
    for (let j = 0; j < a.length; j++) {
      const v = a[j];
      const bad = a instanceof Float32Array ? v - v !== 0 : !allowNegativeIds && v < 0;
      if (!bad) continue;
      const at = `step ${Math.floor(j / u.features)}, feature ${j % u.features}`;
      const fix =
        a instanceof Float32Array
          ? 'fill or drop missing values first (interpolateMissing)'
          : 'token ids must be ≥ 0';
      throw new DataError(`${name}[${i}] holds ${v} at ${at}; ${fix}`);
    }
  }
}
