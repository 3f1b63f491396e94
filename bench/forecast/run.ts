// npm run bench:forecast [-- --quick] [--only air_passengers,lynx] [--seeds 3] [--json FILE]: the forecasting
// yardstick. Each of the 13 development series is fitted on its first o rows (anchors.R's split) once per seed
// and scored against R's anchors (data/series/anchors.csv); then interval coverage, imputation, and the
// several-column runs. A benchmark, not a test: it prints the figures and which targets they meet.

import { parseArgs } from 'node:util';
import { init } from 'wasm-rnn';
import { checkSplit, readAnchors } from './anchors.ts';
import { compare } from './compare.ts';
import { euStocks, type MultiRun, seatbelts } from './covariates.ts';
import { fitSeed } from './fit-seed.ts';
import { type ImputeScores, imputeSeries } from './impute.ts';
import { provenance, writeJson } from './report-json.ts';
import { formatCoverage, formatImputation, formatMulti } from './sections.ts';
import { DATA_DIR, loadSeries, SERIES } from './series.ts';
import { summarise } from './summarise.ts';
import { formatFooter, formatMain } from './table.ts';
import { checkTargets } from './targets.ts';
import type { SeedResult, SeriesResult } from './types.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});

const meta = provenance();
const only = values.only?.split(',').map((s) => s.trim());
const nSeeds = values.quick ? 1 : Number(values.seeds);
if (!Number.isInteger(nSeeds) || nSeeds < 1)
  throw new Error(`--seeds must be an integer ≥ 1, got ${values.seeds}`);
const seeds = Array.from({ length: nSeeds }, (_, i) => i);
/** --quick leaves out the two long series (treering 7980 rows, eu_stock_markets 1860). */
const LONG = ['treering', 'eu_stock_markets'];
const configs = SERIES.filter((c) =>
  only ? only.includes(c.name) : !(values.quick && LONG.includes(c.name)),
);
const unknown = only?.filter((n) => n !== 'seatbelts' && !SERIES.some((c) => c.name === n)) ?? [];
if (unknown.length) throw new Error(`--only: unknown series ${unknown.join(', ')}`);

const log = (s: string) => process.stderr.write(`${s}\n`);
const rt = await init({ backend: 'wasm-simd' });
const anchors = readAnchors(`${DATA_DIR}anchors.csv`);
const results: SeriesResult[] = [];
const imputation: { name: string; scores: ImputeScores[] }[] = [];

for (const cfg of configs) {
  const s = loadSeries(cfg);
  checkSplit(s, anchors.get(cfg.name));
  const perSeed: SeedResult[] = [];
  for (const seed of seeds) {
    const { result, forecaster } = await fitSeed(rt, s, seed);
    perSeed.push(result);
    log(
      `${cfg.name} seed ${seed}: fit ${result.fitSeconds.toFixed(1)} s, rolling ${result.rolling.toPrecision(4)}, one-step ${result.oneStep.toPrecision(4)}`,
    );
    if (seed === seeds[0]) imputation.push({ name: cfg.name, scores: imputeSeries(forecaster, s, seed) });
    forecaster.dispose();
  }
  results.push(summarise(s, perSeed));
}

const multi: MultiRun[] = [];
if (!only || only.includes('seatbelts')) multi.push(await seatbelts(rt, seeds));
if (configs.some((c) => c.name === 'eu_stock_markets')) multi.push(await euStocks(rt, seeds));
for (const run of multi)
  log(`${run.name}: ${run.scores.map((s) => `${s.column} ${s.ours.toPrecision(4)}`).join(', ')}`);

const rows = results.map((r) => compare(r, anchors.get(r.name)!));
const checks = checkTargets(rows, imputation);
const partial = rows.length < SERIES.length ? ` (partial run: ${rows.length}/${SERIES.length} series)` : '';
console.log(`## Forecasting yardstick: rolling MAE, ${seeds.length} seed(s)${partial}\n`);
console.log(formatMain(rows));
console.log(`\n${formatFooter(checks)}\n`);
console.log(`${formatCoverage(rows)}\n`);
console.log(`${formatImputation(imputation)}\n`);
if (multi.length) console.log(`${formatMulti(multi)}\n`);

if (values.json) {
  const ratios = rows.map((c) => ({ name: c.r.name, rolling: c.ratioRolling, oneStep: c.ratioOneStep }));
  await writeJson(values.json, {
    ...meta,
    seeds,
    series: results,
    anchors: Object.fromEntries(anchors),
    ratios,
    targets: checks,
    imputation,
    multi,
  });
  log(`wrote ${values.json}`);
}
