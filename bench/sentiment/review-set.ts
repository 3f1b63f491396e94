// The reviews from disk and the fixed held-out split the benchmark and the Node tests score on: every fifth review
// in file order (positives first, then negatives, 150 each) is held out, which is the demo's split too, so a
// figure from here and the demo's "accuracy on 60 reviews" are read on the same 60 reviews.

import { readFileSync } from 'node:fs';
import { type LabelledReview, parseReviewsTsv } from '../../demo/src/reviews-tsv.ts';

export const REVIEWS_FILE = new URL('../../data/samples/reviews.tsv', import.meta.url);

export interface ReviewSplit {
  train: LabelledReview[];
  heldOut: LabelledReview[];
}

export function loadReviewSplit(): ReviewSplit {
  const all = parseReviewsTsv(readFileSync(REVIEWS_FILE, 'utf8'));
  return {
    train: all.filter((_, i) => i % 5 !== 0),
    heldOut: all.filter((_, i) => i % 5 === 0),
  };
}
