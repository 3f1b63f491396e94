// Checks of options arguments shared by every part of the library (layers, training, data): an options object
// that is missing, null or not an object is refused by name before any of its fields is read.

import { describe, ValueError } from './errors.ts';

/** `value` as an options object; undefined becomes {} unless the options are required. */
export function optionsObject<T extends object>(name: string, value: T | undefined, required = false): T {
  if (value === undefined && !required) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${name} must be an options object but got ${describe(value)}`);
  }
  return value;
}

/** A boolean option; undefined takes the default. */
export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new ValueError(`${name} must be a boolean but got ${describe(value)}`);
  return value;
}
