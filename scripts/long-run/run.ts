// npm run long-run [-- --steps 100000 --sample-every 1000 --lockstep 1000 --end 200 --json FILE]: the long run
// of issue 8, item 3 (W3 on wasm-simd; ts alongside at the start and replaying the end from the wasm state).
// Prints a memory sample per line and the verdicts; exits 1 if the backends differ or memory grew.

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { heapDrift, runLongRun } from './long-run.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100000' },
    'sample-every': { type: 'string' },
    lockstep: { type: 'string', default: '1000' },
    end: { type: 'string', default: '200' },
    seed: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const steps = Number(values.steps);
const sampleEvery = Number(values['sample-every'] ?? Math.max(1, Math.round(steps / 100)));
const mb = (n: number) => (n / 2 ** 20).toFixed(2);
console.log(
  'step     s        loss   simd linear MB  ts linear MB  simd arena MB  ts arena MB  heap MB  rss MB',
);
const report = await runLongRun({
  steps,
  seed: Number(values.seed),
  sampleEvery,
  lockstepSteps: Number(values.lockstep),
  endSteps: Number(values.end),
  onSample: (s) =>
    console.log(
      [
        String(s.step).padEnd(8),
        s.seconds.toFixed(0).padStart(6),
        s.loss.toExponential(3).padStart(11),
        mb(s.linear[0]).padStart(15),
        mb(s.linear[1]).padStart(13),
        mb(s.arena[0]).padStart(14),
        mb(s.arena[1]).padStart(12),
        mb(s.heapAfterGc).padStart(8),
        mb(s.rss).padStart(7),
      ].join(' '),
    ),
});
const first = report.samples[0];
const last = report.samples[report.samples.length - 1];
const linearFlat = report.samples.every(
  (s) => s.linear[0] === first.linear[0] && s.linear[1] === first.linear[1],
);
const arenaFlat = report.samples.every((s) => s.arena[0] === first.arena[0] && s.arena[1] === first.arena[1]);
const heap = heapDrift(report.samples, Math.min(steps, sampleEvery * 5));
console.log(
  `\n${steps} steps in ${(report.seconds / 60).toFixed(1)} min: wasm-simd ${report.simdMsPerStep.toFixed(2)} ms/step, ts ${report.tsMsPerStep.toFixed(2)} ms/step`,
);
console.log(
  `loss ${first.loss.toExponential(3)} (step 1) → ${last.loss.toExponential(3)} (last ${sampleEvery} steps)`,
);
console.log(`linear memory flat from step 1: ${linearFlat}; arena bytes in use flat: ${arenaFlat}`);
console.log(
  `JS heap after gc: growth ${mb(heap.growth)} MB, spread ${mb(heap.spread)} MB from step ${sampleEvery * 5} on`,
);
console.log(
  `backends compared bit for bit at ${report.compared.length} steps (ts from step 1 to ${values.lockstep}, and from the wasm state at step ${report.handoff} to ${steps}): ${report.mismatches.length} differ${report.mismatches.length ? ` (first at ${report.mismatches[0]})` : ''}`,
);
if (values.json) await writeFile(values.json, JSON.stringify(report, null, 1));
const ok = linearFlat && arenaFlat && report.mismatches.length === 0 && heap.growth < 4 * 2 ** 20;
process.exit(ok ? 0 : 1);
