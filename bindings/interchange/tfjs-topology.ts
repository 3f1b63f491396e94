// The layers of a TF.js / Keras Sequential model, or of a functional one that is a single chain (model.json's
// modelTopology, as tf.LayersModel.save and tensorflowjs_converter write it), read into the plan of one of our
// SequenceModels: [InputLayer] [Embedding] recurrent layers (LSTM, GRU with reset_after true or false,
// SimpleRNN, each alone or in Bidirectional(merge_mode concat)), Dropout anywhere (inference), then
// [Dense | TimeDistributed(Dense)] [Activation]. Every option that would change the result is checked; anything
// else is refused naming the layer and its class.

import { describe, FormatError } from '../errors.ts';
import type { CellType } from '../model/cells.ts';
import { TfjsUnsupportedError } from './import-errors.ts';
import type { Activation } from './onnx-assembly.ts';
import { functionalChain } from './tfjs-functional.ts';

export type KerasCell = 'LSTM' | 'GRU' | 'SimpleRNN';

export interface RecurrentLayer {
  name: string;
  /** Weight-name prefixes of the directions: the layer itself, or Bidirectional's forward_ / backward_. */
  prefixes: string[];
}

export interface TfjsPlan {
  embedding?: { name: string; V: number; E: number };
  cls: KerasCell;
  cell: CellType;
  /** GRU: Keras reset_after (true: two bias rows, r after the recurrent product); true for the other cells. */
  resetAfter: boolean;
  units: number;
  bidirectional: boolean;
  useBias: boolean;
  layers: RecurrentLayer[];
  pooling: 'none' | 'last';
  dense?: { name: string; units: number; useBias: boolean };
  activation: Activation | 'none';
  /** batch_input_shape's time size, when the model fixes it. */
  steps?: number;
  producer: string;
}

type Json = Record<string, unknown>;

const ACTIVATIONS: Record<string, Activation | 'none'> = {
  linear: 'none',
  softmax: 'softmax',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
};

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const fail = (message: string): never => {
  throw new FormatError(`TF.js model: ${message}`);
};

/**
 * The Sequential model's layer list from modelTopology (TF.js's own, or Keras's under model_config), or a
 * single-chain functional model's layers in chain order (tfjs-functional.ts).
 */
export function sequentialLayers(topology: unknown): { layers: Json[]; producer: string } {
  if (!isObject(topology)) return fail(`modelTopology must be an object but is ${describe(topology)}`);
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const producer = typeof topology.keras_version === 'string' ? `keras ${topology.keras_version}` : '';
  const cls = model.class_name;
  if (cls === 'Model' || cls === 'Functional') return { layers: functionalChain(model), producer };
  if (cls !== 'Sequential') {
    throw new TfjsUnsupportedError(
      '',
      '',
      `only Sequential models and single-chain functional models are supported, but this is ${describe(cls)}`,
    );
  }
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length > 1000) return fail('the Sequential config has no layer list');
  return { layers: layers.map((l, i) => (isObject(l) ? l : fail(`layer ${i} is not an object`))), producer };
}

class LayerReader {
  readonly cls: string;
  readonly name: string;
  readonly config: Json;

  constructor(layer: Json, index: number) {
    this.cls =
      typeof layer.class_name === 'string' ? layer.class_name : fail(`layer ${index} has no class_name`);
    this.config = isObject(layer.config) ? layer.config : fail(`layer ${index} has no config`);
    this.name = typeof this.config.name === 'string' ? this.config.name : `${index}`;
  }

  refuse(reason: string): never {
    throw new TfjsUnsupportedError(this.name, this.cls, reason);
  }

  /** An option that must be absent or take one of the allowed values. */
  only(key: string, ...allowed: unknown[]): void {
    const v = this.config[key];
    if (v !== undefined && v !== null && !allowed.includes(v))
      this.refuse(`${key} ${JSON.stringify(v)} is not supported`);
  }

  positive(key: string): number {
    const v = this.config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1 << 24)
      this.refuse(`${key} must be a positive integer`);
    return v as number;
  }

  flag(key: string, fallback: boolean): boolean {
    const v = this.config[key];
    return v === undefined || v === null ? fallback : v === true;
  }

  activation(key: string, fallback: string): Activation | 'none' {
    const v = this.config[key] ?? fallback;
    const a = typeof v === 'string' ? ACTIVATIONS[v] : undefined;
    return (
      a ?? this.refuse(`${key} ${JSON.stringify(v)} is not supported (linear, softmax, sigmoid, tanh, relu)`)
    );
  }

  /** The time size batch_input_shape fixes, if any. */
  steps(): number | undefined {
    const shape = this.config.batch_input_shape;
    if (!Array.isArray(shape)) return undefined;
    return typeof shape[1] === 'number' ? shape[1] : undefined;
  }
}

/** Reads one recurrent layer's options: what they fix (cell, units, bias) for the whole stack. */
function recurrent(r: LayerReader) {
  const cls = r.cls as KerasCell;
  r.only('go_backwards', false);
  r.only('stateful', false);
  r.only('return_state', false);
  r.only('time_major', false);
  const units = r.positive('units');
  let cell: CellType;
  if (cls === 'SimpleRNN') {
    const a = r.config.activation ?? 'tanh';
    if (a !== 'tanh' && a !== 'relu') r.refuse(`activation ${JSON.stringify(a)}: only tanh or relu`);
    cell = a === 'relu' ? 'rnn_relu' : 'rnn_tanh';
  } else {
    r.only('activation', 'tanh');
    const ra = r.config.recurrent_activation;
    if (ra !== 'sigmoid') {
      r.refuse(
        `recurrent_activation ${JSON.stringify(ra ?? 'hard_sigmoid')} is not supported: only sigmoid (give recurrentActivation: 'sigmoid' in TF.js, whose default is hard_sigmoid)`,
      );
    }
    cell = cls === 'LSTM' ? 'lstm' : 'gru';
  }
  return {
    cls,
    cell,
    // TF.js's GRU has no reset_after (it is Keras's reset_after=False); Keras writes the field either way.
    resetAfter: cls !== 'GRU' || r.config.reset_after === true,
    units,
    useBias: r.flag('use_bias', true),
    sequences: r.flag('return_sequences', false),
  };
}

export function planOf(topology: unknown): TfjsPlan {
  const { layers, producer } = sequentialLayers(topology);
  const readers = layers.map((l, i) => new LayerReader(l, i));
  const plan: Partial<TfjsPlan> & { layers: RecurrentLayer[] } = { layers: [], activation: 'none', producer };
  let stage: 'input' | 'recurrent' | 'head' | 'activation' = 'input';
  let sequences = true;
  for (const r of readers) {
    plan.steps ??= r.steps();
    if (r.cls === 'Dropout' || r.cls === 'SpatialDropout1D') continue;
    if (r.cls === 'InputLayer') {
      if (r !== readers[0]) r.refuse('an InputLayer must come first');
      continue;
    }
    if (r.cls === 'Embedding') {
      if (stage !== 'input' || plan.embedding) r.refuse('an Embedding must come before the recurrent layers');
      if (r.config.mask_zero === true) r.refuse('mask_zero (masked steps) is not supported');
      plan.embedding = { name: r.name, V: r.positive('input_dim'), E: r.positive('output_dim') };
      continue;
    }
    const inner = r.cls === 'Bidirectional' ? innerLayer(r) : r;
    if (inner.cls === 'LSTM' || inner.cls === 'GRU' || inner.cls === 'SimpleRNN') {
      if (stage !== 'input' && stage !== 'recurrent')
        r.refuse('recurrent layers must come before the Dense head');
      if (!sequences) r.refuse('the previous recurrent layer returns no sequence (return_sequences false)');
      const o = recurrent(inner);
      const bidirectional = r.cls === 'Bidirectional';
      if (
        plan.cls &&
        (plan.cls !== o.cls ||
          plan.cell !== o.cell ||
          plan.resetAfter !== o.resetAfter ||
          plan.units !== o.units ||
          plan.bidirectional !== bidirectional ||
          plan.useBias !== o.useBias)
      ) {
        r.refuse('recurrent layers differ; a model stacks layers of one kind and size');
      }
      Object.assign(plan, {
        cls: o.cls,
        cell: o.cell,
        resetAfter: o.resetAfter,
        units: o.units,
        bidirectional,
        useBias: o.useBias,
      });
      const prefixes = bidirectional ? [`${r.name}/forward_`, `${r.name}/backward_`] : [`${r.name}/`];
      plan.layers.push({ name: r.name, prefixes });
      sequences = o.sequences;
      stage = 'recurrent';
      continue;
    }
    const dense = r.cls === 'TimeDistributed' ? innerLayer(r) : r;
    if (dense.cls === 'Dense') {
      if (stage !== 'recurrent') r.refuse('only one Dense head, after the recurrent layers, is supported');
      if (r.cls === 'TimeDistributed' && !sequences)
        r.refuse('TimeDistributed over a layer that returns no sequence');
      plan.dense = { name: r.name, units: dense.positive('units'), useBias: dense.flag('use_bias', true) };
      plan.activation = dense.activation('activation', 'linear');
      stage = 'head';
      continue;
    }
    if (r.cls === 'Activation') {
      if (stage === 'input' || stage === 'activation' || plan.activation !== 'none') {
        r.refuse('only one activation, after the recurrent layers or the head, is supported');
      }
      plan.activation = r.activation('activation', 'linear');
      stage = 'activation';
      continue;
    }
    r.refuse('this layer class is not supported');
  }
  if (plan.layers.length === 0)
    throw new TfjsUnsupportedError('', '', 'the model has no LSTM, GRU or SimpleRNN layer');
  plan.pooling = sequences ? 'none' : 'last';
  return plan as TfjsPlan;
}

/** The layer a Bidirectional or TimeDistributed wraps. */
function innerLayer(r: LayerReader): LayerReader {
  if (r.cls === 'Bidirectional') r.only('merge_mode', 'concat');
  const layer = r.config.layer;
  if (!isObject(layer)) return r.refuse('its wrapped layer is missing');
  return new LayerReader(layer, 0);
}
