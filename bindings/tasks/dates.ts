// A translation-shaped task that needs no download: human-written dates in several formats and languages
// ("3 mars 2021", "March 3, 2021", "03/03/2021", "3 de marzo de 2021") → ISO dates ("2021-03-03"), drawn by a
// seeded generator, as character ids ready for a Seq2Seq (source: SOURCE_CHARS; target: bos, eos, '-', digits).
// The day and the month move between the ends of the string depending on the format, which is what an
// attention decoder reads directly and a fixed-vector decoder must remember.

import { describe, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import { deriveSeed } from '../seed.ts';
import { integer, optionsObject } from '../validate.ts';
import { type DateLanguage, formatsOf, LANGUAGES, SOURCE_CHARS } from './dates-formats.ts';

export type { DateLanguage } from './dates-formats.ts';

export interface DatesTaskOptions {
  /** Number of pairs. */
  count: number;
  seed?: number;
  /** Default all: en, fr, de, es. */
  languages?: readonly DateLanguage[];
  /** Years drawn uniformly by day from fromYear-01-01 to toYear-12-31. Default 1950–2049. */
  fromYear?: number;
  toYear?: number;
}

export interface DatePair {
  text: string;
  iso: string;
  language: DateLanguage;
}

export interface DatesTask {
  pairs: DatePair[];
  /** Source character ids (index into sourceVocab) of each text. */
  inputs: Int32Array[];
  /** Target ids of each ISO date, then eos. */
  targets: Int32Array[];
  sourceVocab: readonly string[];
  targetVocab: readonly string[];
  bos: number;
  eos: number;
}

export const DATE_TARGET_VOCAB: readonly string[] = ['<bos>', '<eos>', '-', ...'0123456789'];
const BOS = 0;
const EOS = 1;
const DAY_MS = 86_400_000;

function year(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1000 || value > 9999) {
    throw new ValueError(`${name} must be an integer year in [1000, 9999] but got ${describe(value)}`);
  }
  return value;
}

function checked(options: DatesTaskOptions) {
  const o = optionsObject('datesTask options', options, true, [
    'count',
    'seed',
    'languages',
    'fromYear',
    'toYear',
  ]);
  const count = o.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1e6) {
    throw new ValueError(`count must be an integer in [1, 1e6] but got ${describe(count)}`);
  }
  const seed = integer('seed', o.seed ?? 0);
  const languages = o.languages ?? LANGUAGES;
  if (!Array.isArray(languages) || languages.length === 0 || !languages.every((l) => LANGUAGES.includes(l))) {
    throw new ValueError(
      `languages must be a non-empty list of ${LANGUAGES.join(', ')} but got ${describe(languages)}`,
    );
  }
  const fromYear = year('fromYear', o.fromYear, 1950);
  const toYear = year('toYear', o.toYear, 2049);
  if (toYear < fromYear) {
    throw new ValueError(`toYear must be ≥ fromYear (${fromYear}) but got ${toYear}`);
  }
  return { count, seed, languages, fromYear, toYear };
}

/** `count` seeded pairs of a human-written date and its ISO form, as ids. */
export function datesTask(options: DatesTaskOptions): DatesTask {
  const { count, seed, languages, fromYear, toYear } = checked(options);
  const rng = new Random(deriveSeed(seed, 'tasks/dates'));
  const first = Date.UTC(fromYear, 0, 1) / DAY_MS;
  const days = Date.UTC(toYear, 11, 31) / DAY_MS - first + 1;
  const sourceIds = new Map(SOURCE_CHARS.map((c, i) => [c, i]));
  const pairs: DatePair[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date((first + rng.int(days)) * DAY_MS);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const language = languages[rng.int(languages.length)];
    const formats = formatsOf(language);
    const text = formats[rng.int(formats.length)](y, m, d, language);
    pairs.push({ text, iso: date.toISOString().slice(0, 10), language });
  }
  return {
    pairs,
    inputs: pairs.map((p) => Int32Array.from(p.text, (c) => sourceIds.get(c)!)),
    targets: pairs.map((p) =>
      Int32Array.from([...p.iso].map((c) => DATE_TARGET_VOCAB.indexOf(c)).concat(EOS)),
    ),
    sourceVocab: SOURCE_CHARS,
    targetVocab: DATE_TARGET_VOCAB,
    bos: BOS,
    eos: EOS,
  };
}

/** The text of generated target ids (bos and eos excluded), e.g. greedyDecode's tokens. */
export function dateFromTokens(tokens: ArrayLike<number>): string {
  return Array.from(tokens, (t) =>
    t > EOS && t < DATE_TARGET_VOCAB.length ? DATE_TARGET_VOCAB[t] : '?',
  ).join('');
}
