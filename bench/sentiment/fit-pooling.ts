// One training run of the comparison: a SequenceClassifier over hashed word ids (the demo's tokeniser), with the
// pooling under test and everything else fixed, scored on the held-out reviews. Both poolings get the same
// embedding, LSTM, batch, optimizer and number of steps, so the only difference is what the Dense head reads.

import { type Runtime, SequenceClassifier } from 'wasm-rnn';
import { REVIEW_BUCKETS, reviewTokens } from '../../demo/src/review-tokens.ts';
import { REVIEW_LABELS } from '../../demo/src/reviews-tsv.ts';
import type { ReviewSplit } from './review-set.ts';

export type Pooling = 'last' | 'attention';

/** The demo's sizes: 16-wide embedding of 1024 hash buckets, a 32-unit LSTM, batches of 16, Adam at 3e-3. */
export const SENTIMENT_NETWORK = { embeddingDim: 16, hiddenSize: 32, batchSize: 16, lr: 3e-3 } as const;

export interface PoolingRun {
  pooling: Pooling;
  seed: number;
  steps: number;
  heldOutAccuracy: number;
  trainAccuracy: number;
  fitSeconds: number;
}

export async function fitPooling(
  rt: Runtime,
  split: ReviewSplit,
  pooling: Pooling,
  seed: number,
  steps: number,
): Promise<{ run: PoolingRun; classifier: SequenceClassifier }> {
  const tokens = (set: ReviewSplit['train']) => set.map((r) => reviewTokens(r.review));
  const labels = (set: ReviewSplit['train']) => set.map((r) => r.label);
  const started = performance.now();
  const classifier = await SequenceClassifier.fit(tokens(split.train), labels(split.train), {
    runtime: rt,
    classNames: [...REVIEW_LABELS],
    vocabSize: REVIEW_BUCKETS,
    ...SENTIMENT_NETWORK,
    pooling,
    steps,
    seed,
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const heldOutAccuracy = classifier.evaluate(tokens(split.heldOut), labels(split.heldOut)).accuracy;
  const trainAccuracy = classifier.evaluate(tokens(split.train), labels(split.train)).accuracy;
  return { run: { pooling, seed, steps, heldOutAccuracy, trainAccuracy, fitSeconds }, classifier };
}
