// A character vocabulary (Karpathy's char-rnn): the sorted unique characters of a text, each an id. Sorting
// makes the ids a function of the character set alone, so two runs over the same text agree; `toJSON` is saved
// with the model because a model's output row k means the vocabulary's character k and nothing else.
// Characters are Unicode code points (an emoji is one character, not two UTF-16 halves).

import { DataError, describe, ValueError } from '../errors.ts';
import { knownKeys, optionsObject } from '../validate.ts';
import { indexList } from './args.ts';

export interface CharVocabJSON {
  kind: 'char';
  chars: string[];
  unknown?: string;
}

export interface CharVocabOptions {
  /** A character that stands for every character outside the vocabulary (added to it); default: throw. */
  unknown?: string;
}

export class CharVocab {
  /** The characters in id order. */
  readonly chars: readonly string[];
  readonly unknown: string | undefined;
  readonly #ids: Map<number, number>;
  readonly #unknownId: number;

  constructor(chars: readonly string[], options: CharVocabOptions = {}) {
    if (!Array.isArray(chars) || chars.some((c) => typeof c !== 'string' || [...c].length !== 1)) {
      throw new ValueError(`chars must be an array of single characters but got ${describe(chars)}`);
    }
    this.#ids = new Map();
    chars.forEach((c, i) => {
      if (this.#ids.has(c.codePointAt(0)!)) throw new ValueError(`chars holds ${JSON.stringify(c)} twice`);
      this.#ids.set(c.codePointAt(0)!, i);
    });
    const unknown = optionsObject('CharVocab options', options, false, ['unknown']).unknown;
    if (unknown !== undefined && (typeof unknown !== 'string' || [...unknown].length !== 1)) {
      throw new ValueError(`unknown must be a single character but got ${describe(unknown)}`);
    }
    this.chars =
      unknown === undefined || this.#ids.has(unknown.codePointAt(0)!) ? [...chars] : [...chars, unknown];
    if (unknown !== undefined) this.#ids.set(unknown.codePointAt(0)!, this.chars.indexOf(unknown));
    this.unknown = unknown;
    this.#unknownId = unknown === undefined ? -1 : this.#ids.get(unknown.codePointAt(0)!)!;
  }

  /** The sorted unique characters of `text` (sorted by code point). */
  static fromText(text: string, options: CharVocabOptions = {}): CharVocab {
    if (typeof text !== 'string') throw new ValueError(`text must be a string but got ${describe(text)}`);
    const seen = new Set<number>();
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      seen.add(cp);
      if (cp > 0xffff) i++;
    }
    const sorted = [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
    return new CharVocab(sorted, options);
  }

  static fromJSON(json: CharVocabJSON): CharVocab {
    if (json?.kind !== 'char' || !Array.isArray(json.chars)) {
      throw new ValueError(
        `a character vocabulary must be { kind: 'char', chars: [...] } but got ${describe(json)}`,
      );
    }
    knownKeys('a character vocabulary', json, ['kind', 'chars', 'unknown']);
    // toJSON writes `unknown` among the characters; one outside them is no vocabulary this class wrote.
    if (json.unknown !== undefined && !json.chars.includes(json.unknown)) {
      throw new ValueError(
        `a character vocabulary's unknown ${describe(json.unknown)} must be one of its chars`,
      );
    }
    return new CharVocab(json.chars, { unknown: json.unknown });
  }

  get size(): number {
    return this.chars.length;
  }

  /** Token ids of `text`; a character outside the vocabulary throws (or maps to `unknown` if set). */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new ValueError(`text must be a string but got ${describe(text)}`);
    const out = new Int32Array(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      const id = this.#ids.get(cp) ?? this.#unknownId;
      if (id < 0) throw this.#outside(text, i, cp);
      out[n++] = id;
      if (cp > 0xffff) i++;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  decode(ids: ArrayLike<number>): string {
    indexList('ids', ids);
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < this.chars.length)) {
        throw new ValueError(
          `ids[${i}] = ${describe(id)} is not a character id; this vocabulary has ids 0..${this.size - 1}`,
        );
      }
      s += this.chars[id];
    }
    return s;
  }

  toJSON(): CharVocabJSON {
    return this.unknown === undefined
      ? { kind: 'char', chars: [...this.chars] }
      : { kind: 'char', chars: [...this.chars], unknown: this.unknown };
  }

  #outside(text: string, i: number, cp: number): DataError {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const column = i - before.lastIndexOf('\n');
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    return new DataError(
      `character ${JSON.stringify(String.fromCodePoint(cp))} (U+${hex}) at index ${i} (line ${line}, column ${column}) ` +
        `is not in the vocabulary of ${this.size} characters; build the vocabulary from text that contains it, ` +
        `clean it from the input, or create the vocabulary with { unknown: '?' } to map unseen characters`,
    );
  }
}
