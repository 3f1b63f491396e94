// The date translator of `wasm-rnn train --task dates` and `wasm-rnn translate`: the Seq2Seq that reads a
// human-written date character by character and writes its ISO form, built as docs/attention.md builds it, and
// the checks both commands make on what a person types (every character must be one the model reads).

import { type DatesTask, datesTask, greedyDecode, type Runtime, Seq2Seq } from 'wasm-rnn';
import { UsageError } from '../fail.ts';

export const DATE_SCORES = ['additive', 'general', 'dot', 'none'] as const;
export type DateScore = (typeof DATE_SCORES)[number];

/** ISO dates are 10 characters and eos: 12 decoding steps leave one to spare. */
const MAX_STEPS = 12;

export { DATES_TASK } from '../models.ts';

/** The source characters a translator reads (the generator's alphabet, the same for every seed). */
export const SOURCE_VOCAB: readonly string[] = datesTask({ count: 1 }).sourceVocab;

export interface DateModelSizes {
  cell: 'lstm' | 'gru' | 'rnn';
  hidden: number;
  layers: number;
  attention: DateScore;
  seed: number;
}

export function dateModel(rt: Runtime, task: DatesTask, sizes: DateModelSizes): Seq2Seq {
  const attention = sizes.attention !== 'none';
  return new Seq2Seq(rt, {
    source: { embedding: { vocabSize: task.sourceVocab.length, dim: 16 } },
    target: { embedding: { vocabSize: task.targetVocab.length, dim: 16 } },
    // A bidirectional encoder gives keys twice as wide as the decoder, which 'dot' cannot score.
    recurrent: {
      cell: sizes.cell === 'rnn' ? 'rnn_tanh' : sizes.cell,
      hiddenSize: sizes.hidden,
      numLayers: sizes.layers,
      bidirectional: attention && sizes.attention !== 'dot',
    },
    ...(attention ? { attention: { score: sizes.attention as 'additive' | 'general' | 'dot' } } : {}),
    bos: task.bos,
    eos: task.eos,
    seed: sizes.seed,
  });
}

/** Greedy ISO dates of `texts` (as ids), decoded together in one batch. */
export function translateIds(model: Seq2Seq, inputs: readonly Int32Array[]): Int32Array[] {
  const B = inputs.length;
  const T = Math.max(...inputs.map((s) => s.length));
  const data = new Int32Array(T * B);
  inputs.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) data[t * B + b] = s[t];
  });
  const out = greedyDecode(
    model,
    { data, shape: [T, B] },
    {
      sourceLengths: inputs.map((s) => s.length),
      maxSteps: MAX_STEPS,
    },
  );
  return out.tokens;
}

/** The ids of `text`, or a refusal naming the first character the model cannot read. */
export function sourceIds(text: string, what: string): Int32Array {
  if (text.length === 0) throw new UsageError(`${what} is empty; give a date such as "3 mars 2021"`);
  const ids = new Map(SOURCE_VOCAB.map((c, i) => [c, i]));
  // The generator writes month names in lower case; a person may not.
  const chars = [...text.toLowerCase()];
  return Int32Array.from(chars, (ch, index) => {
    const id = ids.get(ch);
    if (id === undefined) {
      const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new UsageError(
        `${what}: character ${JSON.stringify(ch)} (${code}) at index ${index} is not one a date translator reads (letters of en, fr, de and es month names, digits, space and , . /)`,
      );
    }
    return id;
  });
}
