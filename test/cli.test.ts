// The wasm-rnn command line, driven in-process as a user types it: --help on every command, one-line errors
// with a non-zero exit code for each kind of bad input (and no model file written), and short real runs of
// train → generate / forecast / evaluate whose model files round-trip.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../bin/cli/program.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-'));
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

/** One line on stderr, a failure exit code, and the model file never written. */
async function refused(code: number, pattern: RegExp, ...argv: string[]) {
  const out = join(dir, `refused-${Math.random().toString(36).slice(2)}.safetensors`);
  const r = await cli(...argv, ...(argv[0] === 'train' && !argv.includes('--out') ? ['--out', out] : []));
  expect(r.code, r.err).toBe(code);
  expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
  expect(r.err).toMatch(pattern);
  expect(existsSync(out)).toBe(false);
}

const seasonalCsv = () =>
  `date,value\n${Array.from({ length: 160 }, (_, t) => `${t},${(0.05 * t + Math.sin((2 * Math.PI * t) / 12)).toFixed(4)}`).join('\n')}\n`;

describe('wasm-rnn --help', () => {
  it('answers on the program and on every command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['train', 'generate', 'forecast', 'evaluate', 'bench']) {
      expect(top.out).toContain(c);
      const r = await cli(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.out).toContain(`Usage: wasm-rnn ${c}`);
    }
    expect((await cli('train', '--help')).out).toContain('--seq-length <n>');
  });
});

describe('bad input', () => {
  it('a wrong flag or value is a usage error (exit 2) in one line', async () => {
    await refused(2, /unknown option '--stpes'.*Did you mean --steps\?/, 'train', 'x.txt', '--stpes', '3');
    await refused(
      2,
      /option '--steps <n>' argument 'many' is invalid\. must be a whole number ≥ 1/,
      'train',
      'x.txt',
      '--steps',
      'many',
    );
    await refused(2, /missing required argument 'file'/, 'train');
    await refused(
      2,
      /the folder .*nowhere does not exist/,
      'train',
      'x.txt',
      '--out',
      join(dir, 'nowhere', 'm.safetensors'),
    );
  });

  it('a missing file, an empty text, a missing column, a non-numeric cell, too few points: exit 1, one line', async () => {
    await refused(1, /nope\.txt: no such file or directory/, 'train', join(dir, 'nope.txt'));
    await refused(1, /is empty \(or only whitespace\)/, 'train', await file('empty.txt', '\n \n'));
    const csv = await file('wide.csv', 'date,a,b\n1,2,3\n');
    await refused(2, /has columns "date", "a", "b"; choose the one to use with --column NAME/, 'train', csv);
    await refused(
      1,
      /DataError: column "c" is not in the CSV; available columns: "date", "a", "b"/,
      'train',
      csv,
      '--column',
      'c',
    );
    const bad = await file('bad.csv', 'date,v\n1,1.5\n2,n/a\n3,2\n');
    await refused(1, /row 2 \(line 3\), column "v": "n\/a" is not a number/, 'train', bad);
    const short = await file('short.csv', `v\n${Array.from({ length: 30 }, (_, i) => i).join('\n')}\n`);
    await refused(
      1,
      /training split holds 21, but lookback 24 \+ horizon 1 needs more than 25; use a longer series or a shorter lookback/,
      'train',
      short,
      '--lookback',
      '24',
    );
  });
});

describe('train, then use the model', () => {
  it('text: trains, writes atomically, generates, refuses unknown prompt characters, evaluates', async () => {
    const text = await file('cycle.txt', 'hello world. '.repeat(300));
    const model = join(dir, 'text.safetensors');
    const t = await cli(
      'train',
      text,
      '--steps',
      '30',
      '--hidden',
      '16',
      '--seq-length',
      '16',
      '--out',
      model,
    );
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/wrote .*text\.safetensors \(30 steps/);
    expect(t.err).toMatch(/train 30\/30 \| loss [\d.]+ \| [\dk]+ tok\/s \| ETA 0s/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const g = await cli('generate', model, '--prompt', 'hello', '--length', '20', '--seed', '3');
    expect(g.code, g.err).toBe(0);
    expect(g.out.startsWith('hello')).toBe(true);
    expect(g.out.trimEnd().length).toBe(25);
    expect((await cli('generate', model, '--prompt', 'hello', '--length', '20', '--seed', '3')).out).toBe(
      g.out,
    );
    await refused(
      1,
      /prompt: character "Z" \(U\+005A\) at index 0 is not one of the \d+ characters/,
      'generate',
      model,
      '--prompt',
      'Zed',
    );
    // At train time the prompt is checked before the first step, and no model is written.
    await refused(1, /prompt: character "Z"/, 'train', text, '--steps', '5', '--prompt', 'Zed');
    const e = await cli('evaluate', model, text);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/bits\/char · perplexity/);
    await refused(2, /holds a text model .*forecast needs a forecaster/, 'forecast', model);
  });

  it('forecast: trains on a CSV column, prints the baselines, forecasts and evaluates from the file', async () => {
    const csv = await file('seasonal.csv', seasonalCsv());
    const model = join(dir, 'forecast.safetensors');
    const t = await cli(
      'train',
      csv,
      '--season',
      '12',
      '--horizon',
      '12',
      '--hidden',
      '8',
      '--epochs',
      '3',
      '--out',
      model,
    );
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/the forecaster chose: \S+/);
    expect(t.out).toMatch(/forecaster\s+[\d.]+\s+[\d.]+/);
    expect(t.out).toMatch(/seasonal naive\s+[\d.]+/);
    expect(t.out).toMatch(/AR \(least squares\)\s+[\d.]+/);
    expect(t.out).toMatch(/exponential smoothing\s+[\d.]+/);
    const f = await cli('forecast', model, '--steps', '6', '--csv');
    expect(f.code, f.err).toBe(0);
    const lines = f.out.trim().split('\n');
    expect(lines[0]).toBe('step,value,lower80,upper80,lower95,upper95');
    expect(lines).toHaveLength(7);
    for (const l of lines.slice(1)) {
      const [, value, lo80, hi80, lo95, hi95] = l.split(',').map(Number);
      expect(Number.isFinite(value), l).toBe(true);
      expect(lo95 <= lo80 && lo80 <= value && value <= hi80 && hi80 <= hi95, l).toBe(true);
    }
    // After the CSV, the steps are labelled with the rows that follow its time column (0 … 159).
    const table = await cli('forecast', model, csv, '--steps', '6');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/step\s+date\s+forecast\s+lo 80\s+hi 80\s+lo 95\s+hi 95/);
    expect(table.out).toMatch(/^1\s+160\s+[\d.-]+/m);
    expect(table.out).toMatch(/^6\s+165\s+[\d.-]+/m);
    expect(table.out).toContain('history → forecast');
    expect(table.out).toContain('80 % interval');
    const dated = await cli('forecast', model, csv, '--steps', '2', '--csv');
    expect(dated.out.split('\n')[1]).toMatch(/^1,160,[\d.-]+,/);
    const e = await cli('evaluate', model, csv, '--no-chart');
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/AR \(least squares\)\s+[\d.]+\s+[\d.]+/);
    expect(e.out).toMatch(/MAE [\d.]+ against seasonal naive's [\d.]+/);
    await refused(2, /holds a forecaster .*generate needs a text model/, 'generate', model);
  });

  it('forecast: --test-from holds out the rows from a date of the time column on', async () => {
    const months = Array.from(
      { length: 120 },
      (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
    );
    const csv = await file(
      'dated.csv',
      `month,v\n${months.map((m, i) => `${m},${(10 + Math.sin(i / 2) + i / 20).toFixed(3)}`).join('\n')}\n`,
    );
    const model = join(dir, 'dated.safetensors');
    const t = await cli(
      'train',
      csv,
      '--hidden',
      '4',
      '--epochs',
      '1',
      '--season',
      '12',
      '--test-from',
      '2008-01',
      '--out',
      model,
    );
    expect(t.code, t.err).toBe(0);
    // 2008-01 is row 96: the test split is rows 96–119.
    expect(t.out).toMatch(/walk-forward on the test split \(rows 96–119\)/);
    await refused(
      2,
      /--test-from 1990-01 must fall inside the time column \(2000-01 … 2009-12\)/,
      'train',
      csv,
      '--test-from',
      '1990-01',
      '--out',
      model,
    );
  });

  it('forecast: a short series still trains (with a shorter lookback said in a note) and forecasts without intervals', async () => {
    const csv = await file('short-ok.csv', `v\n${Array.from({ length: 30 }, (_, i) => i).join('\n')}\n`);
    const model = join(dir, 'short.safetensors');
    const t = await cli('train', csv, '--hidden', '4', '--epochs', '1', '--out', model);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/note: .*lookback/);
    // Without a season, seasonal naive would repeat naive: only naive is printed.
    expect(t.out).not.toMatch(/seasonal naive\s+[\d.]/);
    // 21 rows before the test split are too few for AR(10) (2 rows per coefficient): its row is left out.
    expect(t.out).not.toMatch(/AR \(least squares\)/);
    const f = await cli('forecast', model, '--steps', '3', '--csv');
    expect(f.code, f.err).toBe(0);
    expect(f.out.trim().split('\n')[0]).toBe('step,value');
  });

  it('bench prints tokens/s per backend', async () => {
    // The ts backend takes seconds per W1 step; npm run cli -- bench measures it with the others.
    const b = await cli('bench', '--seconds', '0.05', '--backends', 'wasm-simd');
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/W1 char-LM.*\d/);
    expect(b.out).toMatch(/W3 forecasting.*\d/);
  });
});

describe('the executable', () => {
  it('exits non-zero with one line on stderr for bad input', async () => {
    const exec = promisify(execFile);
    const failed = await exec(
      process.execPath,
      ['--import', 'tsx', join(root, 'bin', 'wasm-rnn.ts'), 'train', join(dir, 'absent.csv')],
      {
        cwd: root,
      },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toMatch(
      /^wasm-rnn: .*absent\.csv: no such file or directory; check the path$/,
    );
  });
});
