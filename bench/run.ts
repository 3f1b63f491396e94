// npm run bench [-- --quick] [--only G,W5a] [--json FILE]: every workload of ../shared/BENCHMARKS.md we have.

import { parseArgs } from 'node:util';
import { benchGemm } from './gemm.ts';
import { benchBatchedInference, benchStreaming } from './inference.ts';
import { formatTable, writeJson } from './report.ts';
import type { BenchOptions, BenchResult } from './types.ts';

type Suite = (options: BenchOptions) => Promise<BenchResult[]>;

/** Suites by the workload-id prefix that --only selects. */
const SUITES: Record<string, Suite> = {
  G: (options) => benchGemm(options),
  W5a: benchStreaming,
  W5b: benchBatchedInference,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});

const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((id) => !(id in SUITES)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: unknown workload ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const [id, suite] of Object.entries(SUITES)) {
  if (only && !only.includes(id)) continue;
  console.error(`bench: running ${id}${values.quick ? ' (quick)' : ''}…`);
  results.push(...(await suite({ quick: values.quick })));
}
console.log(formatTable(results));
if (values.json) {
  await writeJson(values.json, results);
  console.error(`bench: wrote ${values.json}`);
}
