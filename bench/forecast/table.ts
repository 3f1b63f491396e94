// The main table (one row per series: the anchors' rolling MAE, ours, the ratios and marks) and its footer of
// targets, as markdown.

import { ANCHORS, type Comparison } from './compare.ts';
import { markdownTable, num } from './markdown.ts';
import type { TargetCheck } from './targets.ts';

const HEADER = [
  'series',
  'N',
  'm',
  'H',
  ...ANCHORS,
  'ours',
  '÷best roll',
  '÷best 1-step',
  'vs arima',
  'vs ets',
  'vs snaive',
  'fit s',
  'method',
];

const mark = (win: boolean) => (win ? 'win' : 'loss');

export function formatMain(rows: Comparison[]): string {
  const body = rows.map((c) => [
    c.r.name,
    String(c.r.N),
    String(c.r.m),
    String(c.r.H),
    ...ANCHORS.map((a) => num(c.anchors[a]?.rolling)),
    num(c.r.rolling),
    c.ratioRolling.toFixed(2),
    c.ratioOneStep.toFixed(2),
    mark(c.beatsArima),
    mark(c.beatsEts),
    `${c.worseThanFloor ? 'worse' : 'ok'}${c.floorName === 'naive' ? ' (naive)' : ''}`,
    c.r.fitSeconds.toFixed(2),
    [...new Set(c.r.seeds.map((s) => s.method))].join(' / '),
  ]);
  return markdownTable([HEADER, ...body]);
}

export function formatFooter(checks: TargetCheck[]): string {
  const lines = checks.map((c) => `- ${c.pass ? 'PASS' : 'FAIL'} ${c.target}: ${c.value}`);
  const passed = checks.filter((c) => c.pass).length;
  return [`Targets: ${passed}/${checks.length} pass`, ...lines].join('\n');
}
