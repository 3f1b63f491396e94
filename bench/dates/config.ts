// The one setting both sides of bench/dates train with (docs/attention.md's measured run): 2,000 generated
// pairs, GRU 48 (bidirectional encoder under attention), embeddings 16, Adam 0.01, gradient norm clipped to 1,
// batch 32; 500 held-out dates of another seed, less any text the training pairs hold, decoded greedily.

import { type DatesTask, datesTask } from 'wasm-rnn';

export const CONFIG = { dim: 16, hidden: 48, lr: 0.01, clip: 1, batchSize: 32, maxSteps: 12 } as const;

export interface DatesData {
  train: DatesTask;
  test: { inputs: Int32Array[]; isos: string[] };
}

export function datesData(seed: number): DatesData {
  const train = datesTask({ count: 2000, seed });
  const seen = new Set(train.pairs.map((p) => p.text));
  const drawn = datesTask({ count: 500, seed: seed + 1_000_003 });
  const kept = drawn.pairs.map((p, i) => ({ iso: p.iso, ids: drawn.inputs[i], text: p.text }));
  const held = kept.filter((p) => !seen.has(p.text));
  return { train, test: { inputs: held.map((p) => p.ids), isos: held.map((p) => p.iso) } };
}

/** What bench/dates/seq2seq_dates.py reads: the same pairs as id lists, the vocabulary sizes, the settings. */
export function pythonInput(data: DatesData): string {
  const { train, test } = data;
  return JSON.stringify({
    config: CONFIG,
    sourceVocab: train.sourceVocab.length,
    targetVocab: train.targetVocab.length,
    targetChars: train.targetVocab,
    bos: train.bos,
    eos: train.eos,
    train: { inputs: train.inputs.map((a) => [...a]), targets: train.targets.map((a) => [...a]) },
    test: { inputs: test.inputs.map((a) => [...a]), isos: test.isos },
  });
}
