// Long-review variants: each review with the same kind of neutral story (where it was bought, what it is for),
// 30–40 tokens, placed after the review or before it. After it, the words that carry the sentiment are far from
// the last state; the tutorials' argument for attention pooling is that a last state has to carry what it read
// early through every later step, and this makes that the task. Before it, the review is again at the end: the
// control, same tokens and lengths, that tells distance from mere length or extra words. The story is picked by
// the review's position, never its label.

import type { LabelledReview } from '../../demo/src/reviews-tsv.ts';
import type { ReviewSplit } from './review-set.ts';

const NEUTRAL = [
  'I ordered it on a Tuesday and it came in a brown box with a paper label on the side.',
  'We use it in the kitchen most mornings and sometimes in the garage at the weekend.',
  'My brother had asked about it last winter so I looked at a few shops before choosing this one.',
  'The parcel was left with a neighbour and I picked it up after work on Friday.',
  'It is the second thing I have bought from this seller this year, the other was a lamp.',
  'I keep it on the shelf by the window next to the radio and the plants.',
  'The colour I picked was grey because the blue one was listed for a week later.',
];

export type StoryPlace = 'after' | 'before';

function lengthen(
  reviews: readonly LabelledReview[],
  offset: number,
  sentences: number,
  place: StoryPlace,
): LabelledReview[] {
  return reviews.map((r, i) => {
    const story = Array.from(
      { length: sentences },
      (_, s) => NEUTRAL[(3 * (i + offset) + 5 * s) % NEUTRAL.length],
    );
    const parts = place === 'after' ? [r.review, ...story] : [...story, r.review];
    return { review: parts.join(' '), label: r.label };
  });
}

/** The split with `sentences` neutral sentences after (or before) every review. */
export function withNeutralStory(split: ReviewSplit, sentences: number, place: StoryPlace): ReviewSplit {
  return {
    train: lengthen(split.train, 0, sentences, place),
    heldOut: lengthen(split.heldOut, 1, sentences, place),
  };
}
