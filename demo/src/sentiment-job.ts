// The sentiment tab's training: a SequenceClassifier on the demo's own reviews (words hashed to token ids), then
// each held-out review's probability of being positive, and the accuracy on them.

import { type Runtime, SequenceClassifier } from 'wasm-rnn';
import { progressSender } from './progress.ts';
import type { FromWorker, SentimentJob } from './protocol.ts';
import { reviewSets, SENTIMENT_CLASSES } from './review-split.ts';
import { REVIEW_BUCKETS, reviewTokens } from './review-tokens.ts';

export async function trainSentiment(
  rt: Runtime,
  job: SentimentJob,
  signal: AbortSignal,
  send: (m: FromWorker) => void,
): Promise<SequenceClassifier> {
  const { train, heldOut } = reviewSets();
  const classifier = await SequenceClassifier.fit(
    train.map((r) => reviewTokens(r.review)),
    train.map((r) => r.label),
    {
      runtime: rt,
      classNames: SENTIMENT_CLASSES,
      vocabSize: REVIEW_BUCKETS,
      embeddingDim: 16,
      hiddenSize: 32,
      pooling: 'attention',
      steps: job.steps,
      batchSize: 16,
      seed: 1,
      signal,
      onProgress: progressSender(send),
    },
  );
  const positive = positiveProbabilities(
    classifier,
    heldOut.map((r) => r.review),
  );
  const correct = heldOut.filter((r, i) => (positive[i] > 0.5 ? 1 : 0) === r.label).length;
  send({
    type: 'sentiment',
    accuracy: correct / heldOut.length,
    heldOut: heldOut.map((r, i) => ({ ...r, positive: positive[i] })),
  });
  return classifier;
}

/** P(positive) of each review (a review without words scores 0.5: there is nothing to read). */
export function positiveProbabilities(classifier: SequenceClassifier, reviews: readonly string[]): number[] {
  const tokens = reviews.map(reviewTokens);
  const readable = tokens.filter((t) => t.length > 0);
  const p = readable.length > 0 ? classifier.predictProba(readable).data : new Float32Array(0);
  let k = 0;
  return tokens.map((t) => (t.length > 0 ? p[2 * k++ + 1] : 0.5));
}
