// What a SequenceModel trains on (fit's and evaluate's data), and the check of a whole dataset against the model
// and the loss, run once before the first step: input kind and size, targets per step or per sequence, target
// sizes, class ids in range. Every error names the sample (and step), so a bad sample is found before any
// training.

import { BatchBuffers, collate } from '../data/batch.ts';
import { type Dataset, type DatasetOptions, makeDataset, type SampleArray } from '../data/dataset.ts';
import { describe, ShapeError, ValueError } from '../errors.ts';
import type { ModelConfig } from './sequence-config.ts';
import { expandVector } from './sequence-input.ts';
import type { LossTargets, SampleSet } from './trainable.ts';

/** What the data of a SequenceModel is checked against: its input, pooling and outputs. */
export interface SampleShape {
  readonly config: Pick<ModelConfig, 'input' | 'pooling'>;
  readonly perStep: boolean;
  readonly outputSize: number;
}

/** A Dataset (makeDataset), or the samples to make one from. */
export type FitData =
  | Dataset
  | ({ inputs: readonly SampleArray[]; targets: readonly SampleArray[] } & DatasetOptions);

const isDataset = (d: unknown): d is Dataset =>
  typeof d === 'object' && d !== null && (d as Dataset).lengths instanceof Int32Array && 'maxLength' in d;

/** The dataset `data` is or describes; `name` ('data', 'validation') prefixes errors. */
export function toDataset(data: FitData, name: string, model: SampleShape): Dataset {
  if (isDataset(data)) return data;
  if (data === null || typeof data !== 'object' || !('inputs' in data)) {
    throw new ValueError(`${name} must be a Dataset or { inputs, targets } but got ${describe(data)}`);
  }
  const targetsPer = data.targetsPer ?? (model.perStep ? 'step' : 'sequence');
  const features = model.config.input.kind === 'features' ? model.config.input.size : undefined;
  // Float targets are outputSize values per step (or per sequence); class ids are one each.
  const t0 = data.targets?.[0];
  const floats =
    t0 instanceof Float32Array || (t0 as { data?: unknown } | undefined)?.data instanceof Float32Array;
  const targetFeatures = floats ? model.outputSize : undefined;
  const c = model.config.input;
  if (c.kind === 'vector') {
    // One vector per sequence, expanded over the steps of its targets: then an ordinary per-step dataset.
    const per = floats ? model.outputSize : 1;
    const inputs = data.inputs.map((x, i) => {
      const v =
        (x as { data?: unknown }).data instanceof Float32Array ? (x as { data: Float32Array }).data : x;
      if (!(v instanceof Float32Array) || v.length !== c.size) {
        throw new ShapeError(
          `${name}: inputs[${i}] must be one vector of ${c.size} floats but is ${describe(v)}`,
        );
      }
      const y = data.targets[i];
      const steps = ((y as { data?: Float32Array }).data ?? (y as Float32Array))?.length / per;
      return expandVector(v, 1, c.size, Math.max(1, Math.floor(steps) || 1), c.feed ?? 'every');
    });
    return makeDataset(inputs, data.targets, {
      targetFeatures: sizes(data).targetFeatures ?? targetFeatures,
      features: c.size,
      targetsPer: 'step',
    });
  }
  const given = sizes(data);
  return makeDataset(data.inputs, data.targets, {
    features: 'features' in given ? given.features : features,
    targetFeatures: 'targetFeatures' in given ? given.targetFeatures : targetFeatures,
    targetsPer,
  });
}

/** The sizes a caller's data states about itself (its other fields are samples, not makeDataset options). */
function sizes(data: object): { features?: number; targetFeatures?: number } {
  const d = data as { features?: number; targetFeatures?: number };
  return {
    ...('features' in d ? { features: d.features } : {}),
    ...('targetFeatures' in d ? { targetFeatures: d.targetFeatures } : {}),
  };
}

/** `ds` checked against the model and loss it trains (data/dataset.ts's checkDataset checks its structure). */
export function checkTrainingSet(ds: Dataset, name: string, model: SampleShape, loss: LossTargets): void {
  const c = model.config;
  const ids = c.input.kind === 'tokens' || c.input.kind === 'embedding';
  const x0 = ds.inputs[0];
  if (ids !== x0 instanceof Int32Array) {
    throw new ShapeError(
      `${name}: the model takes ${ids ? 'token ids (Int32Array)' : 'float features (Float32Array)'} but the samples are ${describe(x0)}`,
    );
  }
  if (ids) {
    for (let i = 0; i < ds.size; i++) {
      const x = ds.inputs[i];
      for (let t = 0; t < x.length; t++) {
        if (x[t] >= c.input.size) {
          throw new ValueError(
            `${name}: inputs[${i}] holds token id ${x[t]} at step ${t}; the model's vocabulary is 0 to ${c.input.size - 1}`,
          );
        }
      }
    }
  } else if (ds.features !== c.input.size) {
    throw new ShapeError(
      `${name}: samples have ${ds.features} features per step but the model takes ${c.input.size}`,
    );
  }
  const per = model.perStep ? 'step' : 'sequence';
  if (ds.targetsPer !== per) {
    throw new ShapeError(
      `${name}: the model (pooling '${c.pooling}') gives one output per ${per} but targets are per ${ds.targetsPer}`,
    );
  }
  const O = model.outputSize;
  const classes = loss.config.classTargets;
  const y0 = ds.targets[0];
  if (classes !== y0 instanceof Int32Array) {
    const want = classes
      ? 'cross_entropy targets must be Int32Array class ids'
      : `${loss.config.kind} targets must be a Float32Array`;
    throw new ShapeError(`${name}: ${want} but they are ${describe(y0)}`);
  }
  if (!classes && ds.targetFeatures !== O) {
    throw new ShapeError(
      `${name}: targets have ${ds.targetFeatures} values per ${per} but the model outputs ${O}`,
    );
  }
  for (let i = 0; i < ds.size; i++) {
    const y = ds.targets[i];
    const rows = classes ? y.length : y.length / O;
    loss.check(y, rows, O, undefined, (r) => (per === 'step' ? `sample ${i}, step ${r}` : `sample ${i}`));
  }
}

/** `data` as a SequenceModel's samples: a dataset checked against the model and `loss`, batched by collate(). */
export function sequenceSamples(
  data: unknown,
  name: string,
  model: SampleShape,
  loss: LossTargets,
): SampleSet {
  const ds = toDataset(data as FitData, name, model);
  checkTrainingSet(ds, name, model, loss);
  return {
    size: ds.size,
    batcher: (capacity) => {
      const buffers = new BatchBuffers(ds, capacity);
      return (indices) => collate(ds, indices, {}, buffers);
    },
  };
}
