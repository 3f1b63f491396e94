// The demo's reviews as labelled sets: label 1 is positive, 0 negative; every fifth review is held out of
// training and scored after it. The Node test reads the same sets to check a downloaded classifier.

import { NEGATIVE, POSITIVE } from './reviews.ts';

export const SENTIMENT_CLASSES = ['negative', 'positive'];

export interface LabelledReview {
  review: string;
  label: number;
}

export function reviewSets(): { train: LabelledReview[]; heldOut: LabelledReview[] } {
  const all = [
    ...POSITIVE.map((review) => ({ review, label: 1 })),
    ...NEGATIVE.map((review) => ({ review, label: 0 })),
  ];
  return {
    train: all.filter((_, i) => i % 5 !== 0),
    heldOut: all.filter((_, i) => i % 5 === 0),
  };
}
