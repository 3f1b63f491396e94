// `wasm-rnn forecast MODEL [CSV]`: the next steps after the series the model was trained on (or after a CSV's
// last row), with their 80 % and 95 % prediction intervals, as a table or CSV, with a terminal chart of the
// recent history running into the forecast. After a CSV with a time column, the steps are labelled with the
// dates that follow it.

import type { Command } from 'commander';
import { aheadChart, aheadCsv, aheadTable, forecastAhead } from '../ahead.ts';
import { nextDates } from '../dates.ts';
import { readSeriesFile } from '../files.ts';
import { type CliIO, line, runtime } from '../io.ts';
import { openTask } from '../models.ts';
import { BACKENDS, type BackendChoice, oneOf, wholeNumber } from '../options.ts';

interface ForecastFlags {
  column?: string;
  steps: number;
  chart: boolean;
  csv: boolean;
  backend?: BackendChoice;
}

export function forecastCommand(program: Command, io: CliIO): void {
  program
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
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS))
    .action(async (path: string, data: string | undefined, flags: ForecastFlags) => {
      const rt = await runtime(flags.backend);
      const model = await openTask(rt, path, 'forecast', 'forecast');
      const series = data === undefined ? undefined : await readSeriesFile(data, flags.column);
      const history = series?.values ?? model.lastRows();
      const ahead = forecastAhead(model, series?.values, flags.steps);
      const dates = series?.dates ? nextDates(series.dates, flags.steps) : undefined;
      if (flags.csv) {
        for (const l of aheadCsv(ahead, dates)) line(io.stdout, l);
      } else {
        line(
          io.stdout,
          `forecast by ${model.method}${ahead.intervals.length ? ', with prediction intervals' : ''}:`,
        );
        line(io.stdout, aheadTable(ahead, dates));
        if (flags.chart) {
          const F = model.layout.columns;
          const c = model.layout.targetColumns[0];
          const rows = history.length / F;
          const shown = Math.min(rows, 3 * flags.steps);
          const tail: number[] = [];
          for (let r = rows - shown; r < rows; r++)
            if (Number.isFinite(history[r * F + c])) tail.push(history[r * F + c]);
          line(io.stdout, `\nthe last ${tail.length} rows, then the ${flags.steps}-step forecast:`);
          line(io.stdout, aheadChart(tail, ahead, io.stdout));
        }
      }
      model.dispose();
    });
}
