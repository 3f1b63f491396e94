// npm run crash [-- --trials 50 --seed 1 --json FILE]: the crash trials of issue 8, item 4 (see trials.ts).
// Prints one line per trial and the figures; exits 1 if any checkpoint failed to load, differed from the
// uninterrupted run, or did not resume bit-identically.

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { STEPS } from './training.ts';
import { runCrashTrials, summarize } from './trials.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const trials = Number(values.trials);
if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be an integer ≥ 1`);

const yes = (b: boolean) => (b ? 'yes' : 'NO');
console.log(
  'trial    kill  kill ms  reported  on disk  temp left  torn  loaded  same bytes  resumed identical',
);
const started = performance.now();
const report = await runCrashTrials({
  trials,
  seed: Number(values.seed),
  onTrial: (t) =>
    console.log(
      [
        String(t.index).padStart(5),
        t.kind.padStart(7),
        t.killMs.toFixed(1).padStart(8),
        String(t.saved).padStart(9),
        String(t.checkpointStep ?? (t.onDisk ? '?' : '-')).padStart(8),
        (t.duringWrite ? 'yes' : 'no').padStart(10),
        (t.torn ? 'yes' : 'no').padStart(5),
        (t.onDisk ? yes(t.loaded) : '-').padStart(7),
        (t.onDisk ? yes(t.fileIdentical) : '-').padStart(11),
        (t.onDisk ? yes(t.resumedIdentical) : '-').padStart(18),
        t.error ? `  ${t.error}` : '',
      ].join(' '),
    ),
});
const s = summarize(report);
console.log(
  `\nuninterrupted child: ${STEPS} steps, a ${report.checkpointBytes}-byte checkpoint after each, in ${report.childMs.toFixed(0)} ms; last checkpoint identical to the in-process run: ${report.childIdentical}`,
);
console.log(
  `${s.trials} trials in ${((performance.now() - started) / 1000).toFixed(0)} s: ${s.killed} killed (SIGKILL), ${s.trials - s.killed} finished first; ${s.kinds.any} kills at any moment, ${s.kinds.aimed} aimed at a write from the parent, ${s.kinds.inside} from the child inside a write; kill moments ${s.killMs.min.toFixed(0)}–${s.killMs.max.toFixed(0)} ms after ready (median ${s.killMs.median.toFixed(0)})`,
);
console.log(
  `kills inside writeFileAtomic: ${s.duringWrite + s.newerThanReported} — ${s.duringWrite} before its rename (a temporary file left; ${s.torn} of them shorter than a checkpoint), ${s.newerThanReported} after the rename but before it returned (the file one step newer than the child reported)`,
);
console.log(
  `a checkpoint under its name: ${s.withCheckpoint} (none written yet: ${s.trials - s.withCheckpoint}); loaded: ${s.loaded}; byte-identical to the uninterrupted run's: ${s.fileIdentical}; resumed bit-identically to the end: ${s.resumedIdentical}`,
);
console.log(`failures: ${s.failures.length}`);
if (values.json) await writeFile(values.json, JSON.stringify({ report, summary: s }, null, 1));
process.exit(s.failures.length === 0 && report.childIdentical ? 0 : 1);
