// npm run fuzz:api [-- --trials N --seed S --only NAME]: the API-misuse fuzz over every public surface
// (issue 8, item 2). CI runs a short version (test/api-misuse.test.ts). Exits 1 on any failure.

import { parseArgs } from 'node:util';
import { init } from '../../../bindings/index.node.ts';
import { runMisuse } from './runner.ts';
import { MISUSE_SEED, SURFACES } from './surfaces.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(MISUSE_SEED) },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const surfaces = SURFACES.filter((s) => values.only === undefined || s.name.includes(values.only));
const runtimes = [await init({ backend: 'ts' }), await init({ backend: 'wasm-simd' })];
let last: { name: string; at: number } | undefined;
const t0 = performance.now();
const report = await runMisuse(surfaces, runtimes, {
  seed: Number(values.seed),
  trialsPerSurface: Number(values.trials),
  onSurface: values.verbose
    ? (name) => {
        const now = performance.now();
        if (last) console.log(`  ${last.name}: ${((now - last.at) / 1000).toFixed(2)} s`);
        last = { name, at: now };
      }
    : undefined,
});
const seconds = (performance.now() - t0) / 1000;
console.log(
  `API misuse fuzz, seed ${values.seed}: ${surfaces.length} surfaces × ${values.trials} trials = ${report.trials} calls in ${seconds.toFixed(1)} s`,
);
console.log(
  `accepted ${report.accepted}; refused ${JSON.stringify(report.refused)}; slowest call ${report.maxMs.toFixed(1)} ms`,
);
const seen = new Set<string>();
for (const f of report.failures) {
  const key = `${f.surface}: ${f.problem.replace(/\d+/g, 'N').slice(0, 120)}`;
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(`FAIL ${f.surface} #${f.trial} (${f.args.slice(0, 160)}): ${f.problem.slice(0, 300)}`);
}
console.log(`${report.failures.length} failures (${seen.size} distinct)`);
process.exit(report.failures.length === 0 ? 0 : 1);
