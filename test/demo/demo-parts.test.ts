// The demo's pure parts, in Node: the prompt check the text tab runs before training, the word hashing the
// sentiment classifier reads reviews with (against published FNV-1a vectors), the review set itself, and how the
// dates tab turns a typed date into the model's source ids.

import { describe, expect, it } from 'vitest';
import { datesTask, ValueError } from 'wasm-rnn';
import { dateSourceIds, MAX_DATE_LENGTH } from '../../demo/src/date-attention.ts';
import { DATE_SOURCE_VOCAB } from '../../demo/src/dates-job.ts';
import { promptProblem } from '../../demo/src/prompt-check.ts';
import { reviewSets } from '../../demo/src/review-split.ts';
import { REVIEW_BUCKETS, reviewTokens, reviewWords, wordBucket } from '../../demo/src/review-tokens.ts';
import { NEGATIVE, POSITIVE } from '../../demo/src/reviews.ts';

describe('the prompt check', () => {
  it('accepts a prompt made of the text’s characters', () => {
    expect(promptProblem('ROMEO:', 'ROMEO: hello')).toBeUndefined();
  });

  it('names each character the text lacks, once, with its code point', () => {
    const problem = promptProblem('Zoë€€', 'Zo and some text');
    expect(problem).toContain('"ë" (U+00EB)');
    expect(problem).toContain('"€" (U+20AC)');
    expect(problem!.match(/€/g)).toHaveLength(1);
    expect(problem).toContain('characters the text never does');
  });

  it('counts a character outside the Basic Multilingual Plane as one', () => {
    expect(promptProblem('a😀', 'abc')).toContain('"😀" (U+1F600)');
    expect(promptProblem('a😀', 'a😀')).toBeUndefined();
  });

  it('refuses an empty prompt', () => {
    expect(promptProblem('', 'abc')).toMatch(/empty/);
  });
});

describe('review tokens', () => {
  it('hash words with 32-bit FNV-1a (published vectors) into the buckets', () => {
    expect(wordBucket('a')).toBe(0xe40c292c % REVIEW_BUCKETS);
    expect(wordBucket('foobar')).toBe(0xbf9cf968 % REVIEW_BUCKETS);
  });

  it('read lower-cased words with inner apostrophes, and nothing from punctuation alone', () => {
    expect(reviewWords("Don't BUY it!! 5 stars, café")).toEqual(["don't", 'buy', 'it', '5', 'stars', 'café']);
    expect(reviewTokens('?! …')).toHaveLength(0);
    expect(Array.from(reviewTokens('Great great'))).toEqual([wordBucket('great'), wordBucket('great')]);
  });
});

describe('the review set', () => {
  it('holds 150 distinct positive and 150 distinct negative reviews, a fifth of each held out', () => {
    expect(POSITIVE).toHaveLength(150);
    expect(NEGATIVE).toHaveLength(150);
    expect(new Set([...POSITIVE, ...NEGATIVE]).size).toBe(300);
    const { train, heldOut } = reviewSets();
    expect(heldOut).toHaveLength(60);
    expect(heldOut.filter((r) => r.label === 1)).toHaveLength(30);
    const seen = new Set(train.map((r) => r.review));
    expect(heldOut.some((r) => seen.has(r.review))).toBe(false);
    expect([...train, ...heldOut].every((r) => reviewTokens(r.review).length > 0)).toBe(true);
  });
});

describe('a typed date as source ids', () => {
  it('gives the ids the dates task gives its own texts', () => {
    const task = datesTask({ count: 300, seed: 3 });
    task.pairs.forEach((p, i) => {
      expect(dateSourceIds(p.text, DATE_SOURCE_VOCAB)).toEqual({ text: p.text, ids: task.inputs[i] });
    });
  });

  it('reads a date as a person types it: capitals, and spaces at the ends or doubled', () => {
    const { text, ids } = dateSourceIds('  25.  Dezember 2003 ', DATE_SOURCE_VOCAB);
    expect(text).toBe('25. dezember 2003');
    expect([...ids].map((id) => DATE_SOURCE_VOCAB[id]).join('')).toBe(text);
  });

  it('refuses, by name, a character no date holds and a date of no or too many characters', () => {
    expect(() => dateSourceIds('12/05/2020?', DATE_SOURCE_VOCAB)).toThrow(ValueError);
    expect(() => dateSourceIds('12/05/2020?', DATE_SOURCE_VOCAB)).toThrow(
      /^date must use only .* but got "\?"$/,
    );
    expect(() => dateSourceIds('   ', DATE_SOURCE_VOCAB)).toThrow(
      /date must have 1 to 40 characters but got 0/,
    );
    expect(() => dateSourceIds('1'.repeat(MAX_DATE_LENGTH + 1), DATE_SOURCE_VOCAB)).toThrow(/but got 41$/);
  });
});
