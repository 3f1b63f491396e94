// `wasm-rnn evaluate MODEL DATA`: a text model's loss, bits per character and perplexity on a text file, or a
// forecaster's walk-forward scores on a CSV's test split against naive, seasonal naive and AR(L).

import { extname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../fail.ts';
import { readSeriesFile, readTextFile } from '../files.ts';
import { type CliIO, runtime } from '../io.ts';
import { checkCharacters, openModel } from '../models.ts';
import { BACKENDS, type BackendChoice, oneOf, wholeNumber } from '../options.ts';
import { type OutputFlags, Report, withOutputFlags } from '../output.ts';
import { evaluationChart, evaluationTable, textScores, verdict } from '../report.ts';

interface EvaluateFlags extends OutputFlags {
  column?: string;
  horizon?: number;
  stride?: number;
  chart: boolean;
  backend?: BackendChoice;
}

export function evaluateCommand(program: Command, io: CliIO): void {
  const command = program
    .command('evaluate')
    .summary('score a trained model on a text or CSV file')
    .description(
      'Text model: loss, bits per character and perplexity on a text file.\n' +
        'Forecaster: walk-forward forecasts over the test split of a CSV column (split as in training), scored by\n' +
        'MAE, RMSE, MAPE and MASE next to the naive, seasonal-naive and AR baselines (AR(L) by least squares on\n' +
        'the rows before the test split, L = 2 seasons, or 10 without a season).',
    )
    .argument('<model>', 'a model file written by wasm-rnn train')
    .argument('<data>', 'a text file (text model) or a CSV file (forecaster)')
    .option('-c, --column <name>', 'the CSV column (default: the only value column)')
    .option(
      '--horizon <n>',
      'forecaster: steps ahead of each forecast (default: as trained, or one season)',
      wholeNumber(),
    )
    .option(
      '--stride <n>',
      'forecaster: steps between forecast origins (default: the horizon)',
      wholeNumber(),
    )
    .option('--no-chart', 'leave out the terminal chart')
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS));
  withOutputFlags(command).action(async (path: string, data: string, flags: EvaluateFlags) => {
    const report = new Report(io, flags, 'evaluate');
    report.set('model', path);
    report.set('data', data);
    const rt = await runtime(flags.backend);
    const opened = await openModel(rt, path);
    if (opened.task === 'text') {
      if (extname(data).toLowerCase() === '.csv') {
        opened.model.dispose();
        throw new UsageError(
          `${path} holds a text model, which is scored on a text file, but ${data} is a CSV; a forecaster (wasm-rnn train FILE.csv) reads CSV files`,
        );
      }
      const text = await readTextFile(data);
      checkCharacters(opened.model, text, data, path);
      const scores = opened.model.evaluate(text);
      report.say(textScores(scores));
      report.set('task', 'text');
      report.set('scores', scores);
    } else if (opened.task === 'forecast') {
      const series = await readSeriesFile(data, flags.column);
      const evaluated = opened.model.evaluate(
        {
          ...(flags.horizon ? { horizon: flags.horizon } : {}),
          ...(flags.stride ? { stride: flags.stride } : {}),
        },
        series.values,
      );
      const r = evaluated;
      report.say(`forecaster: ${opened.model.method}`);
      report.say(evaluationTable(r));
      report.say(verdict(r));
      if (flags.chart && report.chatty) report.say(`\n${evaluationChart(r, io.stdout)}`);
      report.set('task', 'forecast');
      report.set('method', opened.model.method);
      report.set('horizon', r.horizon);
      report.set('forecasts', r.origins.length);
      report.set('scores', r.scores);
    } else {
      opened.model.dispose();
      throw new UsageError(
        `${path} holds a sequence classifier, which the command line does not evaluate; use SequenceClassifier.evaluate(sequences, labels) in code`,
      );
    }
    opened.model.dispose();
    report.finish();
  });
}
