// npm run fuzz [-- --target layer|model --count N --seed S --start I --case I]: the full fuzz of the model-file
// loaders (issue 8, item 1): loadLayer over layer files, loadModel over SequenceModel files. Prints the figures
// and every failing case; exits 1 if any case failed. CI runs a short version of the same corpora
// (test/fuzz-model-file.test.ts).

import { parseArgs } from 'node:util';
import { FormatError } from '../../bindings/errors.ts';
import { init } from '../../bindings/index.node.ts';
import { LAYER_FILES } from './bases.ts';
import { FUZZ_SEED, fuzzCase } from './corpus.ts';
import { type FuzzTarget, quantile, runFuzz } from './harness.ts';
import { modelFiles } from './model-bases.ts';
import { modelFileTarget, modelTarget } from './model-file-target.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(FUZZ_SEED) },
    start: { type: 'string', default: '0' },
    case: { type: 'string' },
    target: { type: 'string', default: 'layer' },
  },
});
if (values.target !== 'layer' && values.target !== 'model') {
  console.error(`fuzz: --target must be layer or model but got ${values.target}`);
  process.exit(2);
}
const seed = Number(values.seed);
const [start, count] =
  values.case !== undefined ? [Number(values.case), 1] : [Number(values.start), Number(values.count)];
const runtimes = [await init({ backend: 'ts' }), await init({ backend: 'wasm-simd' })];
// Model bases are built on a runtime of their own, so the targets' arenas count only what loading holds.
const source = values.target === 'model' ? modelFiles(await init({ backend: 'ts' })) : LAYER_FILES;
const target = values.target === 'model' ? modelTarget(runtimes) : modelFileTarget(runtimes);
if (values.case !== undefined)
  console.log(`case ${start}: ${fuzzCase(seed, start, source).steps.join(' → ')}`);
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
const t0 = performance.now();
const report = runFuzz<unknown>({
  target: target as FuzzTarget<unknown>,
  source,
  seed,
  count,
  start,
  expected: FormatError,
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
console.log(
  `files: ${report.files} (valid models ${report.valid}; refused ${JSON.stringify(report.errors)})`,
);
console.log(
  `per-file time: max ${report.maxMs.toFixed(1)} ms (case ${report.slowest}), p99 ${quantile(report.times, 0.99).toFixed(2)} ms, median ${quantile(report.times, 0.5).toFixed(3)} ms`,
);
console.log(
  `largest file ${mb(report.maxFileBytes)}; linear memory held by a valid load ≤ ${report.maxMemoryRatio.toFixed(2)}× its file`,
);
console.log(
  `linear memory ${mb(report.linearStart)} → ${mb(report.linearEnd)}; largest JS heap+buffers growth across one load ${mb(report.maxJsDelta)}`,
);
console.log(`peak RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)}`);
const families = Object.entries(report.families).sort(([a], [b]) => a.localeCompare(b));
console.log(`mutation families: ${families.map(([f, n]) => `${f} ${n}`).join(', ')}`);
for (const f of report.failures.slice(0, 50))
  console.log(`FAIL case ${f.index} [${f.steps.join(' → ')}]: ${f.problem.slice(0, 300)}`);
console.log(`${report.failures.length} failures`);
process.exit(report.failures.length === 0 ? 0 : 1);
