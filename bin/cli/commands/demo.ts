// `wasm-rnn demo`: the first thing to run after `npm install wasm-rnn`. It trains on the samples the package
// carries (a slice of Shakespeare, the airline passengers series) in well under a minute, writes the two
// models, and prints the commands to try on them next.

import { isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import { checkWritable } from '../files.ts';
import { type CliIO, line } from '../io.ts';
import { BACKENDS, type BackendChoice, oneOf } from '../options.ts';
import { EXAMPLES, type ExampleName, exampleFile } from '../samples.ts';
import { type TrainFlags, trainForecast, trainText } from './train.ts';

interface DemoFlags {
  outDir: string;
  backend?: BackendChoice;
}

export function demoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .summary('train on the samples the package carries (under a minute)')
    .description(
      'Train a forecaster on monthly airline passengers and a character model on 100 kB of Shakespeare, both\n' +
        'shipped with the package, write the two models, and print the commands to try next.',
    )
    .argument('[example]', 'forecast, text or both', oneOf('forecast', 'text', 'both'), 'both')
    .option('--out-dir <folder>', 'where to write the models', '.')
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS))
    .action(async (which: ExampleName | 'both', flags: DemoFlags) => {
      const names: ExampleName[] = which === 'both' ? ['forecast', 'text'] : [which];
      const models = names.map((name) => join(flags.outDir, EXAMPLES[name].model));
      for (const model of models) await checkWritable(model);
      const next: string[] = [];
      for (const [i, name] of names.entries()) {
        const example = EXAMPLES[name];
        const file = exampleFile(name);
        line(io.stdout, `\n== ${name}: ${example.what}`);
        line(io.stdout, `   ${example.path} in the package\n`);
        const trainFlags = { ...baseFlags(models[i], flags.backend), ...example.flags } as TrainFlags;
        if (name === 'text') await trainText(file, trainFlags, io);
        else await trainForecast(file, trainFlags, io);
        next.push(...example.next.map((c) => c.replace('MODEL', models[i]).replace('AIR', shortest(file))));
      }
      line(io.stdout, '\nnext, try:');
      for (const c of next) line(io.stdout, `  ${c}`);
      line(io.stdout, '  wasm-rnn train YOUR.txt | YOUR.csv --out my.safetensors   (wasm-rnn train --help)');
    });
}

/** The sample's path from the current folder when it is below it (node_modules/wasm-rnn/…), else in full. */
function shortest(path: string): string {
  const near = relative(process.cwd(), path);
  return near.startsWith('..') || isAbsolute(near) ? path : near;
}

/** train's defaults, as commander would fill them. */
function baseFlags(out: string, backend: BackendChoice | undefined): TrainFlags {
  return {
    out,
    cell: 'lstm',
    layers: 1,
    seed: 0,
    ...(backend ? { backend } : {}),
    seqLength: 64,
    sampleEvery: 0,
    temperature: 0.8,
    horizon: 1,
    scaler: 'standard',
    mask: false,
    level: false,
  };
}
