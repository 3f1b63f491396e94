// Reading one typed date with the dates model: its characters as source ids (refused by name when the task never
// writes them), the greedy ISO decoding, and the attention matrix the decoder used (one row per target character,
// one column per source character; each row is a softmax, so it sums to 1).

import { dateFromTokens, greedyDecode, type Seq2Seq, ValueError } from 'wasm-rnn';
import type { DecodedDate } from './protocol.ts';

/** Longer than any date the task writes ("le 30 septembre 2049" is 20), with room for extra spaces. */
export const MAX_DATE_LENGTH = 40;

/** The ids of a typed date: lower case, spaces collapsed, every character one the task writes. */
export function dateSourceIds(
  typed: string,
  sourceVocab: readonly string[],
): { text: string; ids: Int32Array } {
  const text = typed.toLowerCase().trim().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > MAX_DATE_LENGTH) {
    throw new ValueError(`date must have 1 to ${MAX_DATE_LENGTH} characters but got ${text.length}`);
  }
  const index = new Map(sourceVocab.map((c, i) => [c, i]));
  const unknown = [...text].find((c) => !index.has(c));
  if (unknown !== undefined) {
    throw new ValueError(
      `date must use only digits, spaces, ", . /" and month names in en/fr/de/es but got "${unknown}"`,
    );
  }
  return { text, ids: Int32Array.from(text, (c) => index.get(c)!) };
}

/** The ISO date the model reads in `text`, and where it looked for each character of it. */
export function readDate(model: Seq2Seq, text: string, ids: Int32Array): DecodedDate {
  const { tokens } = greedyDecode(model, { data: ids, shape: [ids.length, 1] }, { maxSteps: 12 });
  const iso = dateFromTokens(tokens[0]);
  const attention = model.attentionWeights();
  if (!attention) throw new Error('the dates model has no attention');
  const [steps, sourceSteps] = attention.shape;
  // One row per generated character, and the end-of-sequence step when the decoder reached it.
  const rows = Math.min(steps, tokens[0].length + 1);
  const weights = Array.from({ length: rows }, (_, t) =>
    Array.from(attention.data.subarray(t * sourceSteps, (t + 1) * sourceSteps)),
  );
  const targetLabels = [...iso, 'end'].slice(0, rows);
  return { text, iso, sourceLabels: [...text], targetLabels, weights };
}
