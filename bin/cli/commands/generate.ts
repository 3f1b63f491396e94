// `wasm-rnn generate MODEL`: text from a trained text model, from a prompt, with temperature, top-k, top-p.

import type { Command } from 'commander';
import { type CliIO, runtime } from '../io.ts';
import { checkCharacters, openTask } from '../models.ts';
import { BACKENDS, type BackendChoice, fraction, nonNegativeNumber, oneOf, wholeNumber } from '../options.ts';
import { type OutputFlags, Report, withOutputFlags } from '../output.ts';

interface GenerateFlags extends OutputFlags {
  prompt: string;
  length: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  backend?: BackendChoice;
}

export function generateCommand(program: Command, io: CliIO): void {
  const command = program
    .command('generate')
    .summary('generate text from a trained text model')
    .description('Print the prompt followed by text sampled one character at a time from a text model.')
    .argument('<model>', 'a model file written by wasm-rnn train on a text file')
    .option(
      '-p, --prompt <text>',
      "how the text starts (every character must be in the model's vocabulary)",
      '\n',
    )
    .option('-n, --length <n>', 'characters to generate', wholeNumber(), 500)
    .option(
      '-t, --temperature <t>',
      '< 1 is more conservative, > 1 more surprising, 0 always the most likely',
      nonNegativeNumber,
      0.8,
    )
    .option('--top-k <k>', 'sample only from the k most likely characters (0: all)', wholeNumber(0), 0)
    .option('--top-p <p>', 'sample only from the most likely characters holding probability p', fraction, 1)
    .option('--seed <n>', 'the same seed and prompt give the same text', wholeNumber(0), 0)
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS));
  withOutputFlags(command).action(async (path: string, flags: GenerateFlags) => {
    const report = new Report(io, flags, 'generate');
    const rt = await runtime(flags.backend);
    const model = await openTask(rt, path, 'text', 'generate');
    checkCharacters(model, flags.prompt, '--prompt', path);
    const text = model.generate(flags.prompt, {
      length: flags.length,
      temperature: flags.temperature,
      topK: flags.topK,
      topP: flags.topP,
      seed: flags.seed,
    });
    model.dispose();
    report.say(text);
    report.set('model', path);
    report.set('prompt', flags.prompt);
    report.set('seed', flags.seed);
    report.set('text', text);
    report.finish();
  });
}
