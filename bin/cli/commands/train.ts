// `wasm-rnn train FILE`: a character language model on a text file, or a forecaster on a CSV column. Every input
// is read and checked, and the output folder too, before the first step; the model file is written atomically.

import { extname } from 'node:path';
import type { Command } from 'commander';
import { Forecaster, TextModel, type TrainingProgress } from 'wasm-rnn';
import { checkWritable, readSeriesFile, readTextFile, writeModelFile } from '../files.ts';
import { type CliIO, line, runtime } from '../io.ts';
import { checkCharacters } from '../models.ts';
import { BACKENDS, nonNegativeNumber, oneOf, positiveNumber, wholeNumber } from '../options.ts';
import { createProgress } from '../progress.ts';
import { evaluationTable, sampleBlock, verdict } from '../report.ts';
import { HELD_OUT_SPLIT, splitAtDate } from '../split.ts';
import { divergence, refuseOtherTaskFlags, type TrainFlags, withExample } from '../train-checks.ts';

export type { TrainFlags } from '../train-checks.ts';

export function trainCommand(program: Command, io: CliIO): void {
  program
    .command('train')
    .summary('train a model on a text file or a CSV column')
    .description(
      'Train a character-level language model on a text file, or a forecaster on one numeric column of a CSV file\n' +
        '(the task follows the file: .csv or --column means forecasting). The model is written to --out.\n' +
        'A forecaster fits on the first 80 % of the rows (70 % train, 10 % validation, where the network and\n' +
        'statistical models compete) and is scored on the last 20 %, which wasm-rnn evaluate scores again.',
    )
    .argument('[file]', 'a UTF-8 text file, or a CSV file with a header row')
    .option(
      '--example <name>',
      'train on a sample the package carries instead of FILE: text (Shakespeare, 100 kB) or forecast (air passengers)',
      oneOf('text', 'forecast'),
    )
    .option('-o, --out <file>', 'where to write the model', 'model.safetensors')
    .option('--task <task>', 'text or forecast (default: from the file)', oneOf('text', 'forecast'))
    .option('-c, --column <name>', 'the CSV column to forecast (default: the only value column)')
    .option('--cell <cell>', 'recurrent cell: lstm, gru or rnn', oneOf('lstm', 'gru', 'rnn'), 'lstm')
    .option('--hidden <n>', 'hidden units per layer (default: text 128, forecast 32)', wholeNumber())
    .option('--layers <n>', 'stacked recurrent layers', wholeNumber(), 1)
    .option('--steps <n>', 'optimizer steps (default: --epochs passes)', wholeNumber())
    .option(
      '--epochs <n>',
      'passes over the data when --steps is not given (default: text 1; forecast: until the validation loss stops improving, at most 100)',
      wholeNumber(),
    )
    .option('--batch-size <n>', 'sequences per step (default 32)', wholeNumber())
    .option('--lr <rate>', "Adam's learning rate (default: text 2e-3, forecast 3e-3)", positiveNumber)
    .option('--seed <n>', 'seed of initialisation, shuffling and sampling', wholeNumber(0), 0)
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS))
    .option('--seq-length <n>', 'text: characters per training window', wholeNumber(), 64)
    .option(
      '--sample-every <n>',
      'text: print a sample every n steps (0: only at the end)',
      wholeNumber(0),
      0,
    )
    .option('--prompt <text>', 'text: how samples start (default: a new line)')
    .option('--temperature <t>', 'text: sampling temperature of the samples', nonNegativeNumber, 0.8)
    .option(
      '--lookback <n>',
      'forecast: past rows each forecast reads (default: 2 seasons, ≥ 24)',
      wholeNumber(),
    )
    .option(
      '--horizon <n>',
      'forecast: rows predicted at once (> 1 means direct forecasting)',
      wholeNumber(),
      1,
    )
    .option('--season <n>', 'forecast: season length in rows, for seasonal naive and MASE', wholeNumber())
    .option('--strategy <s>', 'forecast: recursive or direct', oneOf('recursive', 'direct'))
    .option(
      '--scaler <s>',
      'forecast: standard or minmax, fitted on the training rows',
      oneOf('standard', 'minmax'),
      'standard',
    )
    .option('--mask', 'forecast: give the network a 0/1 flag for filled-in missing values', false)
    .option(
      '--test-from <date>',
      "forecast: hold out the rows from this value of the CSV's time column on (default: the last 20 %)",
    )
    .option('--level', 'forecast: predict levels instead of changes from the last value', false)
    .action(async (given: string | undefined, flags: TrainFlags, command: Command) => {
      const file = withExample(given, flags, command);
      const task =
        flags.task ?? (extname(file).toLowerCase() === '.csv' || flags.column ? 'forecast' : 'text');
      refuseOtherTaskFlags(command, task, file);
      await checkWritable(flags.out);
      if (task === 'text') await trainText(file, flags, io);
      else await trainForecast(file, flags, io);
    });
}

/** The bar starts with the first step, after every input check passed: a failure stays one line. */
function progressFor(io: CliIO, label: string, heading: string) {
  let bar: ReturnType<typeof createProgress> | undefined;
  return {
    update(p: TrainingProgress) {
      if (bar === undefined) line(io.stderr, heading);
      bar ??= createProgress(io.stderr, { total: p.totalSteps, label });
      bar.update({ step: p.step, loss: p.averageLoss, tokens: p.tokens });
    },
    log(text: string) {
      if (bar) bar.log(text);
      else line(io.stderr, text);
    },
    stop() {
      bar?.stop();
    },
  };
}

export async function trainText(file: string, flags: TrainFlags, io: CliIO): Promise<void> {
  const text = await readTextFile(file);
  const rt = await runtime(flags.backend);
  const model = new TextModel(rt, text, {
    cell: flags.cell,
    hiddenSize: flags.hidden ?? 128,
    numLayers: flags.layers,
    seed: flags.seed,
  });
  // A prompt the vocabulary cannot encode fails now, not after the training it would have wasted.
  checkCharacters(model, flags.prompt ?? '', '--prompt', file);
  const watch = divergence(flags, '2e-3');
  const progress = progressFor(
    io,
    'train',
    `training a ${flags.cell.toUpperCase()} on ${text.length} characters (${model.vocab.size} distinct) with ${rt.backend}`,
  );
  const summary = await model
    .fit(text, {
      seqLength: flags.seqLength,
      ...(flags.steps ? { steps: flags.steps } : { epochs: flags.epochs ?? 1 }),
      ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
      ...(flags.lr ? { lr: flags.lr } : {}),
      signal: watch.signal,
      onProgress: (p) => {
        watch.see(p);
        progress.update(p);
        if (flags.sampleEvery > 0 && p.step % flags.sampleEvery === 0 && p.step < p.totalSteps) {
          progress.log(sampleBlock(`sample after ${p.step} steps:`, sample(model, flags, p.step)));
        }
      },
    })
    .finally(() => progress.stop());
  watch.check();
  await writeModelFile(flags.out, model.save());
  line(io.stdout, sampleBlock(`sample after ${summary.steps} steps:`, sample(model, flags, summary.steps)));
  if (summary.valLoss !== undefined) {
    line(
      io.stdout,
      `validation: ${summary.valLoss.toFixed(4)} nats/char · ${(summary.valLoss / Math.LN2).toFixed(3)} bits/char`,
    );
  }
  line(io.stdout, `wrote ${flags.out} (${summary.steps} steps in ${summary.seconds.toFixed(1)} s)`);
}

function sample(model: TextModel, flags: TrainFlags, seed: number): string {
  return model.generate(flags.prompt ?? '', {
    length: 240,
    temperature: flags.temperature,
    seed: flags.seed + seed,
  });
}

export async function trainForecast(file: string, flags: TrainFlags, io: CliIO): Promise<void> {
  const series = await readSeriesFile(file, flags.column);
  const rt = await runtime(flags.backend);
  const watch = divergence(flags, '3e-3');
  const progress = progressFor(
    io,
    'train',
    `forecasting "${series.column}": ${series.values.length} rows, ${series.missing.length} missing (filled by interpolation), with ${rt.backend}`,
  );
  const forecaster = await Forecaster.fit(series.values, {
    runtime: rt,
    cell: flags.cell,
    ...(flags.hidden ? { hiddenSize: flags.hidden } : {}),
    numLayers: flags.layers,
    seed: flags.seed,
    ...(flags.steps ? { steps: flags.steps } : flags.epochs ? { epochs: flags.epochs } : {}),
    ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
    ...(flags.lr ? { lr: flags.lr } : {}),
    ...(flags.lookback ? { lookback: flags.lookback } : {}),
    horizon: flags.horizon,
    ...(flags.season ? { season: flags.season } : {}),
    ...(flags.strategy ? { strategy: flags.strategy } : {}),
    scaler: flags.scaler,
    mask: flags.mask,
    target: flags.level ? 'level' : 'change',
    split: flags.testFrom ? splitAtDate(series, flags.testFrom) : HELD_OUT_SPLIT,
    onProgress: (p) => {
      watch.see(p);
      progress.update(p);
    },
  }).finally(() => progress.stop());
  watch.check();
  await writeModelFile(flags.out, forecaster.save());
  line(io.stdout, `the forecaster chose: ${forecaster.method}`);
  for (const note of forecaster.notes) line(io.stdout, `note: ${note}`);
  const evaluation = forecaster.evaluate();
  line(
    io.stdout,
    `walk-forward on the test split (rows ${evaluation.origins[0]}–${forecaster.ranges!.test[1] - 1}):`,
  );
  line(io.stdout, evaluationTable(evaluation));
  line(io.stdout, verdict(evaluation));
  line(io.stdout, `wrote ${flags.out}`);
}
