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
import { cli } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-'));
});

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
    await refused(2, /train needs a FILE to learn from, or --example text\|forecast/, 'train');
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
      /wide\.csv: column "c" is not in the CSV; available columns: "date", "a", "b"/,
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
      2,
      /--prompt: character "Z" \(U\+005A\) at index 0 is not one of the \d+ characters .*text\.safetensors was trained on/,
      'generate',
      model,
      '--prompt',
      'Zed',
    );
    // At train time the prompt is checked before the first step, and no model is written.
    await refused(2, /--prompt: character "Z"/, 'train', text, '--steps', '5', '--prompt', 'Zed');
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

  it('import: an ONNX LSTM becomes a model file; an unsupported graph is refused by node and op', async () => {
    const fixtures = new URL('./fixtures/onnx/', import.meta.url);
    const out = join(dir, 'imported.safetensors');
    const ok = await cli(
      'import',
      fileURLToPath(new URL('import/emb_lstm_bi_hn.onnx', fixtures)),
      '--out',
      out,
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/wrote .*imported\.safetensors/);
    expect(existsSync(out)).toBe(true);
    const refusedOut = join(dir, 'refused-import.safetensors');
    const bad = await cli(
      'import',
      fileURLToPath(new URL('refuse/rnn_reverse.onnx', fixtures)),
      '--out',
      refusedOut,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/direction "reverse"/);
    expect(existsSync(refusedOut)).toBe(false);
  });

  it('bench prints tokens/s per backend', async () => {
    // The ts backend takes seconds per W1 step; npm run cli -- bench measures it with the others.
    const b = await cli('bench', '--seconds', '0.05', '--backends', 'wasm-simd');
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/W1 char-LM.*\d/);
    expect(b.out).toMatch(/W3 forecasting.*\d/);
    // Without ts in the run there is no base for the ratio column: no column rather than NaN×.
    expect(b.out).not.toMatch(/NaN|best \/ ts/);
  });
});

describe("a user's mistakes, each one line in the command line's terms", () => {
  it('a file of the wrong kind: a model as data, data as a model, a folder, a text model given a CSV', async () => {
    const text = await file('mistakes.txt', 'hello world. '.repeat(100));
    const model = join(dir, 'mistakes.safetensors');
    expect((await cli('train', text, '--steps', '2', '--hidden', '4', '--out', model)).code).toBe(0);
    const csv = await file('mistakes.csv', seasonalCsv());
    await refused(
      2,
      /mistakes\.safetensors is a model file, not a text file; give the data file here/,
      'train',
      model,
    );
    await refused(
      2,
      /mistakes\.safetensors is a model file, not a CSV file/,
      'train',
      model,
      '--task',
      'forecast',
    );
    await refused(2, /mistakes\.txt is not a wasm-rnn model file/, 'generate', text);
    await refused(2, /mistakes\.csv is not a wasm-rnn model file/, 'evaluate', csv, text);
    await refused(2, /wasm-rnn: \S*wasm-rnn-cli-\w+ is a directory; give a text file\n$/, 'train', dir);
    await refused(2, /is a directory; give a model file written by wasm-rnn train/, 'forecast', dir);
    await refused(
      2,
      /mistakes\.safetensors holds a text model, which is scored on a text file, but .*mistakes\.csv is a CSV/,
      'evaluate',
      model,
      csv,
    );
    // A text file where a forecaster wants a CSV: the CSV error names the likely cause, or the header is prose.
    const forecaster = join(dir, 'mistakes-forecast.safetensors');
    const f = await cli('train', csv, '--hidden', '4', '--epochs', '1', '--out', forecaster);
    expect(f.code, f.err).toBe(0);
    const poem = await file('poem.txt', 'Roses:\nred, blue\n');
    await refused(
      1,
      /poem\.txt: CSV line 2 has 2 fields but the header has 1 \(a forecaster reads a CSV file with a header row\)/,
      'evaluate',
      forecaster,
      poem,
    );
    const prose = await file(
      'prose.txt',
      `${'a long first line of prose, not names of columns '.repeat(2)}\n`,
    );
    await refused(2, /prose\.txt does not look like a CSV file/, 'forecast', forecaster, prose);
    const other = await file('other.txt', 'Quite different.\n');
    await refused(
      2,
      /other\.txt: character "Q" \(U\+0051\) at line 1, column 1 is not one of the \d+ characters .*mistakes\.safetensors was trained on/,
      'evaluate',
      model,
      other,
    );
  });

  it('a flag of the other task is refused, not ignored', async () => {
    const text = await file('flags.txt', 'hello world. '.repeat(100));
    const csv = await file('flags.csv', seasonalCsv());
    await refused(
      2,
      /--season is for forecasting a CSV column, but .*flags\.txt trains a text model/,
      'train',
      text,
      '--season',
      '12',
    );
    await refused(2, /--horizon is for forecasting/, 'train', text, '--horizon', '1');
    await refused(2, /--test-from is for forecasting/, 'train', text, '--test-from', '3');
    await refused(
      2,
      /--prompt is for text models, but .*flags\.csv trains a forecaster/,
      'train',
      csv,
      '--prompt',
      'a',
    );
    await refused(2, /--seq-length is for text models/, 'train', csv, '--seq-length', '64');
    await refused(
      2,
      /--temperature is for text models/,
      'train',
      text,
      '--task',
      'forecast',
      '--temperature',
      '1',
    );
  });

  it('training that diverges exits 1 and writes no model', async () => {
    /** The progress lines, then the failure as the last line; exit 1 and no model file. */
    async function diverges(pattern: RegExp, ...argv: string[]) {
      const out = join(dir, `diverged-${Math.random().toString(36).slice(2)}.safetensors`);
      const r = await cli('train', ...argv, '--out', out);
      expect(r.code, r.err).toBe(1);
      expect(r.err.trim().split('\n').at(-1)).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    }
    const text = await file('diverge.txt', 'hello world. '.repeat(300));
    await diverges(
      /^wasm-rnn: training diverged: the loss went from [\d.]+ to \S+ by step \d+; --lr 1e\+9 is too high; try 2e-3, the default\. .* was not written$/,
      text,
      '--lr',
      '1e9',
      '--steps',
      '20',
      '--hidden',
      '8',
      '--seq-length',
      '16',
    );
    const csv = await file('diverge.csv', seasonalCsv());
    await diverges(
      /^wasm-rnn: training diverged: .*try 3e-3, the default\. .* was not written$/,
      csv,
      '--lr',
      '1e9',
      '--epochs',
      '2',
      '--hidden',
      '8',
    );
    // A sane rate trains and writes (the check does not fire on ordinary noise).
    const ok = await cli(
      'train',
      text,
      '--steps',
      '20',
      '--hidden',
      '8',
      '--seq-length',
      '16',
      '--out',
      join(dir, 'sane.safetensors'),
    );
    expect(ok.code, ok.err).toBe(0);
  });
});

describe('the samples the package carries', () => {
  it("train --example text and --example forecast train on them; flags given win over the example's", async () => {
    const text = join(dir, 'example-text.safetensors');
    const t = await cli('train', '--example', 'text', '--steps', '3', '--hidden', '8', '--out', text);
    expect(t.code, t.err).toBe(0);
    expect(t.err).toMatch(/training a LSTM on 99843 characters/);
    expect(t.out).toMatch(/sample after 3 steps:\n {2}│ ROMEO:/);
    const g = await cli('generate', text, '--prompt', 'JULIET:', '--length', '5');
    expect(g.code, g.err).toBe(0);
    const forecast = join(dir, 'example-forecast.safetensors');
    const f = await cli(
      'train',
      '--example',
      'forecast',
      '--epochs',
      '1',
      '--hidden',
      '4',
      '--out',
      forecast,
    );
    expect(f.code, f.err).toBe(0);
    expect(f.err).toMatch(/forecasting "value": 144 rows/);
    expect(f.out).toMatch(/seasonal naive\s+[\d.]+/);
    await refused(
      2,
      /give FILE \(x\.txt\) or --example text, not both/,
      'train',
      'x.txt',
      '--example',
      'text',
    );
    await refused(2, /--example.*must be one of text, forecast/, 'train', '--example', 'poems');
  });

  it('wasm-rnn demo forecast trains, writes the model into --out-dir and prints the commands to try next', async () => {
    const out = await mkdtemp(join(dir, 'demo-'));
    const d = await cli('demo', 'forecast', '--out-dir', out);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toMatch(/== forecast: monthly airline passengers/);
    expect(d.out).toMatch(/wrote .*air-passengers\.safetensors/);
    expect(d.out).toMatch(
      /next, try:\n {2}wasm-rnn forecast .*air-passengers\.safetensors .*air_passengers\.csv --steps 24/,
    );
    expect(await readdir(out)).toEqual(['air-passengers.safetensors']);
    const f = await cli(
      'forecast',
      join(out, 'air-passengers.safetensors'),
      join(root, 'data/series/air_passengers.csv'),
      '--steps',
      '2',
    );
    expect(f.out).toMatch(/^1\s+1961-01\s+[\d.]+/m);
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
