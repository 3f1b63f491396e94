// How results are printed: a forecast evaluation as a table against the baselines and as a chart of the test
// span, a text model's scores in the units people quote, and a running sample of generated text.

import type { TextEvaluation, WalkForwardResult } from 'wasm-rnn';
import { drawChart } from './chart.ts';
import { table } from './io.ts';
import type { Output } from './progress.ts';

const NAMES: Record<string, string> = {
  model: 'forecaster',
  seasonalNaive: 'seasonal naive',
  naive: 'naive',
  ar: 'AR (least squares)',
  ets: 'exponential smoothing',
};

export function evaluationTable(r: WalkForwardResult): string {
  const rows = [['method', 'MAE', 'RMSE', 'MAPE %', 'MASE']];
  for (const [name, s] of Object.entries(r.scores)) {
    rows.push([
      NAMES[name] ?? name,
      s.mae.toFixed(3),
      s.rmse.toFixed(3),
      s.mape.toFixed(2),
      s.mase.toFixed(3),
    ]);
  }
  return table(rows);
}

/** The evaluated rows in time order: with stride = horizon the origins tile the test span exactly. */
export function evaluationChart(r: WalkForwardResult, out: Output): string {
  const Ft = r.targetColumns.length;
  const column = (values: ArrayLike<number>) =>
    Float32Array.from({ length: values.length / Ft }, (_, i) => values[i * Ft]);
  const lines = [{ name: 'truth', values: column(r.actual) }];
  lines.push({ name: 'forecaster', values: column(r.forecasts.model) });
  if (r.forecasts.seasonalNaive)
    lines.push({ name: 'seasonal naive', values: column(r.forecasts.seasonalNaive) });
  return drawChart(lines, {
    width: Math.min(out.columns ?? 100, 120),
    height: 14,
    color: out.isTTY === true,
  });
}

/** "the forecaster's MAE is 0.912 against seasonal naive's 1.668: 45% lower" */
export function verdict(r: WalkForwardResult): string {
  const model = r.scores.model.mae;
  const base = r.scores.seasonalNaive ?? r.scores.naive;
  const baseName = r.scores.seasonalNaive ? 'seasonal naive' : 'naive';
  const change = ((base.mae - model) / base.mae) * 100;
  const word =
    change >= 0
      ? `${change.toFixed(0)}% lower: the forecaster beats ${baseName}`
      : `${(-change).toFixed(0)}% higher: ${baseName} wins`;
  return `MAE ${model.toFixed(3)} against ${baseName}'s ${base.mae.toFixed(3)} (${r.origins.length} forecasts of ${r.horizon} steps): ${word}`;
}

export function textScores(e: TextEvaluation): string {
  return `loss ${e.loss.toFixed(4)} nats/char · ${e.bitsPerCharacter.toFixed(3)} bits/char · perplexity ${e.perplexity.toFixed(2)} (${e.tokens} characters)`;
}

/** A sample, indented, cut to whole lines so it reads as a block above the progress bar. */
export function sampleBlock(title: string, text: string): string {
  const body = text
    .split('\n')
    .map((l) => `  │ ${l}`)
    .join('\n');
  return `${title}\n${body}`;
}
