// A word vocabulary for word-level language models: a simple tokenizer (runs of letters/digits, with inner
// apostrophes kept so "we'll" and "know't" stay one word, and each punctuation mark a token of its own), a
// minimum count below which words become `<unk>`, and ids ordered by frequency so a truncated vocabulary
// keeps the most common words. Ties break alphabetically so the ids never depend on Map iteration order.

import { describe, ValueError } from '../errors.ts';
import { flag, knownKeys, optionsObject, positiveInt } from '../validate.ts';
import { indexList } from './args.ts';

export const UNK = '<unk>';

export interface TokenizeOptions {
  /** Lowercase before splitting (default false). */
  lower?: boolean;
}

export interface WordVocabOptions extends TokenizeOptions {
  /** Words seen fewer times become `<unk>` (default 1: keep all). */
  minCount?: number;
  /** Keep at most this many entries, `<unk>` included (default: no limit). */
  maxSize?: number;
}

export interface WordVocabJSON {
  kind: 'word';
  words: string[];
  lower: boolean;
}

const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Words and punctuation marks of `text`, in order. */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new ValueError(`text must be a string but got ${describe(text)}`);
  const lower = flag(
    'lower',
    optionsObject('tokenize options', options, false, ['lower', 'minCount', 'maxSize']).lower,
    false,
  );
  return (lower ? text.toLowerCase() : text).match(TOKEN) ?? [];
}

export class WordVocab {
  /** Words in id order; id 0 is `<unk>`. */
  readonly words: readonly string[];
  readonly lower: boolean;
  readonly #ids: Map<string, number>;

  constructor(words: readonly string[], options: TokenizeOptions = {}) {
    if (!Array.isArray(words) || words.some((w) => typeof w !== 'string' || w.length === 0)) {
      throw new ValueError(`words must be an array of non-empty strings but got ${describe(words)}`);
    }
    this.words = words[0] === UNK ? [...words] : [UNK, ...words.filter((w) => w !== UNK)];
    this.lower = flag(
      'lower',
      optionsObject('WordVocab options', options, false, ['lower', 'minCount', 'maxSize']).lower,
      false,
    );
    this.#ids = new Map(this.words.map((w, i) => [w, i]));
    if (this.#ids.size !== this.words.length) throw new ValueError('words must not repeat');
  }

  /** Counts the tokens of `text` and keeps those seen at least `minCount` times, most frequent first. */
  static fromText(text: string, options: WordVocabOptions = {}): WordVocab {
    optionsObject('WordVocab.fromText options', options, false, ['lower', 'minCount', 'maxSize']);
    const minCount = positiveInt('minCount', options.minCount ?? 1);
    const maxSize = options.maxSize === undefined ? Infinity : positiveInt('maxSize', options.maxSize);
    const counts = new Map<string, number>();
    for (const w of tokenize(text, options)) counts.set(w, (counts.get(w) ?? 0) + 1);
    counts.delete(UNK);
    const kept = [...counts]
      .filter(([, n]) => n >= minCount)
      .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, maxSize - 1)
      .map(([w]) => w);
    return new WordVocab(kept, options);
  }

  static fromJSON(json: WordVocabJSON): WordVocab {
    if (json?.kind !== 'word' || !Array.isArray(json.words)) {
      throw new ValueError(
        `a word vocabulary must be { kind: 'word', words: [...] } but got ${describe(json)}`,
      );
    }
    knownKeys('a word vocabulary', json, ['kind', 'words', 'lower']);
    // toJSON writes <unk> first; without it the ids would shift by one against the model's outputs.
    if (json.words[0] !== UNK) {
      throw new ValueError(
        `a word vocabulary starts with ${UNK} but this one with ${describe(json.words[0])}`,
      );
    }
    return new WordVocab(json.words, { lower: json.lower });
  }

  get size(): number {
    return this.words.length;
  }

  get unkId(): number {
    return 0;
  }

  /** Token ids of `text`; words outside the vocabulary become `<unk>` (id 0). */
  encode(text: string): Int32Array {
    const tokens = tokenize(text, { lower: this.lower });
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.#ids.get(tokens[i]) ?? 0;
    return out;
  }

  /** Words joined by single spaces: tokenizing loses the original spacing, so this is for reading only. */
  decode(ids: ArrayLike<number>): string {
    indexList('ids', ids);
    const words: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < this.words.length)) {
        throw new ValueError(
          `ids[${i}] = ${describe(id)} is not a word id; this vocabulary has ids 0..${this.size - 1}`,
        );
      }
      words[i] = this.words[id];
    }
    return words.join(' ');
  }

  toJSON(): WordVocabJSON {
    return { kind: 'word', words: [...this.words], lower: this.lower };
  }
}
