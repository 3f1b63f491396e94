// TextModel on texts whose next character is certain: a period-4 text is learned exactly (greedy generation
// continues the cycle and bits per character fall near 0); samples are seeded; a saved model generates the same
// text; a prompt with an unknown character, an empty or too-short text are refused with a clear message.

import { beforeAll, describe, expect, it } from 'vitest';
import { type CharVocab, DataError, init, type Runtime, TextModel } from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

const cycle = 'abcd'.repeat(600);

describe('TextModel', () => {
  it('learns a deterministic text: greedy generation continues it and bits/char fall near 0', async () => {
    const model = new TextModel(rt, cycle, { hiddenSize: 16, seed: 1 });
    const seen: number[] = [];
    const summary = await model.fit(cycle, {
      steps: 150,
      seqLength: 16,
      batchSize: 16,
      lr: 1e-2,
      onProgress: (p) => {
        seen.push(p.averageLoss);
      },
    });
    expect(summary.steps).toBe(150);
    expect(seen).toHaveLength(150);
    expect(seen.at(-1)!).toBeLessThan(seen[0] / 10);
    expect(model.generate('ab', { length: 10, temperature: 0 })).toBe('abcdabcdabcd');
    const e = model.evaluate('dabcdabcdabcdabcdabc');
    expect(e.bitsPerCharacter).toBeLessThan(0.2);
    expect(e.perplexity).toBeLessThan(1.2);
    // Sampling is seeded: the same seed gives the same text, and topK 1 is greedy.
    const a = model.generate('a', { length: 40, temperature: 1.5, seed: 7 });
    expect(model.generate('a', { length: 40, temperature: 1.5, seed: 7 })).toBe(a);
    expect(model.generate('a', { length: 8, temperature: 2, topK: 1 })).toBe('abcdabcda');

    const loaded = TextModel.load(rt, model.save());
    expect((loaded.vocab as CharVocab).chars).toEqual(['a', 'b', 'c', 'd']);
    expect(loaded.generate('a', { length: 40, temperature: 1.5, seed: 7 })).toBe(a);
    expect(loaded.stepsTrained).toBe(150);
    model.dispose();
    loaded.dispose();
  });

  it('learns a word-level cycle with a word vocabulary', async () => {
    const words = 'the cat sat on the mat . '.repeat(150);
    const { model } = await TextModel.fit(rt, words, {
      level: 'word',
      hiddenSize: 16,
      steps: 120,
      seqLength: 12,
      batchSize: 8,
      lr: 1e-2,
    });
    expect(model.generate('the cat', { length: 5, temperature: 0 })).toBe('the cat sat on the mat .');
    model.dispose();
  });

  it('refuses what it cannot use, with a message that says what to do', async () => {
    const model = new TextModel(rt, cycle, { hiddenSize: 8 });
    expect(() => model.generate('abx', {})).toThrow(DataError);
    expect(() => model.generate('abx', {})).toThrow(
      /prompt: character "x" \(U\+0078\) at index 2 is not one of the 4 characters this model was trained on/,
    );
    expect(() => model.generate('a', { temperature: -1 })).toThrow(/temperature/);
    expect(() => new TextModel(rt, '')).toThrow(/text is empty/);
    await expect(model.fit('abcd', { seqLength: 64 })).rejects.toThrow(
      /fewer than one training window of seqLength 64/,
    );
    await expect(model.fit(`${cycle}e`, { steps: 1 })).rejects.toThrow(/character "e"/);
    expect(() => model.evaluate('abcz')).toThrow(/character "z"/);
    model.dispose();
  });
});
