// How people write a date, in four languages: month names (full and abbreviated) and the formats the dates
// task draws from. Each format turns (year, month 1–12, day) into text; the month is the only word that moves.

export type DateLanguage = 'en' | 'fr' | 'de' | 'es';

export const MONTHS: Readonly<Record<DateLanguage, readonly string[]>> = {
  en: [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  de: [
    'januar',
    'februar',
    'märz',
    'april',
    'mai',
    'juni',
    'juli',
    'august',
    'september',
    'oktober',
    'november',
    'dezember',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
};

/** French abbreviations, since the first three letters would not tell juin from juillet. */
const SHORT_FR = ['janv', 'févr', 'mars', 'avr', 'mai', 'juin', 'juil', 'août', 'sept', 'oct', 'nov', 'déc'];

type Format = (y: number, m: number, d: number, lang: DateLanguage) => string;

const two = (n: number) => String(n).padStart(2, '0');
const month = (lang: DateLanguage, m: number) => MONTHS[lang][m - 1];
/** The abbreviated month: its first three letters, or SHORT_FR. */
export const shortMonth = (lang: DateLanguage, m: number): string =>
  lang === 'fr' ? SHORT_FR[m - 1] : month(lang, m).slice(0, 3);
const short = shortMonth;

/** Formats written in every language: the month by name (full or abbreviated) or by number. */
const COMMON: readonly Format[] = [
  (y, m, d, l) => `${d} ${month(l, m)} ${y}`,
  (y, m, d, l) => `${d} ${short(l, m)} ${y}`,
  (y, m, d) => `${two(d)}/${two(m)}/${y}`,
  (y, m, d) => `${d}.${m}.${y}`,
];

/** Formats particular to one language. */
const LOCAL: Readonly<Record<DateLanguage, readonly Format[]>> = {
  en: [(y, m, d, l) => `${month(l, m)} ${d}, ${y}`, (y, m, d, l) => `${short(l, m)} ${two(d)} ${y}`],
  fr: [(y, m, d, l) => `le ${d} ${month(l, m)} ${y}`],
  de: [(y, m, d, l) => `${d}. ${month(l, m)} ${y}`],
  es: [(y, m, d, l) => `${d} de ${month(l, m)} de ${y}`],
};

export const LANGUAGES: readonly DateLanguage[] = ['en', 'fr', 'de', 'es'];

/** Every format of one language. */
export const formatsOf = (lang: DateLanguage): readonly Format[] => [...COMMON, ...LOCAL[lang]];

/** Every character a human-written date may hold, in a fixed order (the source vocabulary). */
export const SOURCE_CHARS: readonly string[] = (() => {
  const chars = new Set('0123456789 ,./'.split(''));
  for (const lang of LANGUAGES)
    for (const name of [...MONTHS[lang], 'le de']) for (const c of name) chars.add(c);
  return [...chars].sort();
})();
