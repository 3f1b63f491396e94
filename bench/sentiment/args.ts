// The benchmark's command line, checked before any training: seeds, step budgets, which review variants, how
// many neutral sentences the long variants add, and where to write the JSON record.

import { parseArgs } from 'node:util';
import { withNeutralStory } from './neutral-story.ts';
import type { ReviewSplit } from './review-set.ts';

export interface Variant {
  /** As printed in the table and stored in the JSON. */
  name: string;
  split: (reviews: ReviewSplit) => ReviewSplit;
}

export interface SentimentArgs {
  seeds: number;
  budgets: number[];
  variants: Variant[];
  json: string | undefined;
}

function integer(name: string, text: string, min: number): number {
  const x = Number(text);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return x;
}

export function sentimentArgs(argv: string[]): SentimentArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '10' },
      steps: { type: 'string', default: '100,300' },
      variants: { type: 'string', default: 'written,after,before' },
      sentences: { type: 'string', default: '2' },
      json: { type: 'string' },
    },
  });
  const sentences = integer('sentences', values.sentences, 1);
  const known: Record<string, Variant> = {
    written: { name: 'as written', split: (s) => s },
    after: {
      name: `+ ${sentences} neutral sentences after`,
      split: (s) => withNeutralStory(s, sentences, 'after'),
    },
    before: {
      name: `+ ${sentences} neutral sentences before`,
      split: (s) => withNeutralStory(s, sentences, 'before'),
    },
  };
  const variants = values.variants.split(',').map((v) => {
    if (!Object.hasOwn(known, v))
      throw new Error(
        `--variants must list some of ${Object.keys(known).join(', ')}, got ${values.variants}`,
      );
    return known[v];
  });
  return {
    seeds: integer('seeds', values.seeds, 2),
    budgets: values.steps.split(',').map((s) => integer('steps', s, 1)),
    variants,
    json: values.json,
  };
}
