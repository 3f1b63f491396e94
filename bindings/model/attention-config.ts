// Options of a Seq2Seq decoder's attention over the encoder's outputs, and the bias-free nn.Linear layers each
// score needs under PyTorch names: additive (Bahdanau) v·tanh(W_q q + W_k k) has decoder.attention.query,
// .key and .v; Luong 'general' qᵀ·W_a·k has decoder.attention.key (= W_a); Luong 'dot' qᵀ·k has none.

import { describe, ValueError } from '../errors.ts';
import { deriveSeed } from '../seed.ts';
import { optionsObject } from '../validate.ts';
import type { DenseOptions } from './dense.ts';

export type AttentionScore = 'additive' | 'general' | 'dot';
/**
 * Where the context goes: 'output' concatenates ctx_t with the decoder's output h_t before the head (Luong);
 * 'input' concatenates the previous step's context ctx_{t−1} (zeros at the first step) after the decoder's next
 * input, [emb(y_{t−1}) ; ctx_{t−1}], and the head reads h_t alone; 'both' does both. Luong et al. (2015, §3.3)
 * and OpenNMT feed the attentional vector tanh(W_c[ctx_t ; h_t]); this model has no W_c layer (its head is the
 * linear layer over [h_t ; ctx_t]), so the vector fed is the context itself.
 */
export type AttentionFeed = 'output' | 'input' | 'both';

export interface AttentionOptions {
  score: AttentionScore;
  /** Default 'output'. */
  feed?: AttentionFeed;
}

export interface AttentionConfig {
  readonly score: AttentionScore;
  readonly feed: AttentionFeed;
  /** Width of a query: the decoder's hidden size. */
  readonly querySize: number;
  /** Width of a key (and value): the encoder's output size. */
  readonly keySize: number;
  /** Width of the additive score's hidden layer (the decoder's hidden size, as in Bahdanau et al.). */
  readonly scoreSize: number;
}

const SCORES: readonly AttentionScore[] = ['additive', 'general', 'dot'];
const FEEDS: readonly AttentionFeed[] = ['output', 'input', 'both'];

/** The decoder reads the previous step's context after its input. */
export const feedsInput = (c: AttentionConfig | undefined): boolean => c !== undefined && c.feed !== 'output';

/** The head reads [h_t ; ctx_t] rather than h_t. */
export const feedsOutput = (c: AttentionConfig | undefined): boolean => c !== undefined && c.feed !== 'input';

/** hiddenSize: the decoder's; keySize: the encoder's outputs (2·hiddenSize when bidirectional). */
export function attentionConfig(
  options: AttentionOptions,
  hiddenSize: number,
  keySize: number,
): AttentionConfig {
  const o = optionsObject('attention', options, true, ['score', 'feed']);
  if (!SCORES.includes(o.score)) {
    throw new ValueError(`attention.score must be one of ${SCORES.join(', ')} but got ${describe(o.score)}`);
  }
  const feed = o.feed ?? 'output';
  if (!FEEDS.includes(feed)) {
    throw new ValueError(`attention.feed must be one of ${FEEDS.join(', ')} but got ${describe(feed)}`);
  }
  if (o.score === 'dot' && keySize !== hiddenSize) {
    throw new ValueError(
      `attention.score 'dot' needs keys as wide as the decoder (${hiddenSize}) but a bidirectional ` +
        `encoder gives ${keySize}; use 'general' or 'additive'`,
    );
  }
  return { score: o.score, feed, querySize: hiddenSize, keySize, scoreSize: hiddenSize };
}

/** The attention's layers in slab order (all bias-free). */
export function attentionLayers(c: AttentionConfig, seed: number): DenseOptions[] {
  const linear = (name: string, inFeatures: number, outFeatures: number): DenseOptions => ({
    inFeatures,
    outFeatures,
    bias: false,
    seed: deriveSeed(seed, `decoder.attention.${name}`),
    prefix: `decoder.attention.${name}.`,
  });
  if (c.score === 'dot') return [];
  if (c.score === 'general') return [linear('key', c.keySize, c.querySize)];
  return [
    linear('query', c.querySize, c.scoreSize),
    linear('key', c.keySize, c.scoreSize),
    linear('v', c.scoreSize, 1),
  ];
}
