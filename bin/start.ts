// `npm start`: the main job on the bundled data, in about two minutes. A character-level LSTM learns Tiny
// Shakespeare with a progress bar, printing samples as they improve; then a forecaster learns the Mauna Loa
// weekly CO2 series (with its missing weeks), says which of its network and statistical members it chose, is
// scored on the test split against naive, seasonal naive and AR with a chart in the terminal, and forecasts
// the year after the data with 80 % and 95 % intervals. `npm start -- --quick` runs a few seconds of each.

import { readFile } from 'node:fs/promises';
import { Forecaster, type Runtime, readNumericCsv, TextModel } from 'wasm-rnn';
import { aheadChart, aheadTable, forecastAhead } from './cli/ahead.ts';
import { describeFailure } from './cli/fail.ts';
import { nextDates } from './cli/forecast-dates.ts';
import { line, runtime } from './cli/io.ts';
import { createProgress, formatDuration, type Progress } from './cli/progress.ts';
import { evaluationChart, evaluationTable, sampleBlock, textScores, verdict } from './cli/report.ts';
import { HELD_OUT_SPLIT } from './cli/split.ts';

const quick = process.argv.includes('--quick');
const out = process.stdout;
const data = (name: string) => new URL(`../data/${name}`, import.meta.url);

const TEXT = {
  hiddenSize: 128,
  seqLength: 64,
  batchSize: 32,
  lr: 4e-3,
  steps: quick ? 20 : 1600,
  samples: 4,
};
const CO2 = { lookback: 104, horizon: 52, season: 52, hiddenSize: 32, epochs: quick ? 1 : 10 };

function bar(total: number): { progress: Progress | undefined; make(): Progress } {
  const state = {
    progress: undefined as Progress | undefined,
    make() {
      state.progress ??= createProgress(out, { total, label: '     ' });
      return state.progress;
    },
  };
  return state;
}

async function shakespeare(rt: Runtime): Promise<void> {
  const text = await readFile(data('tinyshakespeare.txt'), 'utf8');
  const model = new TextModel(rt, text, { cell: 'lstm', hiddenSize: TEXT.hiddenSize, seed: 1 });
  line(
    out,
    `1/2  A character-level LSTM on Tiny Shakespeare (${text.length.toLocaleString('en')} characters, ${model.vocab.size} distinct)`,
  );
  line(
    out,
    `     ${TEXT.hiddenSize} hidden units, windows of ${TEXT.seqLength} characters, batches of ${TEXT.batchSize}, Adam ${TEXT.lr}, ${TEXT.steps} steps\n`,
  );
  const every = Math.max(1, Math.round(TEXT.steps / TEXT.samples));
  const b = bar(TEXT.steps);
  const sample = (seed: number) => model.generate('\n', { length: 200, temperature: 0.8, seed });
  const summary = await model
    .fit(text, {
      steps: TEXT.steps,
      seqLength: TEXT.seqLength,
      batchSize: TEXT.batchSize,
      lr: TEXT.lr,
      onProgress: (p) => {
        const progress = b.make();
        progress.update({ step: p.step, loss: p.averageLoss, tokens: p.tokens });
        if (p.step % every === 0 && p.step < p.totalSteps) {
          progress.log(
            sampleBlock(
              `     sample after ${p.step} steps (loss ${p.averageLoss.toFixed(2)}):`,
              sample(p.step).trim(),
            ),
          );
        }
      },
    })
    .finally(() => b.progress?.stop());
  const held = text.slice(Math.floor(text.length * 0.95));
  line(out, `\n     held-out text: ${textScores(model.evaluate(held))}`);
  line(
    out,
    sampleBlock(`     sample after ${summary.steps} steps (temperature 0.8):`, sample(summary.steps).trim()),
  );
  model.dispose();
}

async function co2(rt: Runtime): Promise<void> {
  const csv = readNumericCsv(await readFile(data('co2-maunaloa-weekly.csv'), 'utf8'), {
    column: 'co2',
    dateColumn: 'date',
  });
  const dates = csv.dates!;
  line(
    out,
    `\n2/2  Forecasting Mauna Loa CO₂, weekly ${dates[0].slice(0, 4)}–${dates.at(-1)!.slice(0, 4)} ` +
      `(${csv.values.length} weeks, ${csv.missing.length} missing, filled by interpolation)`,
  );
  line(
    out,
    `     GRU with ${CO2.hiddenSize} hidden units reads ${CO2.lookback} weeks and predicts the next ${CO2.horizon} at once;\n` +
      `     on the validation weeks it competes with seasonal naive, AR and exponential smoothing, and the best forecast\n` +
      `     together (split 70/10/20 in time order)\n`,
  );
  let b: ReturnType<typeof bar> | undefined;
  const forecaster = await Forecaster.fit(csv.values, {
    runtime: rt,
    cell: 'gru',
    hiddenSize: CO2.hiddenSize,
    lookback: CO2.lookback,
    horizon: CO2.horizon,
    season: CO2.season,
    epochs: CO2.epochs,
    seed: 1,
    split: HELD_OUT_SPLIT,
    onProgress: (p) => {
      b ??= bar(p.totalSteps);
      b.make().update({ step: p.step, loss: p.averageLoss, tokens: p.tokens });
    },
  }).finally(() => b?.progress?.stop());
  line(out, `\n     the forecaster chose: ${forecaster.method}`);
  for (const note of forecaster.notes) line(out, `     note: ${note}`);
  const r = forecaster.evaluate();
  const [from, to] = forecaster.ranges!.test;
  line(
    out,
    `\n     walk-forward on the test split, ${dates[from]}–${dates[to - 1]} (${r.origins.length} forecasts of ${r.horizon} weeks):\n`,
  );
  line(out, evaluationTable(r).replace(/^/gm, '     '));
  line(out, `\n${evaluationChart(r, out)}\n`);
  line(out, `     ${verdict(r)}`);
  future(forecaster, dates);
  forecaster.dispose();
}

/** The year after the data, every fourth week in the table, every week in the chart. */
function future(forecaster: Forecaster, dates: readonly string[]): void {
  const ahead = forecastAhead(forecaster, undefined, CO2.horizon);
  const after = nextDates(dates, CO2.horizon);
  const bands = ahead.intervals.length > 0 ? ' with 80 % and 95 % prediction intervals' : '';
  line(out, `\n     the ${CO2.horizon} weeks after ${dates.at(-1)}${bands} (ppm, every 4th week):\n`);
  line(out, aheadTable(ahead, after, 4).replace(/^/gm, '     '));
  const history = forecaster.lastRows();
  const tail = Array.from(history.subarray(Math.max(0, history.length - 2 * CO2.season)));
  line(out, `\n${aheadChart(tail, ahead, out)}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const rt = await runtime('auto');
  line(
    out,
    `wasm-rnn · the main job on the bundled data (kernels: ${rt.backend}, Node ${process.version})\n`,
  );
  await shakespeare(rt);
  await co2(rt);
  line(
    out,
    `\ndone in ${formatDuration((performance.now() - started) / 1000)}. Next: wasm-rnn --help, npm run demo`,
  );
}

main().catch((error: unknown) => {
  const { line: message, code } = describeFailure(error);
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
});
