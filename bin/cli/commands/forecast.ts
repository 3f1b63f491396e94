// `wasm-rnn forecast MODEL [CSV]`: the next steps after the series the model was trained on (or after a CSV's
// last row), with their 80 % and 95 % prediction intervals, as a table or CSV, with a terminal chart of the
// recent history running into the forecast. After a CSV with a time column, the steps are labelled with the
// dates that follow it.

import type { Command } from 'commander';
import type { Forecaster, NumericSeries } from 'wasm-rnn';
import { aheadChart, aheadCsv, aheadRows, aheadTable, forecastAhead } from '../ahead.ts';
import { aboutFile } from '../fail.ts';
import { readSeriesFile } from '../files.ts';
import { nextDates } from '../forecast-dates.ts';
import { type CliIO, runtime } from '../io.ts';
import { openTask } from '../models.ts';
import { BACKENDS, type BackendChoice, oneOf, wholeNumber } from '../options.ts';
import { type OutputFlags, Report, withOutputFlags } from '../output.ts';

interface ForecastFlags extends OutputFlags {
  column?: string;
  steps: number;
  chart: boolean;
  csv: boolean;
  backend?: BackendChoice;
}

export function forecastCommand(program: Command, io: CliIO): void {
  const command = program
    .command('forecast')
    .summary('forecast the next steps with a trained forecaster')
    .description(
      'Forecast the steps after the end of the series the model was trained on, or after the last row of a CSV file,\n' +
        'with 80 % and 95 % prediction intervals (lo/hi; models written before intervals give the forecast alone).\n' +
        'After a CSV whose first column holds dates (2001-01-15, 20010115, 1960-01, 1960Q1, 1960), the steps are\n' +
        'labelled with the dates that follow its last row.',
    )
    .argument('<model>', 'a model file written by wasm-rnn train on a CSV file')
    .argument('[data]', 'a CSV file to forecast from (default: the end of the training series)')
    .option('-c, --column <name>', 'the CSV column (default: the only value column)')
    .option('-n, --steps <n>', 'steps to forecast', wholeNumber(), 12)
    .option('--no-chart', 'leave out the terminal chart')
    .option('--csv', 'print step,[date,]value,lower80,upper80,lower95,upper95 lines only', false)
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS));
  withOutputFlags(command).action(async (path: string, data: string | undefined, flags: ForecastFlags) => {
    const rt = await runtime(flags.backend);
    const model = await openTask(rt, path, 'forecast', 'forecast');
    try {
      forecast(
        model,
        path,
        data === undefined ? undefined : await readSeriesFile(data, flags.column),
        data,
        flags,
        io,
      );
    } finally {
      model.dispose();
    }
  });
}

function forecast(
  model: Forecaster,
  path: string,
  series: NumericSeries | undefined,
  data: string | undefined,
  flags: ForecastFlags,
  io: CliIO,
): void {
  const report = new Report(io, flags, 'forecast');
  const history = series?.values ?? model.lastRows();
  const ahead = named(data ?? path, () => forecastAhead(model, series?.values, flags.steps));
  const dates = series?.dates ? nextDates(series.dates, flags.steps) : undefined;
  report.set('model', path);
  if (data !== undefined) report.set('data', data);
  report.set('method', model.method);
  report.set('forecast', aheadRows(ahead, dates));
  if (flags.csv && !report.json) {
    for (const l of aheadCsv(ahead, dates)) report.say(l);
  } else {
    report.say(`forecast by ${model.method}${ahead.intervals.length ? ', with prediction intervals' : ''}:`);
    report.say(aheadTable(ahead, dates));
    if (flags.chart && report.chatty) {
      const F = model.layout.columns;
      const c = model.layout.targetColumns[0];
      const rows = history.length / F;
      const shown = Math.min(rows, 3 * flags.steps);
      const tail: number[] = [];
      for (let r = rows - shown; r < rows; r++)
        if (Number.isFinite(history[r * F + c])) tail.push(history[r * F + c]);
      report.say(`\nthe last ${tail.length} rows, then the ${flags.steps}-step forecast:`);
      report.say(aheadChart(tail, ahead, io.stdout));
    }
  }
  report.finish();
}

/** A refusal of the forecast (the history is too short, ...) names the file it came from. */
function named<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw aboutFile(file, error);
  }
}
