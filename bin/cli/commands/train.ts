// `wasm-rnn train FILE`: a character language model on a text file, or a forecaster on a CSV column. Every input
// is read and checked, and the output folder too, before the first step; the model file is written atomically.

import { extname } from 'node:path';
import type { Command } from 'commander';
import { checkWritable } from '../files.ts';
import type { CliIO } from '../io.ts';
import {
  BACKENDS,
  DTYPE_HELP,
  DTYPES,
  nonNegativeNumber,
  oneOf,
  positiveNumber,
  wholeNumber,
} from '../options.ts';
import { withOutputFlags } from '../output.ts';
import { checkCheckpointFlags, refuseOtherTaskFlags, type TrainFlags, withExample } from '../train-checks.ts';
import { DATE_SCORES } from './dates-model.ts';
import { refuseAttentionFlag, trainDates } from './train-dates.ts';
import { trainForecast } from './train-forecast.ts';
import { trainText } from './train-text.ts';

export type { TrainFlags } from '../train-checks.ts';
export { trainForecast, trainText };

export function trainCommand(program: Command, io: CliIO): void {
  const command = program
    .command('train')
    .summary('train a model on a text file or a CSV column')
    .description(
      'Train a character-level language model on a text file, or a forecaster on one numeric column of a CSV file\n' +
        '(the task follows the file: .csv or --column means forecasting). The model is written to --out.\n' +
        'A forecaster fits on the first 80 % of the rows (70 % train, 10 % validation, where the network and\n' +
        'statistical models compete) and is scored on the last 20 %, which wasm-rnn evaluate scores again.\n' +
        'Ctrl-C (SIGINT) or SIGTERM stops after the step under way, writes the model so far to --out (atomically)\n' +
        'and exits with 130 or 143. A text run can be checkpointed (--checkpoint, --every) and resumed (--resume).',
    )
    .argument('[file]', 'a UTF-8 text file, or a CSV file with a header row')
    .option(
      '--example <name>',
      'train on a sample the package carries instead of FILE: text (Shakespeare, 100 kB) or forecast (air passengers)',
      oneOf('text', 'forecast'),
    )
    .option('-o, --out <file>', 'where to write the model', 'model.safetensors')
    .option('--dtype <dtype>', `${DTYPE_HELP} (a --checkpoint stays f32)`, oneOf(...DTYPES), 'f32')
    .option(
      '--task <task>',
      'text, forecast (default: from the file) or dates (no file: a date translator on generated dates)',
      oneOf('text', 'forecast', 'dates'),
    )
    .option(
      '--attention <score>',
      `dates: the decoder's attention: ${DATE_SCORES.join(', ')} (default additive)`,
      oneOf(...DATE_SCORES),
    )
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
      '--training <mode>',
      'text: stateful (default: --batch-size contiguous streams, the state carried window to window, as char-rnn) or stateless (shuffled windows, each from a zero state)',
      oneOf('stateful', 'stateless'),
    )
    .option(
      '--validate-every <n>',
      'text: check the held-out last 5 % every n steps (default: after each pass) and after the last step',
      wholeNumber(),
    )
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
    .option(
      '--checkpoint <file>',
      'text: write a training checkpoint (weights, optimizer state, counters) to this file every --every epochs and at the end',
    )
    .option(
      '--every <n>',
      "text: epochs between checkpoints (as Keras's ModelCheckpoint saves every N epochs; default 1)",
      wholeNumber(),
    )
    .option(
      '--resume <file>',
      'text: continue the run saved in this checkpoint on the same FILE, for --epochs (or --steps) more',
    );
  withOutputFlags(command).action(async (given: string | undefined, flags: TrainFlags, command: Command) => {
    if ((flags.task as string) === 'dates') return trainDates(given, flags, command, io);
    refuseAttentionFlag(command);
    const file = withExample(given, flags, command);
    const task = flags.task ?? (extname(file).toLowerCase() === '.csv' || flags.column ? 'forecast' : 'text');
    refuseOtherTaskFlags(command, task, file);
    checkCheckpointFlags(command, flags);
    await checkWritable(flags.out);
    if (flags.checkpoint) await checkWritable(flags.checkpoint);
    if (task === 'text') await trainText(file, flags, io);
    else await trainForecast(file, flags, io);
  });
}
