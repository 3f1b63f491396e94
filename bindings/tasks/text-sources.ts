// What TextModel.fit trains on, in its two modes, and how it measures held-out text in each. Stateful: the
// ids cut into `batchSize` contiguous streams (tbptt), held-out text read the same way with the state carried
// (the public evaluateStream). Stateless: non-overlapping windows shuffled into batches, held-out windows each
// from a zero state — every check measures the model the way it is trained to be used.

import { type Dataset, makeDataset } from '../data/dataset.ts';
import { type TbpttStream, tbptt } from '../data/stream.ts';
import { DataError } from '../errors.ts';
import { evaluateStream } from '../train/stream-eval.ts';
import type { Trainer } from '../train/trainer.ts';
import { evaluationTracks } from './text-eval.ts';
import type { TextFitPlan } from './text-fit-options.ts';

export interface TextSource {
  data: TbpttStream | Dataset;
  /** Optimizer steps in one pass over `data`. */
  perPass: number;
  validate: (() => number) | undefined;
}

/**
 * What TextModel.fit trains `trainer` on for the ids of a text (`held`: the held-out ids, if any), and the held-out
 * check it makes; public so that a loop of one's own (the command line's, which checkpoints) trains the same way.
 */
export function textSource(
  trainer: Trainer,
  ids: Int32Array,
  held: Int32Array | undefined,
  plan: Pick<TextFitPlan, 'seqLength' | 'batchSize' | 'training'>,
): TextSource {
  const { seqLength: T, batchSize: B } = plan;
  if (plan.training === 'stateless') {
    const data = windows('text', ids, T);
    const val = held && windows('validation', held, T);
    return {
      data,
      perPass: Math.ceil(data.size / B),
      validate: val && (() => trainer.evaluate(val, { batchSize: B }).loss),
    };
  }
  oneWindow('text', ids, T);
  if (Math.floor(ids.length / B) < 2) {
    throw new DataError(
      `the text has ${ids.length} tokens, too few for batchSize ${B} parallel streams of 2 tokens or more; ` +
        `give a longer text or a smaller batchSize`,
    );
  }
  const data = tbptt(ids, { tracks: B, k1: T });
  if (held && held.length < 2)
    throw new DataError('validation has 1 token; it needs 2 or more (one to read, one to predict)');
  const val = held && tbptt(held, { tracks: evaluationTracks(held.length, T, B), k1: T });
  return {
    data,
    perPass: data.length,
    validate: val && (() => evaluateStream(trainer, val).loss),
  };
}

function oneWindow(name: string, ids: Int32Array, T: number): number {
  const n = Math.floor((ids.length - 1) / T);
  if (n === 0) {
    throw new DataError(
      `${name}: the text has ${ids.length} ${ids.length === 1 ? 'token' : 'tokens'}, fewer than one training ` +
        `window of seqLength ${T} + 1; give a longer text or a smaller seqLength`,
    );
  }
  return n;
}

/** Non-overlapping windows: sample i is ids[iT .. iT+T) and its targets the same range one id later (views). */
function windows(name: string, ids: Int32Array, T: number): Dataset {
  const n = oneWindow(name, ids, T);
  const inputs = Array.from({ length: n }, (_, i) => ids.subarray(i * T, i * T + T));
  const targets = Array.from({ length: n }, (_, i) => ids.subarray(i * T + 1, i * T + T + 1));
  return makeDataset(inputs, targets, { targetsPer: 'step' });
}
