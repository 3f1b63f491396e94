// Options of a Seq2Seq model (encoder–decoder), their validation into plain JSON, and the parameter names of
// the equivalent PyTorch module — an `encoder` (embedding, rnn) and a `decoder` (embedding, rnn, head):
//   encoder.embedding.weight, encoder.rnn.weight_ih_l0, decoder.embedding.weight, decoder.rnn.…, decoder.head.weight
// and, with attention, decoder.attention.{query,key,v}.weight (bias-free nn.Linear) before the head.

import { describe, ValueError } from '../errors.ts';
import { deriveSeed } from '../seed.ts';
import { flag, integer, knownKeys, optionsObject, positiveInt } from '../validate.ts';
import {
  type AttentionConfig,
  type AttentionOptions,
  attentionConfig,
  attentionLayers,
  feedsInput,
  feedsOutput,
} from './attention-config.ts';
import type { CellType } from './cells.ts';
import { Dense } from './dense.ts';
import { Embedding } from './embedding.ts';
import { GRU } from './gru.ts';
import { initOptions, type RecurrentInit } from './initializers.ts';
import { LSTM } from './lstm.ts';
import { RNN } from './rnn.ts';
import { dropoutRate, nonlinearityOf } from './sequence-config.ts';
import type { TensorSpec } from './slab.ts';

/** Token ids as one-hot vectors, ids through an Embedding, or (source only) float features. */
export type Seq2SeqSide =
  | { tokens: number }
  | { embedding: { vocabSize: number; dim: number } }
  | { features: number };

export interface Seq2SeqOptions {
  source: Seq2SeqSide;
  /** Target tokens: the decoder reads the previous one (teacher forcing) and predicts the next. */
  target: { tokens: number } | { embedding: { vocabSize: number; dim: number } };
  /**
   * One shape for encoder and decoder (the encoder's final state initialises the decoder). A bidirectional
   * encoder needs attention; each decoder layer then starts from the sum of its encoder layer's two final states.
   */
  recurrent: {
    cell: CellType;
    hiddenSize: number;
    numLayers?: number;
    bidirectional?: boolean;
    dropout?: number;
    init?: RecurrentInit;
  };
  /** Attention over the encoder's outputs, its context concatenated into the head's input. Default none. */
  attention?: AttentionOptions;
  /** The start token the decoder reads first (a target id). */
  bos: number;
  /** The end token: decoding of a sequence stops once it is produced (a target id). */
  eos: number;
  seed?: number;
}

export interface SideConfig {
  kind: 'tokens' | 'embedding' | 'features';
  /** Vocabulary (ids) or feature size. */
  size: number;
  /** What the recurrent layer reads: size, or the embedding dim. */
  dim: number;
}

export interface Seq2SeqConfig {
  readonly source: SideConfig;
  readonly target: SideConfig;
  readonly recurrent: Required<Omit<Seq2SeqOptions['recurrent'], 'init'>> & { init?: RecurrentInit };
  /** Directions of the encoder: 1, or 2 when bidirectional. */
  readonly directions: 1 | 2;
  readonly attention: AttentionConfig | undefined;
  readonly bos: number;
  readonly eos: number;
  readonly seed: number;
  readonly options: Seq2SeqOptions;
}

function side(name: string, s: Seq2SeqSide, floats: boolean): SideConfig {
  if (s !== null && typeof s === 'object' && !Array.isArray(s)) {
    if (Object.hasOwn(s, 'tokens')) {
      knownKeys(name, s, ['tokens']);
      const V = positiveInt(`${name}.tokens`, (s as { tokens: unknown }).tokens);
      return { kind: 'tokens', size: V, dim: V };
    }
    if (Object.hasOwn(s, 'embedding')) {
      knownKeys(name, s, ['embedding']);
      const e = optionsObject(`${name}.embedding`, (s as { embedding: object }).embedding, true, [
        'vocabSize',
        'dim',
      ]) as { vocabSize?: unknown; dim?: unknown };
      return {
        kind: 'embedding',
        size: positiveInt(`${name}.embedding.vocabSize`, e.vocabSize),
        dim: positiveInt(`${name}.embedding.dim`, e.dim),
      };
    }
    if (floats && Object.hasOwn(s, 'features')) {
      knownKeys(name, s, ['features']);
      const I = positiveInt(`${name}.features`, (s as { features: unknown }).features);
      return { kind: 'features', size: I, dim: I };
    }
  }
  const kinds = floats ? '{ tokens }, { embedding } or { features }' : '{ tokens } or { embedding }';
  throw new ValueError(`${name} must be ${kinds} but got ${describe(s)}`);
}

const sideOptions = (c: SideConfig): Seq2SeqSide =>
  c.kind === 'tokens'
    ? { tokens: c.size }
    : c.kind === 'features'
      ? { features: c.size }
      : { embedding: { vocabSize: c.size, dim: c.dim } };

const CELLS: readonly CellType[] = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'];

const OPTIONS = ['source', 'target', 'recurrent', 'attention', 'bos', 'eos', 'seed'];
const RECURRENT = ['cell', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout', 'init'];

export function seq2seqConfig(options: Seq2SeqOptions): Seq2SeqConfig {
  optionsObject('Seq2Seq options', options, true, OPTIONS);
  const source = side('source', options.source, true);
  const target = side('target', options.target, false);
  const r = options.recurrent;
  if (r === null || typeof r !== 'object' || !CELLS.includes(r.cell)) {
    throw new ValueError(
      `recurrent.cell must be one of ${CELLS.join(', ')} but got ${describe(r?.cell ?? r)}`,
    );
  }
  knownKeys('recurrent', r, RECURRENT);
  const bidirectional = flag('recurrent.bidirectional', r.bidirectional, false);
  if (bidirectional && options.attention === undefined) {
    throw new ValueError(
      'Seq2Seq: a bidirectional encoder needs attention (without it, its final state would not fit the decoder)',
    );
  }
  const recurrent = {
    cell: r.cell,
    hiddenSize: positiveInt('recurrent.hiddenSize', r.hiddenSize),
    numLayers: positiveInt('recurrent.numLayers', r.numLayers ?? 1),
    dropout: dropoutRate('recurrent.dropout', r.dropout),
    ...(r.init === undefined ? {} : { init: initOptions(r.init, r.cell === 'lstm') }),
  };
  for (const [name, id] of [
    ['bos', options.bos],
    ['eos', options.eos],
  ] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= target.size) {
      throw new ValueError(
        `${name} must be a target token id in [0, ${target.size}) but got ${describe(id)}`,
      );
    }
  }
  const seed = integer('seed', options.seed ?? 0);
  const directions = bidirectional ? 2 : 1;
  const H = recurrent.hiddenSize;
  const attention =
    options.attention === undefined ? undefined : attentionConfig(options.attention, H, directions * H);
  // Files saved without attention keep exactly their old options (no `attention` key).
  const normalised: Seq2SeqOptions = {
    source: sideOptions(source),
    target: sideOptions(target) as Seq2SeqOptions['target'],
    recurrent: bidirectional ? { ...recurrent, bidirectional } : recurrent,
    ...(attention ? { attention: { score: attention.score, feed: attention.feed } } : {}),
    bos: options.bos,
    eos: options.eos,
    seed,
  };
  const config: Seq2SeqConfig = {
    source,
    target,
    recurrent: { ...recurrent, bidirectional },
    directions,
    attention,
    bos: options.bos,
    eos: options.eos,
    seed,
    options: normalised,
  };
  seq2seqSpecs(config);
  return config;
}

/** Options of every layer, all in one slab under their PyTorch module prefixes. */
export function seq2seqLayers(c: Seq2SeqConfig) {
  const r = c.recurrent;
  const rnn = (prefix: string, inputSize: number, seed: number, bidirectional = false) => ({
    inputSize,
    hiddenSize: r.hiddenSize,
    numLayers: r.numLayers,
    bidirectional,
    init: r.init,
    seed,
    prefix,
    ...nonlinearityOf(r.cell),
  });
  const embedding = (s: SideConfig, prefix: string, seed: number) =>
    s.kind === 'embedding' ? { numEmbeddings: s.size, embeddingDim: s.dim, seed, prefix } : undefined;
  return {
    encoderEmbedding: embedding(c.source, 'encoder.embedding.', deriveSeed(c.seed, 'encoder.embedding')),
    encoder: rnn('encoder.rnn.', c.source.dim, deriveSeed(c.seed, 'encoder.rnn'), c.directions === 2),
    decoderEmbedding: embedding(c.target, 'decoder.embedding.', deriveSeed(c.seed, 'decoder.embedding')),
    decoder: rnn(
      'decoder.rnn.',
      c.target.dim + (feedsInput(c.attention) ? c.attention!.keySize : 0),
      deriveSeed(c.seed, 'decoder.rnn'),
    ),
    head: {
      inFeatures: r.hiddenSize + (feedsOutput(c.attention) ? c.attention!.keySize : 0),
      outFeatures: c.target.size,
      seed: deriveSeed(c.seed, 'decoder.head'),
      prefix: 'decoder.head.',
    },
  };
}

const rnnSpecs = (cell: CellType, o: ReturnType<typeof seq2seqLayers>['encoder']) =>
  cell === 'lstm' ? LSTM.paramSpecs(o) : cell === 'gru' ? GRU.paramSpecs(o) : RNN.paramSpecs(o);

export function seq2seqSpecs(c: Seq2SeqConfig): TensorSpec[] {
  const o = seq2seqLayers(c);
  return [
    ...(o.encoderEmbedding ? Embedding.paramSpecs(o.encoderEmbedding) : []),
    ...rnnSpecs(c.recurrent.cell, o.encoder),
    ...(o.decoderEmbedding ? Embedding.paramSpecs(o.decoderEmbedding) : []),
    ...rnnSpecs(c.recurrent.cell, o.decoder),
    ...(c.attention ? attentionLayers(c.attention, c.seed) : []).flatMap((d) => Dense.paramSpecs(d)),
    ...Dense.paramSpecs(o.head),
  ];
}
