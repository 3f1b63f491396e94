// Character and word vocabularies, including a full round trip of the Shakespeare text the char-LM demo uses.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tbptt } from '../bindings/data/stream.ts';
import { CharVocab } from '../bindings/data/vocab.ts';
import { tokenize, UNK, WordVocab } from '../bindings/data/words.ts';
import { DataError, ValueError } from '../bindings/errors.ts';

const shakespeare = readFileSync(new URL('../data/tinyshakespeare.txt', import.meta.url), 'utf8');

describe('CharVocab', () => {
  it('sorts unique characters into ids and round-trips', () => {
    const v = CharVocab.fromText('hello');
    expect(v.chars).toEqual(['e', 'h', 'l', 'o']);
    expect([...v.encode('hole')]).toEqual([1, 3, 2, 0]);
    expect(v.decode([1, 0, 2, 2, 3])).toBe('hello');
  });

  it('round-trips the whole Shakespeare text with its 65 characters', () => {
    const v = CharVocab.fromText(shakespeare);
    expect(v.size).toBe(65);
    expect(v.chars.slice(0, 3)).toEqual(['\n', ' ', '!']);
    const ids = v.encode(shakespeare);
    expect(ids.length).toBe(1115394);
    expect(v.decode(ids)).toBe(shakespeare);
    const saved = CharVocab.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(saved.chars).toEqual(v.chars);
    expect([...saved.encode('First Citizen')]).toEqual([...ids.subarray(0, 13)]);
    // The ids feed the truncated-BPTT stream of the char-LM directly.
    const windows = [...tbptt(ids, { tracks: 32, k1: 64 })];
    expect(windows[0].inputs.shape).toEqual([64, 32]);
  });

  it('treats a character outside the BMP as one character', () => {
    const v = CharVocab.fromText('a😀b');
    expect(v.size).toBe(3);
    expect(v.decode(v.encode('😀a'))).toBe('😀a');
  });

  it('names an unknown character, its position and the fix, or maps it when asked', () => {
    const v = CharVocab.fromText(shakespeare);
    const text = 'To be,\nor né';
    expect(() => v.encode(text)).toThrow(DataError);
    expect(() => v.encode(text)).toThrow(
      /character "é" \(U\+00E9\) at index 11 \(line 2, column 5\) is not in the vocabulary of 65 characters; build the vocabulary from text that contains it/,
    );
    const lenient = CharVocab.fromText('abc', { unknown: '?' });
    expect(lenient.decode(lenient.encode('abz'))).toBe('ab?');
    expect(CharVocab.fromJSON(lenient.toJSON()).decode(lenient.encode('z'))).toBe('?');
    expect(() => v.decode([65])).toThrow(
      /ids\[0\] = 65 is not a character id; this vocabulary has ids 0..64/,
    );
    expect(() => CharVocab.fromJSON({ kind: 'word' } as never)).toThrow(ValueError);
  });
});

describe('WordVocab', () => {
  it('tokenizes words with inner apostrophes and punctuation marks', () => {
    expect(tokenize("We know't, we know't.")).toEqual(['We', "know't", ',', 'we', "know't", '.']);
    expect(tokenize('Speak, SPEAK!', { lower: true })).toEqual(['speak', ',', 'speak', '!']);
  });

  it('orders words by count, maps rare ones to <unk>, and round-trips through JSON', () => {
    const v = WordVocab.fromText('b a b c b a', { minCount: 2 });
    expect(v.words).toEqual([UNK, 'b', 'a']);
    expect([...v.encode('a c b')]).toEqual([2, 0, 1]);
    expect(v.decode([1, 0])).toBe('b <unk>');
    const saved = WordVocab.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(saved.words).toEqual(v.words);
    expect(WordVocab.fromText('a b c', { maxSize: 2 }).words).toEqual([UNK, 'a']);
    expect(() => WordVocab.fromText('a', { minCount: 0 })).toThrow(/minCount must be an integer > 0/);
  });

  it('builds a Shakespeare word vocabulary whose most common token is a comma', () => {
    const v = WordVocab.fromText(shakespeare, { minCount: 3 });
    expect(v.words[1]).toBe(',');
    const ids = v.encode(shakespeare);
    expect(ids.length).toBe(tokenize(shakespeare).length);
    expect(v.decode(ids.subarray(0, 4))).toBe('First Citizen : Before');
  });
});
