// The one place arguments are checked, for every part of the library (layers, training, data, tasks, the CLI):
// one message per kind of mistake, naming the argument, what was expected and what came. An options object
// that is missing, null or not an object is refused by name before any of its fields is read, and so is a key
// the options do not know — JavaScript callers get no compiler to catch `{ hiddenSzie: 8 }`, which would
// otherwise be ignored and leave the default in place without a word.

import { describe, ValueError } from './errors.ts';

/**
 * `value` as an options object; undefined becomes {} unless the options are required. With `known`, every own
 * key must be one of them (a near miss is named: "did you mean hiddenSize?").
 */
export function optionsObject<T extends object>(
  name: string,
  value: T | undefined,
  required = false,
  known?: readonly string[],
): T {
  if (value === undefined && !required) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${name} must be an options object but got ${describe(value)}`);
  }
  if (known) knownKeys(name, value, known);
  return value;
}

/** Refuses the first own key of `value` that is not in `known`, suggesting the nearest known key. */
export function knownKeys(name: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    const hint = near === undefined ? `; it takes ${known.join(', ')}` : `; did you mean ${near}?`;
    throw new ValueError(`${name}: unknown option ${describe(key)}${hint}`);
  }
}

/** The known key within edit distance 2 (1 for short keys) of `key`, ignoring case; the closest wins. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance && d <= (Math.min(key.length, k.length) <= 4 ? 1 : 2)) {
      [best, bestDistance] = [k, d];
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/** A boolean option; undefined takes the default. */
export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new ValueError(`${name} must be a boolean but got ${describe(value)}`);
  return value;
}

/** An integer of any sign (seeds, ids that may be negative). */
export function integer(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValueError(`${name} must be an integer but got ${describe(value)}`);
  }
  return value;
}

/** An integer > 0 (sizes, counts, steps). */
export function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValueError(`${name} must be an integer > 0 but got ${describe(value)}`);
  }
  return value;
}

/** An integer ≥ 0 (offsets, counts that may be empty). */
export function nonNegativeInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(`${name} must be an integer ≥ 0 but got ${describe(value)}`);
  }
  return value;
}

export function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${name} must be a finite number but got ${describe(value)}`);
  }
  return value;
}

/** A finite number > 0 (rates, scales, bounds). */
export function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(`${name} must be a finite number > 0 but got ${describe(value)}`);
  }
  return value;
}

export function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${name} must be a finite number ≥ 0 but got ${describe(value)}`);
  }
  return value;
}

/** A number in [0, 1) (betas, momentum, smoothing constants). */
export function unitInterval(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${name} must be in [0, 1) but got ${describe(value)}`);
  }
  return value;
}
