// Mean ± sample standard deviation over seeds, per pooling, for one task variant and step budget, and the paired
// difference (attention − last on the same seed: both start from the same shuffling, so pairing removes some
// seed noise).

import type { PoolingRun } from './fit-pooling.ts';

export interface Spread {
  mean: number;
  sd: number;
}

export interface BudgetSummary {
  /** Which reviews: 'as written', or with a neutral story after or before each (run.ts names them). */
  variant: string;
  steps: number;
  last: { heldOut: Spread; fitSeconds: Spread };
  attention: { heldOut: Spread; fitSeconds: Spread };
  /** attention − last held-out accuracy, paired by seed. */
  gap: Spread;
}

export function spread(xs: readonly number[]): Spread {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/** `runs` of one variant and budget, both poolings, the same seeds. */
export function summarise(runs: readonly PoolingRun[], variant: string, steps: number): BudgetSummary {
  const of = (pooling: PoolingRun['pooling']) =>
    runs.filter((r) => r.pooling === pooling).sort((a, b) => a.seed - b.seed);
  const last = of('last');
  const attention = of('attention');
  const side = (rs: PoolingRun[]) => ({
    heldOut: spread(rs.map((r) => r.heldOutAccuracy)),
    fitSeconds: spread(rs.map((r) => r.fitSeconds)),
  });
  return {
    variant,
    steps,
    last: side(last),
    attention: side(attention),
    gap: spread(attention.map((a, i) => a.heldOutAccuracy - last[i].heldOutAccuracy)),
  };
}

const pct = (s: Spread) => `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)} %`;
const secs = (s: Spread) => `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)} s`;

/** A Markdown table: one row per variant and step budget. */
export function formatTable(rows: readonly BudgetSummary[], seeds: number): string {
  return [
    `| reviews | steps | last state: held-out acc. | attention: held-out acc. | attention − last (paired) | fit time last / attention |`,
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${r.steps} | ${pct(r.last.heldOut)} | ${pct(r.attention.heldOut)} | ${(100 * r.gap.mean).toFixed(1)} ± ${(100 * r.gap.sd).toFixed(1)} pts | ${secs(r.last.fitSeconds)} / ${secs(r.attention.fitSeconds)} |`,
    ),
    `(mean ± sd over ${seeds} seeds; 240 training and 60 held-out reviews)`,
  ].join('\n');
}
