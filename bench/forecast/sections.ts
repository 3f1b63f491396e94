// The smaller printed sections: interval coverage per series, imputation against the baselines, and the
// several-column runs (covariates, several targets).

import type { Comparison } from './compare.ts';
import type { MultiRun } from './covariates.ts';
import type { ImputeScores } from './impute.ts';
import { LEVELS, pool } from './intervals.ts';
import { markdownTable, num, pct } from './markdown.ts';

/** The distinct error messages, one line each, under a table. */
const errorLines = (errors: (string | undefined)[]): string =>
  [...new Set(errors.filter((e) => e !== undefined))].map((e) => `\nerror: ${e}`).join('');

export function formatCoverage(rows: Comparison[]): string {
  const all = pool(rows.flatMap((c) => c.r.seeds.map((s) => s.coverage)));
  const errors = errorLines(rows.flatMap((c) => c.r.seeds.map((s) => s.coverageError)));
  if (!all)
    return `Prediction intervals: none from this Forecaster (forecastFrom ignores { level }).${errors}`;
  const perSeries = rows.map((c) => pool(c.r.seeds.map((s) => s.coverage)));
  const body = rows.map((c, i) => {
    const p = perSeries[i];
    const failed = c.r.seeds.some((s) => s.coverageError);
    const cells = p ? p.map((x) => pct(x.inside, x.total)) : LEVELS.map(() => (failed ? 'error' : '—'));
    return [c.r.name, String(p?.[0].total ?? 0), ...cells];
  });
  const scored = perSeries.filter((p) => p !== undefined);
  const meanOf = (i: number) =>
    `${((100 * scored.reduce((s, p) => s + p[i].inside / p[i].total, 0)) / scored.length).toFixed(1)} %`;
  body.push(['pooled (all values)', String(all[0].total), ...all.map((x) => pct(x.inside, x.total))]);
  body.push(['mean over series', '', ...all.map((_, i) => meanOf(i))]);
  return markdownTable([['coverage', 'values', ...all.map((x) => `${x.level} %`)], ...body]) + errors;
}

export function formatImputation(imputation: { name: string; scores: ImputeScores[] }[]): string {
  const header = [
    'imputation MAE',
    'random 10 %: ours',
    'linear',
    'seasonal',
    'gap: ours',
    'linear',
    'seasonal',
  ];
  const body = imputation.map(({ name, scores }) => [
    name,
    ...scores.flatMap((s) => [s.error ? 'error' : num(s.ours), num(s.linear), num(s.seasonal)]),
  ]);
  const errors = errorLines(imputation.flatMap((i) => i.scores.map((s) => s.error)));
  return markdownTable([header, ...body]) + errors;
}

export function formatMulti(runs: MultiRun[]): string {
  const header = ['several columns', 'column', 'N', 'H', 'ours', 'baseline', 'ours ÷ baseline', 'alone'];
  const body = runs.flatMap((run) =>
    run.scores.map((s) => [
      `${run.name} (${run.columns.length} cols)`,
      s.column,
      String(run.N),
      String(run.H),
      num(s.ours),
      `${num(s.baseline)} (${s.baselineName})`,
      (s.ours / s.baseline).toFixed(2),
      num(s.alone),
    ]),
  );
  return markdownTable([header, ...body]);
}
