// npm run fuzz [-- --target all|layer|model|checkpoint|text|classifier|seq2seq|forecaster --count N --seed S --start I
// --case I]: the full fuzz of the model-file loaders (issues 8 and 17): loadLayer over layer files, loadModel
// over SequenceModel files, resumeTrainer over checkpoints, TextModel.load, SequenceClassifier.load and
// loadAnyModel over their files, Forecaster.load over forecaster files — N cases each (default 10,000). Prints the figures and every failing case;
// exits 1 if any case failed. CI runs a short version of the same corpora (test/fuzz-model-file.test.ts).

import { parseArgs } from 'node:util';
import { init } from '../../bindings/index.node.ts';
import { FUZZ_SEED, fuzzCase } from './corpus.ts';
import { quantile, runFuzz } from './harness.ts';
import { FUZZ_TARGETS } from './targets.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(FUZZ_SEED) },
    start: { type: 'string', default: '0' },
    case: { type: 'string' },
    target: { type: 'string', default: 'all' },
  },
});
const names = values.target === 'all' ? Object.keys(FUZZ_TARGETS) : [values.target as string];
const unknown = names.find((n) => !Object.hasOwn(FUZZ_TARGETS, n));
if (unknown !== undefined) {
  console.error(
    `fuzz: --target must be all or one of ${Object.keys(FUZZ_TARGETS).join(', ')} but got ${unknown}`,
  );
  process.exit(2);
}
const seed = Number(values.seed);
const [start, count] =
  values.case !== undefined ? [Number(values.case), 1] : [Number(values.start), Number(values.count)];
const runtimes = [await init({ backend: 'ts' }), await init({ backend: 'wasm-simd' })];
const baseRuntime = await init({ backend: 'ts' });
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
let failed = 0;
for (const name of names) {
  const { source, target, expected } = await FUZZ_TARGETS[name](runtimes, baseRuntime);
  if (values.case !== undefined)
    console.log(`case ${start}: ${fuzzCase(seed, start, source).steps.join(' → ')}`);
  const t0 = performance.now();
  const report = runFuzz<unknown>({
    target,
    source,
    seed,
    count,
    start,
    expected,
    progress: {
      every: 1000,
      call: (done, r) =>
        console.log(`  ${done} files, ${r.failures.length} failures, rss ${mb(process.memoryUsage().rss)}`),
    },
  });
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `\n${target.name} fuzz over ${source.name}, seed ${seed}, cases ${start}..${start + count - 1}, ${wall.toFixed(1)} s`,
  );
  console.log(`files: ${report.files} (valid ${report.valid}; refused ${JSON.stringify(report.errors)})`);
  console.log(
    `per-file time: max ${report.maxMs.toFixed(1)} ms (case ${report.slowest}), p99 ${quantile(report.times, 0.99).toFixed(2)} ms, median ${quantile(report.times, 0.5).toFixed(3)} ms`,
  );
  console.log(
    `largest file ${mb(report.maxFileBytes)}; linear memory held by a valid load ≤ ${report.maxMemoryRatio.toFixed(2)}× its file`,
  );
  console.log(
    `linear memory ${mb(report.linearStart)} → ${mb(report.linearEnd)}; largest JS heap+buffers growth across one load ${mb(report.maxJsDelta)}`,
  );
  const families = Object.entries(report.families).sort(([a], [b]) => a.localeCompare(b));
  console.log(`mutation families: ${families.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  for (const f of report.failures.slice(0, 50))
    console.log(`FAIL case ${f.index} [${f.steps.join(' → ')}]: ${f.problem.slice(0, 300)}`);
  console.log(`${report.failures.length} failures`);
  failed += report.failures.length;
}
console.log(
  `\npeak RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)}; ${failed} failures in all`,
);
process.exit(failed === 0 ? 0 : 1);
