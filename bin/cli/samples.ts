// The samples the package carries (package.json "files"), found from wherever this code runs: the repository's
// bin/cli/ under tsx, or the bundled dist/bin/wasm-rnn.js inside node_modules/wasm-rnn. Both sit below the
// package root, so the first folder above with the package's package.json is where data/ is.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliFailure } from './fail.ts';

export type ExampleName = 'text' | 'forecast';

export interface Example {
  /** Inside the package. */
  path: string;
  what: string;
  /** Settings that train it in seconds; flags the user gives win. */
  flags: Readonly<Record<string, string | number>>;
  /** The model file `wasm-rnn demo` writes. */
  model: string;
  /** Commands to try on the model, `MODEL` standing for its path. */
  next: string[];
}

export const EXAMPLES: Record<ExampleName, Example> = {
  text: {
    path: 'data/samples/shakespeare-100k.txt',
    what: 'the first 100 kB of Tiny Shakespeare (Karpathy, char-rnn)',
    flags: { steps: 200, hidden: 96, seqLength: 64, prompt: 'ROMEO:', temperature: 0.7 },
    model: 'shakespeare.safetensors',
    next: [
      'wasm-rnn generate MODEL --prompt "JULIET:" --length 300 --temperature 0.7',
      'wasm-rnn train --example text --steps 2000 --out MODEL   (longer: better text)',
    ],
  },
  forecast: {
    path: 'data/series/air_passengers.csv',
    what: 'monthly airline passengers 1949–1960, thousands (Box & Jenkins; R datasets)',
    flags: { season: 12, horizon: 12, hidden: 16 },
    model: 'air-passengers.safetensors',
    next: [
      'wasm-rnn forecast MODEL AIR --steps 24',
      'wasm-rnn forecast MODEL --steps 24 --csv > forecast.csv',
      'wasm-rnn evaluate MODEL AIR',
    ],
  },
};

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'wasm-rnn') return dir;
    const up = dirname(dir);
    if (up === dir) throw new CliFailure('cannot find the wasm-rnn package folder that holds the samples');
    dir = up;
  }
}

export function exampleFile(name: ExampleName): string {
  const path = join(packageRoot(), EXAMPLES[name].path);
  if (!existsSync(path))
    throw new CliFailure(
      `the sample ${EXAMPLES[name].path} is missing from the installed package; reinstall wasm-rnn`,
    );
  return path;
}
