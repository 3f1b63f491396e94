// The long run (issue 8, item 3), short version: 139 W3 steps (4 epochs and 3 steps) on wasm-simd, with the ts
// backend alongside for the first 3 and replaying the last 3 from the wasm run's state at step 136; the full
// 100,000-step run is `npm run long-run`. Linear memory and the arena are flat from step 1, the JS heap after gc
// does not grow, and the two backends agree bit for bit wherever they are compared.

import { describe, expect, it } from 'vitest';
import { heapDrift, runLongRun } from '../scripts/long-run/long-run.ts';

describe('long run (short version)', () => {
  it('139 W3 steps: memory flat, backends bit-identical at the start and at the end, loss falls', {
    timeout: 180_000,
  }, async () => {
    const report = await runLongRun({ steps: 139, sampleEvery: 17, lockstepSteps: 3, endSteps: 3 });
    const [first, last] = [report.samples[0], report.samples[report.samples.length - 1]];
    for (const s of report.samples) {
      expect(s.linear, `step ${s.step}`).toEqual(first.linear);
      expect(s.arena, `step ${s.step}`).toEqual(first.arena);
    }
    expect(heapDrift(report.samples, 34).growth).toBeLessThan(2 ** 20);
    expect(report.handoff).toBe(136);
    // Steps 1 and 3 (lockstep from the same seed), and the 3 steps replayed from the wasm state at step 136.
    expect(report.compared).toEqual([1, 3, 137, 138, 139]);
    expect(report.mismatches).toEqual([]);
    expect(last.loss).toBeLessThan(first.loss / 10);
  });
});
