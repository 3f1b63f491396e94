// Options of the recurrent layers, their validation, and PyTorch's parameter names, shapes and order.

import { describe, ValueError } from '../errors.ts';
import { flag, integer, knownKeys, optionsObject, positiveInt } from '../validate.ts';
import type { CellType } from './cells.ts';
import { checkInit, type RecurrentInit } from './initializers.ts';
import { checkParamCount, type ParamSlab, type TensorSpec } from './slab.ts';

export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers; layer k > 0 reads the D·H outputs of layer k − 1. Default 1. */
  numLayers?: number;
  /** Adds a reverse direction per layer; outputs concatenate [forward, reverse]. Default false. */
  bidirectional?: boolean;
  /** x and outputs are [B, T, ·] instead of [T, B, ·]; states stay [L·D, B, H] (as PyTorch). Default false. */
  batchFirst?: boolean;
  /** Seed of the initialisation PRNG. Default 0. */
  seed?: number;
  init?: RecurrentInit;
  /** A shared parameter slab holding paramSpecs(options) (a model's); absent = the layer makes its own. */
  slab?: ParamSlab;
  /** Prefix of this layer's names in a shared slab, e.g. 'encoder.'. Default ''. */
  prefix?: string;
}

export interface GRUCellOptions {
  /**
   * true (default): n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), PyTorch's GRU, ONNX linear_before_reset = 1,
   * Keras reset_after=True. false: n = tanh(W_in x + b_in + W_hn (r⊙h) + b_hn), Cho et al.'s original, ONNX
   * linear_before_reset = 0, Keras 2's and TF.js's default (reset_after=False). Same parameters either way.
   */
  resetAfter?: boolean;
}

export interface Config {
  readonly cell: CellType;
  readonly I: number;
  readonly H: number;
  readonly L: number;
  /** Directions: 1 or 2. */
  readonly D: number;
  readonly G: number;
  /** GRU: the reset gate applies after the recurrent product (PyTorch's); always true for other cells. */
  readonly resetAfter: boolean;
  readonly batchFirst: boolean;
  readonly seed: number;
  readonly init: ReturnType<typeof checkInit>;
  readonly prefix: string;
}

const GATES: Record<CellType, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

/**
 * Far past any stacked RNN in use; each layer lists 4 tensors per direction in JS, so a numLayers of 10^9 (a
 * typo, or a hostile model file) must be refused here rather than exhaust the heap building that list.
 */
export const MAX_LAYERS = 1024;

function layerCount(value: unknown): number {
  const L = positiveInt('numLayers', value);
  if (L > MAX_LAYERS) throw new ValueError(`numLayers must be at most ${MAX_LAYERS} but got ${L}`);
  return L;
}

/** The `gru` option's resetAfter, checked; `name` is how the caller spells the option ('gru', 'recurrent.gru'). */
export function gruResetAfter(value: unknown, name = 'gru'): boolean {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${name} must be an object { resetAfter? } but got ${describe(value)}`);
  }
  knownKeys(name, value, ['resetAfter']);
  return flag(`${name}.resetAfter`, (value as GRUCellOptions).resetAfter, true);
}

const KEYS = [
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bidirectional',
  'batchFirst',
  'seed',
  'init',
  'slab',
  'prefix',
];

export function configure(options: RecurrentOptions, cell: CellType): Config {
  const rnn = cell === 'rnn_tanh' || cell === 'rnn_relu';
  const layer = rnn ? 'RNN' : cell === 'lstm' ? 'LSTM' : 'GRU';
  const keys = rnn ? [...KEYS, 'nonlinearity'] : cell === 'gru' ? [...KEYS, 'gru'] : KEYS;
  optionsObject(`${layer} options`, options, true, keys);
  const seed = integer('seed', options.seed ?? 0);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') throw new ValueError(`prefix must be a string but got ${describe(prefix)}`);
  const I = positiveInt('inputSize', options.inputSize);
  const H = positiveInt('hiddenSize', options.hiddenSize);
  const L = layerCount(options.numLayers ?? 1);
  const D = flag('bidirectional', options.bidirectional, false) ? 2 : 1;
  const G = GATES[cell];
  // Per direction: layer 0 has G·H·(I + H + 2) parameters, each later layer G·H·(D·H + H + 2).
  const count = D * G * H * (I + H + 2 + (L - 1) * (D * H + H + 2));
  checkParamCount(count, `inputSize ${I}, hiddenSize ${H}, numLayers ${L}, ${D} direction(s):`);
  return {
    cell,
    I,
    H,
    L,
    D,
    G,
    resetAfter: cell === 'gru' ? gruResetAfter((options as { gru?: unknown }).gru) : true,
    batchFirst: flag('batchFirst', options.batchFirst, false),
    seed,
    init: checkInit(options.init, cell === 'lstm'),
    prefix,
  };
}

/** Input width of layer k. */
export const inputWidth = (c: Config, k: number): number => (k === 0 ? c.I : c.D * c.H);

/** Name suffix of layer k, direction d: 'l0', 'l1_reverse'. */
export const suffix = (k: number, d: number): string => `l${k}${d === 1 ? '_reverse' : ''}`;

/** PyTorch's names and shapes, in PyTorch's order (per layer, per direction: w_ih, w_hh, b_ih, b_hh), unprefixed. */
export function specsOf(c: Config): TensorSpec[] {
  const specs: TensorSpec[] = [];
  const GH = c.G * c.H;
  for (let k = 0; k < c.L; k++) {
    for (let d = 0; d < c.D; d++) {
      const s = suffix(k, d);
      specs.push({ name: `weight_ih_${s}`, shape: [GH, inputWidth(c, k)] });
      specs.push({ name: `weight_hh_${s}`, shape: [GH, c.H] });
      specs.push({ name: `bias_ih_${s}`, shape: [GH] });
      specs.push({ name: `bias_hh_${s}`, shape: [GH] });
    }
  }
  return specs;
}
