// The forecasting targets, each judged on this run's figures. A run over fewer than the 13 series (--only,
// --quick) scales the "n of 13" thresholds to the series it ran, and says so.

import { type Comparison, geomean } from './compare.ts';
import type { ImputeScores } from './impute.ts';
import { pool } from './intervals.ts';

export interface TargetCheck {
  target: string;
  value: string;
  pass: boolean;
}

const ALL = 13;
const pct = (inside: number, total: number) => (100 * inside) / total;

/** "≥ 10 of 13", scaled to n series. */
const atLeast = (of13: number, n: number) => Math.ceil((of13 * n) / ALL);

export function checkTargets(
  rows: Comparison[],
  imputation: { name: string; scores: ImputeScores[] }[],
): TargetCheck[] {
  const n = rows.length;
  const checks: TargetCheck[] = [];
  const add = (target: string, value: string, pass: boolean) => checks.push({ target, value, pass });
  const gr = geomean(rows.map((c) => c.ratioRolling));
  const g1 = geomean(rows.map((c) => c.ratioOneStep));
  add('geomean ours ÷ best anchor, rolling ≤ 1.00', gr.toFixed(3), gr <= 1);
  add('geomean ours ÷ best anchor, one-step ≤ 1.00', g1.toFixed(3), g1 <= 1);
  const need = atLeast(10, n);
  const arima = rows.filter((c) => c.beatsArima).length;
  const ets = rows.filter((c) => c.beatsEts).length;
  add(`rolling ≤ auto.arima on ≥ ${need}/${n}`, `${arima}/${n}`, arima >= need);
  add(`rolling ≤ ets on ≥ ${need}/${n}`, `${ets}/${n}`, ets >= need);
  const worse = rows.filter((c) => c.worseThanFloor);
  const names = worse.map((c) => c.r.name).join(', ');
  add(
    'never worse than snaive (naive when m = 1)',
    `${worse.length} worse${names ? `: ${names}` : ''}`,
    !worse.length,
  );
  const small = rows.filter((c) => c.r.N <= 500);
  if (small.length) {
    const slow = Math.max(...small.map((c) => c.r.fitSecondsMax));
    add('fit ≤ 10 s for ≤ 500 points (slowest seed)', `${slow.toFixed(1)} s`, slow <= 10);
  }
  const tree = rows.find((c) => c.r.name === 'treering');
  if (tree)
    add(
      'fit ≤ 60 s for treering (slowest seed)',
      `${tree.r.fitSecondsMax.toFixed(1)} s`,
      tree.r.fitSecondsMax <= 60,
    );
  const cover = pool(rows.flatMap((c) => c.r.seeds.map((s) => s.coverage)));
  const failed = rows.filter((c) => c.r.seeds.some((s) => s.coverageError)).map((c) => c.r.name);
  const errors = failed.length ? `; errors on ${failed.join(', ')}` : '';
  if (!cover) add('interval coverage 80 % → 75–85 %, 95 % → 91–98 %', `no intervals${errors}`, false);
  for (const c of cover ?? []) {
    const [lo, hi] = c.level === 80 ? [75, 85] : [91, 98];
    const p = pct(c.inside, c.total);
    const pass = p >= lo && p <= hi && !failed.length;
    add(`${c.level} % intervals cover ${lo}–${hi} % (pooled)`, `${p.toFixed(1)} %${errors}`, pass);
  }
  for (const mask of ['random10', 'seasonGap'] as const) {
    const scored = imputation.map((i) => i.scores.find((s) => s.mask === mask)!);
    const k = imputation.length;
    const target = `imputation (${mask}) ours < linear on ≥ ${atLeast(10, k)}/${k}`;
    if (scored.every((s) => s.ours === undefined && !s.error)) {
      add(target, 'no impute() yet', false);
      continue;
    }
    const errors = scored.filter((s) => s.error).length;
    const wins = scored.filter((s) => s.ours !== undefined && s.ours < s.linear).length;
    add(target, `${wins}/${k}${errors ? ` (${errors} errors)` : ''}`, wins >= atLeast(10, k));
  }
  return checks;
}
