// --quiet and --json on train, evaluate, forecast, generate and import: --json prints exactly one JSON document
// on stdout holding the results (metrics, files written, forecasts) and nothing on stderr; --quiet prints the
// results without progress, charts or running samples. Binary and non-UTF-8 files given to train are refused by
// the command line itself, in one line naming the file, before training.

import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';

let dir = '';
let textModel = '';
let forecaster = '';
let csv = '';
let text = '';

/** stdout is one JSON document (JSON.parse fails on a second one or on any other line). */
function oneDocument(r: { code: number; out: string; err: string }): Record<string, unknown> {
  expect(r.code, r.err).toBe(0);
  expect(r.err).toBe('');
  return JSON.parse(r.out);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-out-'));
  text = join(dir, 'song.txt');
  await writeFile(text, 'la la land, la la sun. '.repeat(100));
  csv = join(dir, 'wave.csv');
  const rows = Array.from(
    { length: 120 },
    (_, t) => `2000-${String((t % 12) + 1).padStart(2, '0')}-01,${(Math.sin(t / 2) + t / 50).toFixed(3)}`,
  );
  // Monthly dates over ten years: the first column is a time column the forecast continues.
  const monthly = rows.map((r, t) => r.replace(/^2000/, String(2000 + Math.floor(t / 12))));
  await writeFile(csv, `date,v\n${monthly.join('\n')}\n`);
  textModel = join(dir, 'song.safetensors');
  forecaster = join(dir, 'wave.safetensors');
});

describe('--json', () => {
  it('train (text and forecast), generate, evaluate, forecast and import each print one document', async () => {
    const t = oneDocument(
      await cli(
        'train',
        text,
        '--steps',
        '12',
        '--hidden',
        '8',
        '--seq-length',
        '16',
        '--out',
        textModel,
        '--json',
      ),
    );
    expect(t).toMatchObject({ command: 'train', task: 'text', out: textModel, steps: 12, stepsTrained: 12 });
    expect(typeof t.loss).toBe('number');
    expect(typeof t.sample).toBe('string');

    const g = oneDocument(await cli('generate', textModel, '--prompt', 'la', '--length', '10', '--json'));
    expect(g).toMatchObject({ command: 'generate', model: textModel, prompt: 'la' });
    expect((g.text as string).length).toBe(12);

    const e = oneDocument(await cli('evaluate', textModel, text, '--json'));
    expect(e).toMatchObject({ command: 'evaluate', task: 'text' });
    const scores = e.scores as { loss: number; bitsPerCharacter: number; perplexity: number };
    expect(scores.bitsPerCharacter).toBeCloseTo(scores.loss / Math.LN2, 10);

    const f = oneDocument(
      await cli(
        'train',
        csv,
        '--steps',
        '20',
        '--hidden',
        '8',
        '--season',
        '12',
        '--out',
        forecaster,
        '--json',
      ),
    );
    expect(f).toMatchObject({ command: 'train', task: 'forecast', out: forecaster });
    const ev = f.evaluation as { scores: Record<string, { mae: number }>; forecasts: number };
    expect(ev.scores.model.mae).toBeGreaterThan(0);
    expect(ev.scores.seasonalNaive.mae).toBeGreaterThan(0);

    const p = oneDocument(await cli('forecast', forecaster, csv, '--steps', '3', '--json'));
    const steps = p.forecast as {
      step: number;
      date: string;
      value: number;
      lower80: number;
      upper80: number;
    }[];
    expect(steps.map((s) => s.date)).toEqual(['2010-01-01', '2010-02-01', '2010-03-01']);
    for (const s of steps) expect(s.lower80).toBeLessThanOrEqual(s.upper80);

    const es = oneDocument(await cli('evaluate', forecaster, csv, '--json'));
    expect((es.scores as Record<string, { mae: number }>).model.mae).toBeCloseTo(ev.scores.model.mae, 5);

    const onnx = fileURLToPath(new URL('./fixtures/onnx/import/emb_lstm_bi_hn.onnx', import.meta.url));
    const imported = join(dir, 'imported.safetensors');
    const i = oneDocument(await cli('import', onnx, '--out', imported, '--json'));
    expect(i).toEqual({ command: 'import', from: onnx, out: imported });
    expect(existsSync(imported)).toBe(true);
  }, 60_000);

  it('an error under --json is one line on stderr and nothing on stdout', async () => {
    const r = await cli('forecast', textModel, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('--quiet', () => {
  it('train prints its results without the progress lines or running samples', async () => {
    const loud = await cli(
      'train',
      text,
      '--steps',
      '10',
      '--hidden',
      '8',
      '--seq-length',
      '16',
      '--sample-every',
      '5',
      '--out',
      join(dir, 'l.safetensors'),
    );
    expect(loud.err).toMatch(/train 10\/10/);
    expect(loud.err).toMatch(/sample after 5 steps/);
    const q = await cli(
      'train',
      text,
      '--steps',
      '10',
      '--hidden',
      '8',
      '--seq-length',
      '16',
      '--sample-every',
      '5',
      '--out',
      join(dir, 'q.safetensors'),
      '--quiet',
    );
    expect(q.code, q.err).toBe(0);
    expect(q.err).toBe('');
    expect(q.out).toMatch(/wrote .*q\.safetensors \(10 steps/);
    expect(q.out).not.toMatch(/sample after 5 steps/);
  });

  it('forecast and evaluate leave out the chart', async () => {
    const loud = await cli('forecast', forecaster, '--steps', '4');
    expect(loud.out).toMatch(/then the 4-step forecast/);
    const q = await cli('forecast', forecaster, '--steps', '4', '-q');
    expect(q.code, q.err).toBe(0);
    expect(q.out).toMatch(/forecast by/);
    expect(q.out).not.toMatch(/then the 4-step forecast/);
    const e = await cli('evaluate', forecaster, csv, '--quiet');
    expect(e.out).toMatch(/MAE/);
    expect(e.out.split('\n').length).toBeLessThan(
      (await cli('evaluate', forecaster, csv)).out.split('\n').length,
    );
  });
});

describe('text that is not text', () => {
  const refusedTrain = async (name: string, bytes: Uint8Array | string, message: RegExp) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const out = join(dir, `${name}.safetensors`);
    const r = await cli('train', path, '--out', out, '--steps', '1');
    expect(r.code, r.err).toBe(1);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.err.trim()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  };

  it('refuses a binary file, Latin-1 bytes, control characters and U+FFFD, naming the file and the place', async () => {
    await refusedTrain(
      'image.txt',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      /^wasm-rnn: \S*image\.txt is a binary file, not text: it holds a NUL byte at line 3, column 1; give a UTF-8 text file$/,
    );
    await refusedTrain(
      'latin1.txt',
      Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]),
      /^wasm-rnn: \S*latin1\.txt is not UTF-8 text: the bytes at line 1, column 4 are not UTF-8 \(another encoding, or a binary file\); convert it to UTF-8$/,
    );
    await refusedTrain(
      'controls.txt',
      `ab${'\u0001'.repeat(5)}${'x'.repeat(100)}`,
      /^wasm-rnn: \S*controls\.txt looks like a binary file, not text: 5 of its 107 bytes are control characters/,
    );
    await refusedTrain(
      'replaced.txt',
      'line one\nbad \uFFFD here\n',
      /^wasm-rnn: \S*replaced\.txt holds U\+FFFD at line 2, column 5, the mark a converter leaves/,
    );
  });

  it('accepts UTF-8 text with tabs, accents and emoji', async () => {
    const path = join(dir, 'fine.txt');
    await writeFile(path, 'café\tnaïve 🙂 über\n'.repeat(60));
    const r = await cli(
      'train',
      path,
      '--out',
      join(dir, 'fine.safetensors'),
      '--steps',
      '2',
      '--hidden',
      '8',
      '-q',
    );
    expect(r.code, r.err).toBe(0);
  });
});
