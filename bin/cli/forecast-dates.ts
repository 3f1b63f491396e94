// The dates after a series' last row, to label forecast steps: the step is read from the last two dates (a
// weekly file steps 7 days, a file of every other year 2 years), and the labels are printed in the file's own
// format so they read like its time column. A format not known here gives no labels (the caller numbers the
// steps): a wrong date is worse than none.

interface DateFormat {
  pattern: RegExp;
  /** The date as a whole number of its unit (months, quarters, days, years). */
  index(match: RegExpMatchArray): number | undefined;
  /** The date `index` in the format of `like` (a match of the same pattern). */
  print(index: number, like: RegExpMatchArray): string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;

/** Days since 1970-01-01, or undefined when the fields name no real day (2001-02-30). */
function dayIndex(year: number, month: number, day: number): number | undefined {
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return ms / DAY_MS;
}

function printDay(index: number, separator: string): string {
  const d = new Date(index * DAY_MS);
  return [pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1, 2), pad(d.getUTCDate(), 2)].join(separator);
}

// Order matters: YYYYMMDD is also a whole number, and is taken as a date only when it is a real day.
const FORMATS: readonly DateFormat[] = [
  {
    // 2001-01-15, or 20010115 (the bundled CO₂ file): stepped in days.
    pattern: /^(\d{4})(-?)(\d{2})\2(\d{2})$/,
    index: (m) => dayIndex(Number(m[1]), Number(m[3]), Number(m[4])),
    print: (i, like) => printDay(i, like[2]),
  },
  {
    // 1949-01: monthly.
    pattern: /^(\d{4})-(\d{2})$/,
    index: (m) =>
      Number(m[2]) >= 1 && Number(m[2]) <= 12 ? Number(m[1]) * 12 + Number(m[2]) - 1 : undefined,
    print: (i) => `${pad(Math.floor(i / 12), 4)}-${pad((i % 12) + 1, 2)}`,
  },
  {
    // 1960Q1, 1960 Q1, 1960-Q1: quarterly.
    pattern: /^(\d{4})([ -]?)([Qq])([1-4])$/,
    index: (m) => Number(m[1]) * 4 + Number(m[4]) - 1,
    print: (i, like) => `${pad(Math.floor(i / 4), 4)}${like[2]}${like[3]}${(i % 4) + 1}`,
  },
  {
    // 1875 (yearly), and any other whole-number time column (1, 2, 3 …; -6000 …).
    pattern: /^-?\d+$/,
    index: (m) => (Number.isSafeInteger(Number(m[0])) ? Number(m[0]) : undefined),
    print: (i) => String(i),
  },
];

/**
 * ISO days whose last two share the day of the month (2001-01-15, 2001-02-15) step in months, not in the 31
 * days between them (which would drift to 2001-03-18).
 */
function monthlyDays(last: string, previous: string, steps: number): string[] | undefined {
  const m = /^(\d{4})(-?)(\d{2})\2(\d{2})$/;
  const a = m.exec(last);
  const b = m.exec(previous);
  if (!a || !b || a[4] !== b[4] || Number(a[4]) > 28 || a[2] !== b[2]) return undefined;
  const months = (x: RegExpExecArray) => Number(x[1]) * 12 + Number(x[3]) - 1;
  const step = months(a) - months(b);
  if (step <= 0) return undefined;
  return Array.from({ length: steps }, (_, h) => {
    const i = months(a) + step * (h + 1);
    return [pad(Math.floor(i / 12), 4), pad((i % 12) + 1, 2), a[4]].join(a[2]);
  });
}

/**
 * The `steps` dates after the last of `dates`, stepped by the difference of the last two (one unit when there
 * is one date); undefined when the dates are in no known format, or do not increase.
 */
export function nextDates(dates: readonly string[], steps: number): string[] | undefined {
  const last = dates.at(-1)?.trim();
  const previous = dates.length > 1 ? dates.at(-2)?.trim() : undefined;
  if (!last) return undefined;
  if (previous !== undefined) {
    const monthly = monthlyDays(last, previous, steps);
    if (monthly) return monthly;
  }
  for (const format of FORMATS) {
    const a = last.match(format.pattern);
    if (!a) continue;
    const at = format.index(a);
    if (at === undefined) continue;
    let step = 1;
    if (previous !== undefined) {
      const b = previous.match(format.pattern);
      const before = b ? format.index(b) : undefined;
      if (before === undefined) return undefined;
      step = at - before;
    }
    if (step <= 0) return undefined;
    return Array.from({ length: steps }, (_, h) => format.print(at + step * (h + 1), a));
  }
  return undefined;
}
