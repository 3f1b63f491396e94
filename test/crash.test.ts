// Crashes while writing checkpoints (issue 8, item 4), short version: 8 child processes that checkpoint after
// every step are killed with SIGKILL (at any moment of a step, aimed into a write from the parent, or by the child
// itself inside a write); the file under the checkpoint's name always loads, holds the last checkpoint the child reported saved (or the one renamed just
// before the kill), is byte for byte the uninterrupted run's checkpoint of that step, and resumes in a fresh
// runtime bit-identically to the end. The full run (≥ 50 trials, with the figures) is `npm run crash`.

import { describe, expect, it } from 'vitest';
import { STEPS } from '../scripts/crash/training.ts';
import { runCrashTrials, summarize } from '../scripts/crash/trials.ts';

describe('crash-kill recovery (short version)', () => {
  it('8 SIGKILLs while checkpointing: the last complete checkpoint loads and resumes bit-identically', {
    timeout: 120_000,
  }, async () => {
    const report = await runCrashTrials({ trials: 8, seed: 2 });
    const s = summarize(report);
    expect(report.childIdentical).toBe(true);
    expect(s.trials).toBe(8);
    expect(s.failures).toEqual([]);
    for (const t of report.trials) {
      if (!t.onDisk) {
        expect(t.saved).toBe(0);
        continue;
      }
      expect([t.saved, t.saved + 1]).toContain(t.checkpointStep);
      expect(t.checkpointStep).toBeLessThanOrEqual(STEPS);
      expect(t).toMatchObject({ loaded: true, fileIdentical: true, resumedIdentical: true });
    }
    expect(s.withCheckpoint).toBeGreaterThan(0);
    // The child's own kills land inside writes on any machine: after the open, before the rename.
    const inside = report.trials.filter((t) => t.kind === 'inside');
    expect(inside.length).toBe(2);
    for (const t of inside) expect(t).toMatchObject({ finished: false, duringWrite: true });
  });
});
