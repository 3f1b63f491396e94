// The labelled reviews file (data/samples/reviews.tsv): a `label<TAB>text` header, then one review a line with
// `positive` or `negative` before the tab. Pure (text in, reviews out) so the browser demo, which imports the file
// through Vite, and the Node benchmark and tests, which read it from disk, parse one copy the same way. Strict:
// a misread line would silently change every accuracy measured on the set, so each problem names its line.

import { DataError, ValueError } from 'wasm-rnn';

export const REVIEW_LABELS = ['negative', 'positive'] as const;

export interface LabelledReview {
  review: string;
  /** 1 positive, 0 negative (the index in REVIEW_LABELS). */
  label: number;
}

const HEADER = 'label\ttext';

/** Every review of `tsv` in file order; a blank last line is allowed, CRLF line ends too. */
export function parseReviewsTsv(tsv: string): LabelledReview[] {
  if (typeof tsv !== 'string') throw new ValueError(`tsv must be a string but got ${typeof tsv}`);
  const lines = tsv.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (lines[0] !== HEADER)
    throw new DataError(
      `reviews.tsv line 1 must be the header "label<TAB>text" but got ${JSON.stringify(lines[0])}`,
    );
  return lines.slice(1).map((line, i) => parseLine(line, i + 2));
}

function parseLine(line: string, lineNo: number): LabelledReview {
  const fields = line.split('\t');
  if (fields.length !== 2)
    throw new DataError(
      `reviews.tsv line ${lineNo} must have 2 tab-separated fields but has ${fields.length}`,
    );
  const [name, review] = fields;
  const label = (REVIEW_LABELS as readonly string[]).indexOf(name);
  if (label < 0)
    throw new DataError(
      `reviews.tsv line ${lineNo}: label must be "positive" or "negative" but got ${JSON.stringify(name)}`,
    );
  if (review.trim() === '') throw new DataError(`reviews.tsv line ${lineNo}: the review text is empty`);
  return { review, label };
}
