// The seeded PRNG: reproducible, well spread, and resumable from its state.

import { describe, expect, it } from 'vitest';
import { Random } from '../bindings/random.ts';

describe('Random', () => {
  it('gives the same stream for the same seed and different streams for neighbouring seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    const sb = Array.from({ length: 100 }, () => b.nextUint32());
    const sc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa.filter((v, i) => v === sc[i]).length).toBe(0);
  });

  it('draws uniform and normal values with the right moments', () => {
    const r = new Random(7);
    const n = 200_000;
    let sum = 0;
    let sumsq = 0;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      if (u < 0.25) below++;
      const z = r.normal();
      sum += z;
      sumsq += z * z;
    }
    expect(below / n).toBeCloseTo(0.25, 2);
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sumsq / n).toBeCloseTo(1, 1);
  });

  it('shuffles into a permutation and covers every index', () => {
    const r = new Random(3);
    const items = Array.from({ length: 50 }, (_, i) => i);
    r.shuffle(items);
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('resumes exactly from a saved state, including a pending normal draw', () => {
    const r = new Random(11);
    r.normal();
    const state = r.getState();
    const want = [r.normal(), r.next(), r.normal()];
    const s = new Random(0);
    s.setState(state);
    expect([s.normal(), s.next(), s.normal()]).toEqual(want);
  });
});
