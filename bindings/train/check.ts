// Argument checks for hyperparameters, each naming the argument, what was expected and what came.

import { describe, ValueError } from '../errors.ts';

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

export function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(`${name} must be an integer ≥ 0 but got ${describe(value)}`);
  }
  return value;
}

export function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${name} must be an integer > 0 but got ${describe(value)}`);
  }
  return value;
}
