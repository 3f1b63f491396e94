// The library's one seeded PRNG: initialisation, dropout, shuffling and sampling all draw from it, so the same
// seed gives the same numbers in every JS engine. sfc32 (Chris Doty-Humphrey's small fast counter generator):
// 128-bit state, passes PractRand to large sizes, only 32-bit integer operations (exact everywhere).

import { describe, ShapeError, ValueError } from './errors.ts';
import { integer } from './validate.ts';

const finite = (name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError(`${name} must be a finite number but got ${describe(v)}`);
  }
  return v;
};

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare: number | undefined;

  constructor(seed: number) {
    integer('seed', seed);
    // Seeds are spread over the state with splitmix32 so that nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [0, n), n a positive integer up to 2^32. */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32)) {
      throw new ValueError(`n must be an integer in [1, 2^32] but got ${describe(n)}`);
    }
    return Math.floor(this.next() * n);
  }

  /**
   * Standard normal by the Marsaglia polar method: only +, ×, √ and log of a value in (0, 1);
   * Math.log is not guaranteed identical across engines, so callers needing cross-engine bit-identity
   * should prefer uniform draws (PyTorch's default recurrent init is uniform).
   */
  normal(mean = 0, std = 1): number {
    if (mean !== 0 || std !== 1) [mean, std] = [finite('mean', mean), finite('std', std)];
    if (this.#spare !== undefined) {
      const v = this.#spare;
      this.#spare = undefined;
      return mean + std * v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * f;
    return mean + std * u * f;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[] | Int32Array): void {
    if (!Array.isArray(items) && !(items instanceof Int32Array)) {
      throw new ShapeError(`items must be an array or an Int32Array but got ${describe(items)}`);
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
  }

  /** Fills `out` with uniform values in [lo, hi). */
  fillUniform(out: Float32Array, lo: number, hi: number): Float32Array {
    if (!(out instanceof Float32Array))
      throw new ShapeError(`out must be a Float32Array but got ${describe(out)}`);
    finite('lo', lo);
    finite('hi', hi);
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /** The full state, to checkpoint and resume a stream exactly. */
  getState(): number[] {
    const words = [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
    return this.#spare === undefined ? words : [...words, this.#spare];
  }

  /** Restores a state from getState(); refuses anything else whole, leaving the stream unchanged. */
  setState(state: readonly number[]): void {
    const words = Array.isArray(state) && (state.length === 4 || state.length === 5);
    if (!words || !state.slice(0, 4).every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new ValueError(
        `state must be getState()'s [a, b, c, d] (uint32 words, optional spare) but got ${describe(state)}`,
      );
    }
    if (state.length === 5) finite('state[4] (the spare normal)', state[4]);
    [this.#a, this.#b, this.#c, this.#d] = state.slice(0, 4).map((v) => v | 0);
    this.#spare = state[4];
  }
}
