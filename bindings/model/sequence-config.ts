// Options of a SequenceModel (input → stacked recurrent layers → pooling → Dense head), their validation into
// a plain JSON config (what a model file stores), and the parameter names of the equivalent PyTorch module:
//   embedding = nn.Embedding(V, E); rnn = nn.LSTM/GRU/RNN(I, H, L, bidirectional=…);
//   attention = nn.Linear(D·H, 1); head = nn.Linear(D·H, O)
// so `embedding.weight`, `rnn.weight_ih_l0`, `attention.weight`, `head.bias` load into that module's state dict.

import { describe, ValueError } from '../errors.ts';
import { deriveSeed } from '../seed.ts';
import { flag, integer, knownKeys, optionsObject, positiveInt } from '../validate.ts';
import type { CellType } from './cells.ts';
import { Dense } from './dense.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { initOptions, type RecurrentInit } from './initializers.ts';
import { LSTM } from './lstm.ts';
import { AttentionPooling } from './pooling.ts';
import { type GRUCellOptions, gruResetAfter } from './recurrent-config.ts';
import { RNN } from './rnn.ts';
import type { TensorSpec } from './slab.ts';

/** Token ids fed as one-hot vectors (a gather from W_ih), ids through an Embedding, float features, or
 * one vector per sequence (one-to-many). */
export type ModelInput =
  | { tokens: number }
  | { embedding: { vocabSize: number; dim: number; paddingIdx?: number } }
  | { features: number }
  | { vector: number; feed?: VectorFeed };

/**
 * One-to-many: one vector [B, F] per sequence, fed at every step ('every', Keras's RepeatVector) or at the
 * first step only, zeros after ('first', the image-captioning style).
 */
export type VectorFeed = 'every' | 'first';

export interface RecurrentSpec {
  cell: CellType;
  hiddenSize: number;
  /** Default 1. */
  numLayers?: number;
  /** Default false. */
  bidirectional?: boolean;
  /** Inverted dropout on the outputs of every layer but the last, in training (torch's `dropout`). Default 0. */
  dropout?: number;
  init?: RecurrentInit;
  /** GRU only: { resetAfter: false } applies the reset gate before the recurrent product (see GRUCellOptions). */
  gru?: GRUCellOptions;
}

/** 'none': the head at every step (many-to-many); 'last': on the final state; 'attention': on a learned weighted sum. */
export type Pooling = 'none' | 'last' | 'attention';

export interface HeadSpec {
  outputSize: number;
  /** Inverted dropout on the head's input, in training. Default 0. */
  dropout?: number;
}

export interface SequenceModelOptions {
  input: ModelInput;
  recurrent: RecurrentSpec;
  /** Default 'none'. */
  pooling?: Pooling;
  head: HeadSpec;
  /** Drives initialisation and dropout. Default 0. */
  seed?: number;
}

/** The validated options, every default filled in: plain JSON. */
export interface ModelConfig {
  readonly input: {
    kind: 'tokens' | 'embedding' | 'features' | 'vector';
    size: number;
    dim: number;
    paddingIdx?: number;
    feed?: VectorFeed;
  };
  readonly recurrent: Required<Omit<RecurrentSpec, 'init' | 'gru'>> & {
    init?: RecurrentInit;
    /** Present only for a GRU with resetAfter false, so files of the PyTorch GRU read as before. */
    gru?: { resetAfter: false };
  };
  readonly pooling: Pooling;
  readonly head: Required<HeadSpec>;
  readonly seed: number;
  /** The same, in the options' own spelling: what a model file stores and modelConfig() reads back. */
  readonly options: SequenceModelOptions;
}

const CELLS: readonly CellType[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];
const POOLINGS: readonly Pooling[] = ['none', 'last', 'attention'];

export function dropoutRate(name: string, value: unknown): number {
  const p = value ?? 0;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new ValueError(`${name} must be a probability in [0, 1) but got ${describe(p)}`);
  }
  return p;
}

function inputConfig(input: ModelInput): ModelConfig['input'] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValueError(
      `input must be { tokens }, { embedding }, { features } or { vector } but got ${describe(input)}`,
    );
  }
  if (Object.hasOwn(input, 'tokens')) {
    knownKeys('input', input, ['tokens']);
    const V = positiveInt('input.tokens', (input as { tokens: unknown }).tokens);
    return { kind: 'tokens', size: V, dim: V };
  }
  if (Object.hasOwn(input, 'embedding')) {
    knownKeys('input', input, ['embedding']);
    const e = optionsObject(
      'input.embedding',
      (input as { embedding: { vocabSize: number; dim: number; paddingIdx?: number } }).embedding,
      true,
      ['vocabSize', 'dim', 'paddingIdx'],
    );
    const size = positiveInt('input.embedding.vocabSize', e?.vocabSize);
    const dim = positiveInt('input.embedding.dim', e?.dim);
    return e.paddingIdx === undefined
      ? { kind: 'embedding', size, dim }
      : { kind: 'embedding', size, dim, paddingIdx: e.paddingIdx };
  }
  if (Object.hasOwn(input, 'features')) {
    knownKeys('input', input, ['features']);
    const I = positiveInt('input.features', (input as { features: unknown }).features);
    return { kind: 'features', size: I, dim: I };
  }
  if (Object.hasOwn(input, 'vector')) {
    knownKeys('input', input, ['vector', 'feed']);
    const v = input as { vector: unknown; feed?: unknown };
    const F = positiveInt('input.vector', v.vector);
    const feed = v.feed ?? 'every';
    if (feed !== 'every' && feed !== 'first') {
      throw new ValueError(`input.feed must be 'every' or 'first' but got ${describe(feed)}`);
    }
    return { kind: 'vector', size: F, dim: F, feed };
  }
  throw new ValueError(
    `input must be { tokens }, { embedding }, { features } or { vector } but has ${describe(Object.keys(input).join(', '))}`,
  );
}

function inputOptions(i: ModelConfig['input']): ModelInput {
  if (i.kind === 'tokens') return { tokens: i.size };
  if (i.kind === 'features') return { features: i.size };
  if (i.kind === 'vector') return { vector: i.size, feed: i.feed };
  const embedding = { vocabSize: i.size, dim: i.dim };
  return { embedding: i.paddingIdx === undefined ? embedding : { ...embedding, paddingIdx: i.paddingIdx } };
}

const OPTIONS = ['input', 'recurrent', 'pooling', 'head', 'seed'];
const RECURRENT = ['cell', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout', 'init', 'gru'];

/** The normalised `recurrent.gru` option: { resetAfter: false } or nothing (the default, PyTorch's GRU). */
function gruSpec(cell: CellType, value: unknown): { gru?: { resetAfter: false } } {
  if (value !== undefined && cell !== 'gru') {
    throw new ValueError(`recurrent.gru applies to cell 'gru' only but cell is '${cell}'`);
  }
  return gruResetAfter(value, 'recurrent.gru') ? {} : { gru: { resetAfter: false } };
}

export function modelConfig(options: SequenceModelOptions): ModelConfig {
  optionsObject('SequenceModel options', options, true, OPTIONS);
  const r = options.recurrent;
  if (r === null || typeof r !== 'object' || !CELLS.includes(r.cell)) {
    throw new ValueError(
      `recurrent.cell must be one of ${CELLS.join(', ')} but got ${describe(r?.cell ?? r)}`,
    );
  }
  knownKeys('recurrent', r, RECURRENT);
  const pooling = options.pooling ?? 'none';
  if (!POOLINGS.includes(pooling)) {
    throw new ValueError(`pooling must be one of ${POOLINGS.join(', ')} but got ${describe(pooling)}`);
  }
  const seed = integer('seed', options.seed ?? 0);
  const bidirectional = flag('recurrent.bidirectional', r.bidirectional, false);
  const recurrent: ModelConfig['recurrent'] = {
    cell: r.cell,
    hiddenSize: positiveInt('recurrent.hiddenSize', r.hiddenSize),
    numLayers: positiveInt('recurrent.numLayers', r.numLayers ?? 1),
    bidirectional,
    dropout: dropoutRate('recurrent.dropout', r.dropout),
    ...(r.init === undefined ? {} : { init: initOptions(r.init, r.cell === 'lstm') }),
    ...gruSpec(r.cell, r.gru),
  };
  const h = optionsObject('head', options.head, true, ['outputSize', 'dropout']);
  const head = {
    outputSize: positiveInt('head.outputSize', h.outputSize),
    dropout: dropoutRate('head.dropout', h.dropout),
  };
  const input = inputConfig(options.input);
  if (input.kind === 'vector' && pooling !== 'none') {
    throw new ValueError(
      `a { vector } input (one-to-many) makes a sequence: pooling must be 'none' but is '${pooling}'`,
    );
  }
  const normalised: SequenceModelOptions = { input: inputOptions(input), recurrent, pooling, head, seed };
  const config = { input, recurrent, pooling, head, seed, options: normalised };
  // The layers check what is left (paddingIdx, init) when their specs are built.
  modelSpecs(config);
  return config;
}

/** An RNN layer's nonlinearity option; the gated cells take none. */
export const nonlinearityOf = (cell: CellType): { nonlinearity?: 'tanh' | 'relu' } =>
  cell === 'rnn_relu' ? { nonlinearity: 'relu' } : cell === 'rnn_tanh' ? { nonlinearity: 'tanh' } : {};

/** Options of each layer of the model, all sharing one slab under their PyTorch module prefix. */
export function layerOptions(c: ModelConfig) {
  const D = c.recurrent.bidirectional ? 2 : 1;
  const DH = D * c.recurrent.hiddenSize;
  const r = c.recurrent;
  return {
    embedding:
      c.input.kind === 'embedding'
        ? {
            numEmbeddings: c.input.size,
            embeddingDim: c.input.dim,
            paddingIdx: c.input.paddingIdx,
            seed: deriveSeed(c.seed, 'embedding'),
            prefix: 'embedding.',
          }
        : undefined,
    rnn: {
      inputSize: c.input.dim,
      hiddenSize: r.hiddenSize,
      numLayers: r.numLayers,
      bidirectional: r.bidirectional,
      init: r.init,
      seed: deriveSeed(c.seed, 'rnn'),
      prefix: 'rnn.',
      ...nonlinearityOf(r.cell),
      ...(r.gru ? { gru: r.gru } : {}),
    },
    attention:
      c.pooling === 'attention'
        ? { inputSize: DH, seed: deriveSeed(c.seed, 'attention'), prefix: 'attention.' }
        : undefined,
    head: {
      inFeatures: DH,
      outFeatures: c.head.outputSize,
      seed: deriveSeed(c.seed, 'head'),
      prefix: 'head.',
    },
  };
}

/** Every parameter of the model by PyTorch name and shape, in module order. */
export function modelSpecs(c: ModelConfig): TensorSpec[] {
  const o = layerOptions(c);
  const rnn =
    c.recurrent.cell === 'lstm'
      ? LSTM.paramSpecs(o.rnn)
      : c.recurrent.cell === 'gru'
        ? GRU.paramSpecs(o.rnn)
        : RNN.paramSpecs(o.rnn);
  return [
    ...(o.embedding ? Embedding.paramSpecs(o.embedding) : []),
    ...rnn,
    ...(o.attention ? AttentionPooling.paramSpecs(o.attention) : []),
    ...Dense.paramSpecs(o.head),
  ];
}
