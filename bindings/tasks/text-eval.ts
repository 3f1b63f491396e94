// A language model's loss on a text, in float64 on the host: either as it reads the text in use — the text cut
// into parallel streams read window after window with the state carried (what char-rnn and PyTorch's
// word_language_model report) — or window by window, each from a zero state (what a model trained on
// independent windows was trained for). Weights and any state carried by training are left as they were.

import { tbptt } from '../data/stream.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import { positiveInt } from '../validate.ts';
import { evaluationBatches, type TokenBatch } from './text-data.ts';

/** 'carried': parallel streams, state carried window to window; 'fresh': every window from a zero state. */
export type EvaluationState = 'carried' | 'fresh';

/** How many parallel streams a text of `n` ids is read in: `batchSize`, fewer when a stream would be shorter than a window. */
export function evaluationTracks(n: number, seqLength: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(n / (seqLength + 1))));
}

/** Mean cross-entropy in nats of next-id prediction over `ids`, and the targets it counted. */
export function textLoss(
  model: SequenceModel,
  ids: Int32Array,
  seqLength: number,
  batchSize: number,
  state: EvaluationState,
): { loss: number; tokens: number } {
  const T = positiveInt('seqLength', seqLength);
  const B = positiveInt('batchSize', batchSize);
  if (state === 'fresh') return sumBatches(model, evaluationBatches(ids, T, B), false);
  const stream = tbptt(ids, { tracks: evaluationTracks(ids.length, T, B), k1: T });
  const carried = model.carriedState;
  model.resetState();
  try {
    return sumBatches(model, stream, true);
  } finally {
    model.carriedState = carried;
  }
}

function sumBatches(model: SequenceModel, batches: Iterable<TokenBatch>, stateful: boolean) {
  const V = model.outputSize;
  let sum = 0;
  let tokens = 0;
  for (const { inputs, targets } of batches) {
    model.load(inputs, model.check(inputs), { state: stateful });
    model.forward();
    if (stateful) model.keepState();
    const logits = model.rt.arena.f32At(model.output, targets.data.length * V);
    const y = targets.data;
    for (let r = 0; r < y.length; r++) sum += crossEntropyRow(logits, r * V, V, y[r]);
    tokens += y.length;
  }
  return { loss: sum / tokens, tokens };
}

/** −log softmax(logits)[target] of one row, computed stably in float64. */
function crossEntropyRow(logits: Float32Array, at: number, V: number, target: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[at + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[at + v] - max);
  return Math.log(sum) + max - logits[at + target];
}
