// Text batching and the sampling loop on inputs whose answer is known: a text of consecutive ids shows every
// target is its input one step later, and a "model" that always favours id + 1 shows the loop feeds back draws.

import { describe, expect, it } from 'vitest';
import { DataError } from '../bindings/errors.ts';
import { evaluationBatches, generateIds, RandomWindows } from '../bindings/tasks/text-data.ts';

const counting = Int32Array.from({ length: 500 }, (_, i) => i);

describe('text batches', () => {
  it('cuts random windows whose targets are the inputs one step on, the same for the same seed', () => {
    const a = new RandomWindows(counting, 8, 4, 3);
    const b = new RandomWindows(counting, 8, 4, 3);
    for (let k = 0; k < 5; k++) {
      const x = a.next();
      const y = b.next();
      expect(x.inputs.shape).toEqual([8, 4]);
      expect([...x.inputs.data]).toEqual([...y.inputs.data]);
      for (let i = 0; i < 32; i++) expect(x.targets.data[i]).toBe(x.inputs.data[i] + 1);
      // Time-major: row t + 1 of a column continues row t.
      for (let i = 0; i < 28; i++) expect(x.inputs.data[i + 4]).toBe(x.inputs.data[i] + 1);
    }
    expect(() => new RandomWindows(counting.subarray(0, 8), 8, 4, 0)).toThrow(/needs 9/);
  });

  it('covers a held-out text with non-overlapping windows in order', () => {
    const batches = evaluationBatches(counting.subarray(0, 101), 10, 4);
    expect(batches.map((b) => b.inputs.shape)).toEqual([
      [10, 4],
      [10, 4],
      [10, 2],
    ]);
    const firsts = batches.flatMap((b) =>
      Array.from({ length: b.inputs.shape[1] }, (_, j) => b.inputs.data[j]),
    );
    expect(firsts).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(() => evaluationBatches(counting.subarray(0, 5), 10, 4)).toThrow(DataError);
  });
});

describe('generateIds', () => {
  const V = 7;
  const favourNext = () => {
    const fed: number[] = [];
    const step = (id: number) => {
      fed.push(id);
      return Float32Array.from({ length: V }, (_, k) => (k === (id + 1) % V ? 5 : 0));
    };
    return { fed, step };
  };

  it('feeds the prompt, then its own draws', () => {
    const m = favourNext();
    const out = generateIds(m.step, Int32Array.of(2, 3), { length: 6, temperature: 0 });
    expect([...out]).toEqual([4, 5, 6, 0, 1, 2]);
    expect(m.fed).toEqual([2, 3, 4, 5, 6, 0, 1]);
  });

  it('is seeded, and samples away from the favourite at a high temperature', () => {
    const a = generateIds(favourNext().step, Int32Array.of(0), { length: 200, temperature: 3, seed: 5 });
    const b = generateIds(favourNext().step, Int32Array.of(0), { length: 200, temperature: 3, seed: 5 });
    expect([...a]).toEqual([...b]);
    const surprises = a.filter((id, i) => id !== ((i === 0 ? 0 : a[i - 1]) + 1) % V).length;
    expect(surprises).toBeGreaterThan(20);
    expect(() => generateIds(favourNext().step, new Int32Array(0), {})).toThrow(
      /at least one prompt character/,
    );
  });
});
