// npm run bench [-- --quick] [--only G,W1,W5a] [--json FILE] [--clock wall|cpu] [--threads 1,2]: every workload of
// ../shared/BENCHMARKS.md, for our systems and the TF.js peers, in this one process, and the SIMD128 ceiling.
// Rows on more than one thread (--threads) are timed by the wall clock whatever --clock says.

import { parseArgs } from 'node:util';
import { benchCeiling } from './ceiling.ts';
import { benchGemm } from './gemm.ts';
import { benchBatchedInference, benchStreaming } from './inference.ts';
import { type Clock, setClock } from './measure.ts';
import { formatMemory, formatPaired, formatTable, writeJson } from './report.ts';
import { formatTargets } from './targets.ts';
import { benchTraining } from './train.ts';
import type { BenchOptions, BenchResult, MemoryResult, PairedResult } from './types.ts';

type Suite = (options: BenchOptions) => Promise<BenchResult[]>;

/** Suites by the workload id that --only selects. */
const SUITES: Record<string, Suite> = {
  ceiling: benchCeiling,
  G: (options) => benchGemm(options),
  W1: (options) => benchTraining('W1', options),
  W2: (options) => benchTraining('W2', options),
  W3: (options) => benchTraining('W3', options),
  W4: (options) => benchTraining('W4', options),
  W5a: benchStreaming,
  W5b: benchBatchedInference,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
    clock: { type: 'string', default: 'wall' },
    threads: { type: 'string', default: '1' },
  },
});

const threads = values.threads.split(',').map(Number);
if (threads.some((t) => !Number.isInteger(t) || t < 1)) {
  console.error(`bench: --threads must be positive integers (1,2) but got ${values.threads}`);
  process.exit(2);
}

if (values.clock !== 'wall' && values.clock !== 'cpu') {
  console.error(`bench: --clock must be wall or cpu but got ${values.clock}`);
  process.exit(2);
}
setClock(values.clock as Clock);

const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((id) => !(id in SUITES)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: unknown workload ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
const memory: MemoryResult[] = [];
const paired: PairedResult[] = [];
const started = performance.now();
for (const [id, suite] of Object.entries(SUITES)) {
  if (only && !only.includes(id)) continue;
  console.error(`bench: running ${id}${values.quick ? ' (quick)' : ''}…`);
  results.push(...(await suite({ quick: values.quick, memory, threads, paired })));
}
console.log(formatTable(results));
if (memory.length > 0) console.log(`\n${formatMemory(memory)}`);
if (paired.length > 0) console.log(`\n${formatPaired(paired)}`);
console.log(`\n${formatTargets(results, paired)}`);
console.error(`bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (values.json) {
  await writeJson(values.json, results, memory, paired);
  console.error(`bench: wrote ${values.json}`);
}
