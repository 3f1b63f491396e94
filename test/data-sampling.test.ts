// Token sampling: the distribution after temperature / top-k / top-p against a direct float64 computation,
// draws whose frequencies match it, greedy decoding, seeded reproducibility, and typed errors.

import { describe, expect, it } from 'vitest';
import { argMax, sampleToken, samplingDistribution } from '../bindings/data/sampling.ts';
import { ShapeError, ValueError } from '../bindings/errors.ts';
import { Random } from '../bindings/random.ts';

const logits = [2.0, -1.0, 0.5, 3.0, 0.5, -4.0];

function softmax(values: number[], temperature: number): number[] {
  const e = values.map((v) => Math.exp(v / temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('samplingDistribution', () => {
  it('is the softmax of logits / temperature when nothing is cut', () => {
    for (const temperature of [0.5, 1, 2]) {
      const got = samplingDistribution(logits, { temperature });
      const want = softmax(logits, temperature);
      for (let i = 0; i < logits.length; i++) expect(got[i]).toBeCloseTo(want[i], 12);
    }
  });

  it('top-k keeps the k largest and renormalises', () => {
    const got = samplingDistribution(logits, { topK: 2 });
    const e3 = Math.exp(3);
    const e2 = Math.exp(2);
    for (const i of [1, 2, 4, 5]) expect(got[i]).toBe(0);
    expect(got[3]).toBeCloseTo(e3 / (e2 + e3), 12);
    expect(got[0]).toBeCloseTo(e2 / (e2 + e3), 12);
  });

  it('top-p keeps the smallest most-likely set whose mass reaches p', () => {
    const p = softmax(logits, 1);
    // Sorted: 3 (≈0.63), 0 (≈0.23), then the two 0.5s. p = 0.8 needs tokens 3 and 0.
    const got = samplingDistribution(logits, { topP: 0.8 });
    expect(p[3] + p[0]).toBeGreaterThan(0.8);
    expect(p[3]).toBeLessThan(0.8);
    expect(got.filter((v) => v > 0).length).toBe(2);
    expect(got[3] + got[0]).toBeCloseTo(1, 12);
    // A tiny p still keeps the most likely token.
    expect([...samplingDistribution(logits, { topP: 1e-9 })]).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('temperature 0 is greedy decoding', () => {
    expect([...samplingDistribution(logits, { temperature: 0 })]).toEqual([0, 0, 0, 1, 0, 0]);
    expect(argMax([1, 5, 5, 2])).toBe(1);
  });
});

describe('sampleToken', () => {
  it('draws with the frequencies of the distribution and never a cut token', () => {
    const rng = new Random(42);
    const counts = new Array(logits.length).fill(0);
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, rng, { topK: 4 })]++;
    const want = samplingDistribution(logits, { topK: 4 });
    for (let i = 0; i < logits.length; i++) {
      if (want[i] === 0) expect(counts[i]).toBe(0);
      // 5 standard deviations of a binomial count.
      else
        expect(Math.abs(counts[i] / n - want[i])).toBeLessThan(5 * Math.sqrt((want[i] * (1 - want[i])) / n));
    }
  });

  it('gives the same tokens for the same seed', () => {
    const draw = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 50 }, () => sampleToken(logits, rng, { temperature: 1.3 }));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('refuses bad options and logits with typed errors naming them', () => {
    const rng = new Random(1);
    expect(() => sampleToken(logits, rng, { temperature: -1 })).toThrow(ValueError);
    expect(() => sampleToken(logits, rng, { temperature: -1 })).toThrow(/temperature/);
    expect(() => sampleToken(logits, rng, { topK: 1.5 })).toThrow(/topK/);
    expect(() => sampleToken(logits, rng, { topP: 0 })).toThrow(/topP/);
    expect(() => sampleToken(logits, rng, { topP: Number.NaN })).toThrow(/topP/);
    expect(() => sampleToken([], rng)).toThrow(ShapeError);
    expect(() => sampleToken([1, Number.NaN], rng)).toThrow(/logits\[1\]/);
    expect(() => sampleToken('abc' as never, rng)).toThrow(ShapeError);
  });
});
