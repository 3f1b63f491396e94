// Short product reviews, labelled positive or negative, for the demo's sentiment tab. They live in
// data/samples/reviews.tsv (CC0 1.0, see data/samples/README.md) so the demo, the benchmark and the tests read one
// copy; Vite bundles the file's text into the page.

import tsv from '../../data/samples/reviews.tsv?raw';
import { parseReviewsTsv } from './reviews-tsv.ts';

const ALL = parseReviewsTsv(tsv);

export const POSITIVE: readonly string[] = ALL.filter((r) => r.label === 1).map((r) => r.review);
export const NEGATIVE: readonly string[] = ALL.filter((r) => r.label === 0).map((r) => r.review);
