// `wasm-rnn forecast MODEL [CSV]`: the next steps after the series the model was trained on (or after a CSV's
// last row), as a table or CSV, with a terminal chart of the recent history running into the forecast.

import type { Command } from 'commander';
import { drawChart } from '../chart.ts';
import { readSeriesFile } from '../files.ts';
import { type CliIO, line, runtime, table } from '../io.ts';
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
      'Forecast the steps after the end of the series the model was trained on, or after the last row of a CSV file.',
    )
    .argument('<model>', 'a model file written by wasm-rnn train on a CSV file')
    .argument('[data]', 'a CSV file to forecast from (default: the end of the training series)')
    .option('-c, --column <name>', 'the CSV column (default: the only value column)')
    .option('-n, --steps <n>', 'steps to forecast', wholeNumber(), 12)
    .option('--no-chart', 'leave out the terminal chart')
    .option('--csv', 'print step,value lines only', false)
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS))
    .action(async (path: string, data: string | undefined, flags: ForecastFlags) => {
      const rt = await runtime(flags.backend);
      const model = await openTask(rt, path, 'forecast', 'forecast');
      let history: Float32Array;
      let values: Float32Array;
      if (data === undefined) {
        history = model.lastRows();
        values = model.forecast(flags.steps);
      } else {
        const series = await readSeriesFile(data, flags.column);
        history = series.values;
        values = model.forecastFrom(series.values, flags.steps);
      }
      const Ft = model.layout.targetColumns.length;
      const F = model.layout.columns;
      if (flags.csv) {
        line(io.stdout, 'step,value');
        for (let h = 0; h < flags.steps; h++) line(io.stdout, `${h + 1},${values[h * Ft]}`);
      } else {
        const rows = [['step', 'forecast']];
        for (let h = 0; h < flags.steps; h++) rows.push([String(h + 1), values[h * Ft].toFixed(3)]);
        line(io.stdout, table(rows));
        if (flags.chart) {
          const rows = history.length / F;
          const shown = Math.min(rows, 3 * flags.steps);
          const c = model.layout.targetColumns[0];
          const tail: number[] = [];
          for (let r = rows - shown; r < rows; r++)
            if (Number.isFinite(history[r * F + c])) tail.push(history[r * F + c]);
          const both = [...tail, ...Array.from({ length: flags.steps }, (_, h) => values[h * Ft])];
          line(io.stdout, `\nthe last ${tail.length} rows, then the ${flags.steps}-step forecast:`);
          line(
            io.stdout,
            drawChart([{ name: 'history → forecast', values: both }], {
              width: Math.min(io.stdout.columns ?? 100, 120),
              height: 12,
              color: io.stdout.isTTY === true,
            }),
          );
        }
      }
      model.dispose();
    });
}
