// npm run bench:sentiment [-- --seeds 10] [--steps 100,300] [--variants written,after,before] [--sentences 2]
// [--json FILE]: many-to-one sentiment on the 300 reviews of data/samples/reviews.tsv, SequenceClassifier with
// last-state pooling against attention pooling at the same sizes and steps, over several seeds, scored on the
// fixed 60 held-out reviews. Variants: the reviews as written (~8 words); with neutral sentences after each
// (neutral-story.ts), the sentiment far from the last state; with them before each, the control. Prints a
// Markdown table and writes every per-seed figure to JSON. A benchmark, not a test: the bar is in
// test/tasks-sentiment.test.ts.

import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { init } from 'wasm-rnn';
import { sentimentArgs } from './args.ts';
import { fitPooling, type PoolingRun, SENTIMENT_NETWORK } from './fit-pooling.ts';
import { loadReviewSplit } from './review-set.ts';
import { type BudgetSummary, formatTable, summarise } from './summary.ts';

const args = sentimentArgs(process.argv.slice(2));
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const meta = {
  date: new Date().toISOString(),
  machine: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  commit,
  backend: 'wasm-simd',
  command: `npm run bench:sentiment -- ${process.argv.slice(2).join(' ')}`.trim(),
  network: { cell: 'lstm', vocabSize: 1024, ...SENTIMENT_NETWORK },
};

const rt = await init({ backend: 'wasm-simd' });
const reviews = loadReviewSplit();
const runs: (PoolingRun & { variant: string })[] = [];
const summaries: BudgetSummary[] = [];
for (const variant of args.variants) {
  const split = variant.split(reviews);
  for (const steps of args.budgets) {
    const group: PoolingRun[] = [];
    for (let seed = 0; seed < args.seeds; seed++)
      for (const pooling of ['last', 'attention'] as const) {
        const { run, classifier } = await fitPooling(rt, split, pooling, seed, steps);
        classifier.dispose();
        group.push(run);
        runs.push({ ...run, variant: variant.name });
        process.stderr.write(
          `${variant.name}, ${steps} steps, seed ${seed}, ${pooling}: held-out ${(100 * run.heldOutAccuracy).toFixed(1)} %, ${run.fitSeconds.toFixed(2)} s\n`,
        );
      }
    summaries.push(summarise(group, variant.name, steps));
  }
}

process.stdout.write(`${formatTable(summaries, args.seeds)}\n`);
if (args.json) {
  mkdirSync(dirname(args.json), { recursive: true });
  const tmp = `${args.json}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...meta, summaries, runs }, null, 2)}\n`);
  renameSync(tmp, args.json);
}
