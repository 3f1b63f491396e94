// The statistical anchors of data/series/anchors.csv (R's forecast package: naive, seasonal naive, AR(L),
// auto.arima, ets), by series and method; and a check that our split reproduces anchors.R's naive figures, so a
// ratio to an anchor never compares different test points.

import { naiveOneStep, seasonalNaiveRolling } from './baselines.ts';
import { readRecords } from './csv.ts';
import type { AnchorName, LoadedSeries, SeriesAnchors } from './types.ts';

const NAMES: Record<string, AnchorName> = {
  naive: 'naive',
  seasonal_naive: 'snaive',
  'auto.arima': 'auto.arima',
  ets: 'ets',
};

/** anchors.csv as series name → anchor → { oneStep, rolling }. */
export function readAnchors(file: string): Map<string, SeriesAnchors> {
  const out = new Map<string, SeriesAnchors>();
  for (const r of readRecords(file)) {
    const name = r.method.startsWith('AR(') ? 'AR' : NAMES[r.method];
    if (!name) throw new Error(`${file}: unknown method ${r.method}`);
    const series = out.get(r.series) ?? {};
    series[name] = { oneStep: Number(r.one_step_MAE), rolling: Number(r.rolling_MAE) };
    out.set(r.series, series);
  }
  return out;
}

/** Throws unless our float64 naive (and seasonal naive) MAE match anchors.csv's to its 6 significant digits. */
export function checkSplit(s: LoadedSeries, anchors: SeriesAnchors | undefined): void {
  if (!anchors?.naive) throw new Error(`anchors.csv has no naive row for ${s.cfg.name}`);
  const pairs: [string, number, number][] = [
    ['naive one-step', naiveOneStep(s.y, s.o), anchors.naive.oneStep],
    ['naive rolling', seasonalNaiveRolling(s.y, s.o, s.cfg.H, 1), anchors.naive.rolling],
  ];
  if (anchors.snaive)
    pairs.push(['snaive rolling', seasonalNaiveRolling(s.y, s.o, s.cfg.H, s.cfg.m), anchors.snaive.rolling]);
  for (const [what, ours, theirs] of pairs) {
    if (Math.abs(ours - theirs) > 1e-5 * Math.abs(theirs)) {
      throw new Error(`${s.cfg.name}: ${what} MAE ${ours} but anchors.csv says ${theirs}; the split differs`);
    }
  }
}
