// Parsers for flag values: a bad value fails while the command line is read (commander prints one line and
// nothing runs), with a message that says what the flag takes.

import { InvalidArgumentError } from 'commander';

export function wholeNumber(min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    }
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be a number > 0');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) throw new InvalidArgumentError('must be a number in (0, 1]');
  return n;
}

export function oneOf<T extends string>(...choices: T[]): (value: string) => T {
  return (value) => {
    if (!(choices as string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** How a written model file stores its weights (the library's saveModel dtype). */
export const DTYPES = ['f32', 'f16', 'bf16', 'int8'] as const;
export type DtypeChoice = (typeof DTYPES)[number];
export const DTYPE_HELP =
  'how --out stores the weights: f32 (exact), f16 or bf16 (half the bytes), int8 (about a quarter); loading gives f32';

export const BACKENDS = ['auto', 'wasm-relaxed', 'wasm-simd', 'ts'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
