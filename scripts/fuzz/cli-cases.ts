// Hostile command lines for the CLI fuzz: a command (or a misspelt one), then a few arguments drawn from the
// files of cli-files.ts and from flags with values that are wrong in every way a user or a script gets them
// wrong (negative, zero, 1e308, NaN, empty, a NUL, ten thousand characters, a flag where a value belongs). Each
// run must end in exit 0, or in exit 1 or 2 with exactly one line on stderr that is not "unexpected error".

import { join } from 'node:path';
import { run } from '../../bin/cli/program.ts';
import type { Random } from '../../bindings/random.ts';
import { pick } from './mutate-bytes.ts';

const NUMBERS = [
  '0',
  '1',
  '2',
  '3',
  '-1',
  '1e9',
  '1e308',
  'NaN',
  'Infinity',
  'abc',
  '',
  '0.5',
  ' 4 ',
  '0x10',
  '99999999999999999999',
];
const STRINGS = [
  '',
  'x',
  'lstm',
  'gru',
  'rnn',
  'text',
  'forecast',
  'direct',
  'minmax',
  '\u0000',
  'é',
  '😀',
  'a'.repeat(10_000),
  '--steps',
  'units',
  'month',
  'v',
  '2000-01',
  '9999',
  'ts',
  'wasm-simd',
];
const COMMANDS = [
  'train',
  'train',
  'train',
  'generate',
  'forecast',
  'evaluate',
  'import',
  'trian',
  '',
  '--version',
];

type Arg = 'number' | 'string' | 'file' | 'none';
const FLAGS: [string, Arg][] = [
  ['--steps', 'number'],
  ['--epochs', 'number'],
  ['--hidden', 'number'],
  ['--layers', 'number'],
  ['--lr', 'number'],
  ['--seq-length', 'number'],
  ['--batch-size', 'number'],
  ['--lookback', 'number'],
  ['--horizon', 'number'],
  ['--season', 'number'],
  ['--temperature', 'number'],
  ['--top-k', 'number'],
  ['--top-p', 'number'],
  ['--length', 'number'],
  ['-n', 'number'],
  ['--seed', 'number'],
  ['--sample-every', 'number'],
  ['--stride', 'number'],
  ['--every', 'number'],
  ['--column', 'string'],
  ['--prompt', 'string'],
  ['--cell', 'string'],
  ['--task', 'string'],
  ['--example', 'string'],
  ['--strategy', 'string'],
  ['--scaler', 'string'],
  ['--test-from', 'string'],
  ['--backend', 'string'],
  ['--resume', 'file'],
  ['--checkpoint', 'file'],
  ['--out', 'file'],
  ['--json', 'none'],
  ['--quiet', 'none'],
  ['--csv', 'none'],
  ['--no-chart', 'none'],
  ['--mask', 'none'],
  ['--level', 'none'],
  ['--stpes', 'number'],
  ['--', 'none'],
  ['-', 'none'],
  ['---x', 'none'],
];

/** The flags each command takes, with values that pass the parser, so hostile files and combinations get deep. */
const PLAUSIBLE: Record<string, Record<string, readonly string[]>> = {
  train: {
    '--steps': ['1', '2', '3'],
    '--epochs': ['1', '2'],
    '--hidden': ['2', '5'],
    '--layers': ['1', '2'],
    '--lr': ['0.01', '1e9', '1e-30'],
    '--seq-length': ['1', '8', '400'],
    '--batch-size': ['1', '3', '1000'],
    '--lookback': ['2', '24', '100'],
    '--horizon': ['1', '3', '70'],
    '--season': ['1', '12', '500'],
    '--seed': ['0', '7'],
    '--sample-every': ['1'],
    '--every': ['1', '2'],
    '--column': ['units', 'month', 'v', 'c3', 'nope'],
    '--prompt': ['the', 'Z', '😀'],
    '--temperature': ['0', '3'],
    '--cell': ['lstm', 'gru', 'rnn'],
    '--task': ['text', 'forecast'],
    '--example': ['text', 'forecast'],
    '--strategy': ['recursive', 'direct'],
    '--scaler': ['standard', 'minmax'],
    '--test-from': ['2001-01', '1999', '2003-06'],
    '--backend': ['ts', 'wasm-simd'],
    '--resume': [],
    '--checkpoint': [],
    '--out': [],
    '--json': [],
    '--quiet': [],
    '--mask': [],
    '--level': [],
  },
  generate: {
    '--prompt': ['the', 'Z', '', '😀'],
    '--length': ['0', '1', '12'],
    '--temperature': ['0', '1', '5'],
    '--top-k': ['0', '1', '3'],
    '--top-p': ['0.1', '1'],
    '--seed': ['0', '3'],
    '--backend': ['ts'],
    '--json': [],
    '--quiet': [],
  },
  forecast: {
    '--column': ['units', 'v', 'nope'],
    '--steps': ['1', '12', '200'],
    '--csv': [],
    '--no-chart': [],
    '--backend': ['ts'],
    '--json': [],
    '--quiet': [],
  },
  evaluate: {
    '--column': ['units', 'v', 'nope'],
    '--horizon': ['1', '12', '500'],
    '--stride': ['1', '5'],
    '--no-chart': [],
    '--backend': ['ts'],
    '--json': [],
    '--quiet': [],
  },
  import: { '--out': [], '--backend': ['ts'], '--json': [], '--quiet': [] },
};

/** Flags the command takes, with values it parses: hostile files and combinations reach the command's body. */
function plausible(rng: Random, files: readonly string[], dir: string): string[] {
  const command = pick(rng, Object.keys(PLAUSIBLE));
  const flags = PLAUSIBLE[command];
  const argv = [command, pick(rng, files)];
  if (command === 'evaluate' || (command === 'forecast' && rng.next() < 0.6)) argv.push(pick(rng, files));
  for (let i = 0, n = rng.int(5); i < n; i++) {
    const flag = pick(rng, Object.keys(flags));
    const values = flags[flag];
    const file = ['--resume', '--checkpoint', '--out'].includes(flag);
    argv.push(flag);
    if (file) argv.push(rng.next() < 0.6 ? join(dir, `out-${rng.int(5)}.safetensors`) : pick(rng, files));
    else if (values.length > 0) argv.push(pick(rng, values));
  }
  return argv;
}

/** One hostile argument list (without `wasm-rnn`), bounded so that no run trains for long. */
export function cliCase(rng: Random, files: readonly string[], dir: string): string[] {
  const argv = rng.next() < 0.6 ? plausible(rng, files, dir) : [pick(rng, COMMANDS)];
  for (let i = 0, n = argv.length > 1 ? 0 : rng.int(7); i < n; i++) {
    if (rng.next() < 0.35) {
      argv.push(pick(rng, files));
      continue;
    }
    const [flag, arg] = pick(rng, FLAGS);
    argv.push(flag);
    if (arg === 'number') argv.push(pick(rng, NUMBERS));
    else if (arg === 'string') argv.push(pick(rng, STRINGS));
    else if (arg === 'file')
      argv.push(rng.next() < 0.7 ? pick(rng, files) : join(dir, `out-${rng.int(5)}.safetensors`));
  }
  if (argv[0] === 'train' || argv[0] === 'import') {
    // The default --out is in the working folder, and a hostile list may train for 100 epochs: both bounded.
    if (!argv.includes('--out')) argv.push('--out', join(dir, 'default-out.safetensors'));
    if (argv[0] === 'train' && !argv.includes('--steps')) argv.push('--steps', '2');
  }
  return argv;
}

export interface CliRun {
  argv: string[];
  code: number;
  out: string;
  err: string;
  ms: number;
  /** Why the run breaks the CLI's promise, if it does. */
  problem?: string;
}

/**
 * A failure is one line starting `wasm-rnn: `, the last on stderr; progress printed before it (training had
 * started) is allowed unless --quiet or --json asked for none.
 */
function failedInOneLine(lines: string[], argv: readonly string[]): boolean {
  const ours = lines.filter((l) => l.startsWith('wasm-rnn: '));
  const silent = argv.some((a) => a === '--quiet' || a === '-q' || a === '--json');
  return ours.length === 1 && lines.at(-1) === ours[0] && (!silent || lines.length === 1);
}

/** Runs one argument list in-process and checks the promise: exit 0, or 1/2 with one line, never "unexpected". */
export async function runCliCase(argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const t0 = performance.now();
  let code: number;
  try {
    code = await run(argv, {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    });
  } catch (error) {
    return {
      argv,
      code: -1,
      out,
      err,
      ms: performance.now() - t0,
      problem: `run threw ${(error as Error)?.stack ?? error}`,
    };
  }
  const problem = judge(argv, code, out, err);
  return { argv, code, out, err, ms: performance.now() - t0, ...(problem ? { problem } : {}) };
}

/** What is wrong with a run's outcome against the CLI's promise, or undefined. */
export function judge(argv: readonly string[], code: number, out: string, err: string): string | undefined {
  const lines = err.trimEnd().split('\n');
  if (/unexpected error/.test(err)) return `printed ${err.trim().slice(0, 300)}`;
  if (code !== 0 && code !== 1 && code !== 2) return `exit code ${code}`;
  if (code !== 0 && !failedInOneLine(lines, argv))
    return `exit ${code} with ${lines.length} lines on stderr: ${err.slice(0, 300)}`;
  const json = argv.includes('--json') && !argv.some((a) => ['--help', '-h', '--version', '-V'].includes(a));
  if (code === 0 && json) {
    try {
      JSON.parse(out);
    } catch {
      return `--json printed something that is not one JSON document: ${out.slice(0, 200)}`;
    }
  }
  return undefined;
}
