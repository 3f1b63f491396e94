// The `wasm-rnn` command line: commander parses, each command lives in commands/, and every failure ends as one
// line on stderr with an exit code (fail.ts). `run` takes the streams, so tests drive it in-process.

import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench.ts';
import { demoCommand } from './commands/demo.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { forecastCommand } from './commands/forecast.ts';
import { generateCommand } from './commands/generate.ts';
import { importCommand } from './commands/import.ts';
import { infoCommand } from './commands/info.ts';
import { trainCommand } from './commands/train.ts';
import { translateCommand } from './commands/translate.ts';
import { describeFailure, EXIT_USAGE } from './fail.ts';
import type { CliIO } from './io.ts';

export const VERSION = '0.1.0';

function program(io: CliIO): Command {
  const p = new Command('wasm-rnn')
    .description(
      'Train and run recurrent networks (LSTM, GRU, RNN) on text and time series, on SIMD WebAssembly.',
    )
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's own errors ("error: unknown option '--stpes'" and its suggestion) become one line.
      outputError: (s, write) =>
        write(
          `wasm-rnn: ${s
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    });
  p.addHelpText(
    'after',
    `
Examples:
  wasm-rnn demo                     (trains on samples the package carries, in under a minute)
  wasm-rnn train --example forecast --out air.safetensors
  wasm-rnn generate shakespeare.safetensors --prompt "ROMEO:" --length 300 --temperature 0.7
  wasm-rnn train my-text.txt --steps 2000 --out my-text.safetensors
  wasm-rnn train sales.csv --column units --season 12 --horizon 12 --out sales.safetensors
  wasm-rnn forecast sales.safetensors sales.csv --steps 12
  wasm-rnn evaluate sales.safetensors sales.csv
  wasm-rnn train --task dates --out dates.safetensors
  wasm-rnn translate dates.safetensors "3 mars 2021"
  wasm-rnn import lstm.onnx --out lstm.safetensors
  wasm-rnn bench`,
  );
  for (const add of [
    demoCommand,
    trainCommand,
    generateCommand,
    translateCommand,
    forecastCommand,
    evaluateCommand,
    importCommand,
    infoCommand,
    benchCommand,
  ])
    add(p, io);
  for (const c of p.commands) c.exitOverride().configureOutput(p.configureOutput());
  return p;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end in a CommanderError with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const { line, code } = describeFailure(error);
    io.stderr.write(`${line}\n`);
    if (process.env.WASM_RNN_DEBUG) io.stderr.write(`${(error as Error)?.stack ?? error}\n`);
    return code;
  }
}
