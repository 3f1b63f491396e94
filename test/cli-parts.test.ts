// The command line's parts on their own: progress lines, the terminal chart, failure lines, input checks and the
// AR baseline.

import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import asciichart from 'asciichart';
import { describe, expect, it } from 'vitest';
import { ShapeError } from 'wasm-rnn';
import { drawChart, resample } from '../bin/cli/chart.ts';
import { CliFailure, describeFailure, EXIT_FAILURE, EXIT_USAGE, UsageError } from '../bin/cli/fail.ts';
import {
  checkWritable,
  looksLikeModel,
  readModelFile,
  readSeriesFile,
  readTextFile,
} from '../bin/cli/files.ts';
import { createProgress, formatDuration } from '../bin/cli/progress.ts';
import { bundledPackages, CLI_IMPORTS, NOTICES_PATH, notices } from '../bin/third-party-notices.ts';

describe('progress', () => {
  it('prints a line every tenth of the run with loss, tokens/s and ETA when not on a terminal', () => {
    let out = '';
    let clock = 0;
    const p = createProgress(
      { write: (s: string) => (out += s) },
      { total: 100, label: 'train', now: () => clock },
    );
    for (let step = 1; step <= 100; step++) {
      p.update({ step, loss: 5 - step / 50, tokens: step * 1000 });
      clock += 10; // 10 ms per step of 1000 tokens: 100k tokens/s
    }
    p.stop();
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^train 10\/100 \| loss 4\.8000 \| 100k tok\/s \| ETA 1s$/);
    expect(lines.at(-1)).toMatch(/^train 100\/100 \| loss 3\.0000 \| 100k tok\/s \| ETA 0s$/);
  });

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 60)).toBe('3h01m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });
});

describe('chart', () => {
  it('averages long series down to the width and draws a row per height step', () => {
    expect(resample([1, 3, 5, 7], 2)).toEqual([2, 6]);
    expect(resample([1, 2], 5)).toEqual([1, 2]);
    const chart = drawChart(
      [
        { name: 'truth', values: Array.from({ length: 500 }, (_, i) => Math.sin(i / 20)) },
        { name: 'forecast', values: Array.from({ length: 500 }, (_, i) => Math.sin(i / 20) * 0.9) },
      ],
      { width: 60, height: 8, color: true },
    );
    const rows = chart.split('\n');
    expect(rows).toHaveLength(10); // 9 plot rows + legend
    const plain = (r: string) =>
      r
        .split('\u001b')
        .map((part, i) => (i ? part.replace(/^\[[\d;]*m/, '') : part))
        .join('');
    expect(Math.max(...rows.slice(0, -1).map((r) => plain(r).length))).toBeLessThanOrEqual(60);
    expect(rows.at(-1)).toContain('truth');
    expect(rows.at(-1)).toContain('forecast');
  });

  it('without a terminal, draws each line on its own titled plot on one scale, with no escape codes', () => {
    const ramp = Array.from({ length: 30 }, (_, i) => i);
    const chart = drawChart(
      [
        { name: 'history → forecast', values: ramp },
        { name: '80 % interval', values: ramp.map((v) => v - 5) },
        { name: '80 % interval', values: ramp.map((v) => v + 5) },
        { name: 'baseline', values: ramp.map((v) => v / 2) },
      ],
      { width: 60, height: 8, color: false },
    );
    expect(chart).not.toContain('\u001b');
    const rows = chart.split('\n');
    expect(rows.filter((r) => r.trim() === 'history → forecast')).toHaveLength(1);
    expect(rows.filter((r) => r.trim() === 'baseline')).toHaveLength(1);
    expect(rows.at(-1)).toContain('(80 % interval: in the table above)');
    // One scale for every plot, the interval's bounds included: both plots' top labels read 34.0.
    expect(rows.filter((r) => /^\s+34\.0 /.test(r))).toHaveLength(2);
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(60);
  });

  it('gives lines of one name (the bounds of an interval) one legend entry, and draws the first line on top', () => {
    const ramp = Array.from({ length: 20 }, (_, i) => i / 2);
    const chart = drawChart(
      [
        { name: 'forecast', values: ramp },
        { name: '80 % interval', values: ramp },
        { name: '80 % interval', values: ramp },
      ],
      { width: 60, height: 8, color: true },
    );
    const rows = chart.split('\n');
    expect(rows.at(-1)!.match(/80 % interval/g)).toHaveLength(1);
    // The lines coincide, so only the one on top shows: the forecast's light gray, never the bounds' green.
    const plot = rows.slice(0, -1).join('\n');
    expect(plot).toContain(asciichart.lightgray);
    expect(plot).not.toContain(asciichart.green);
  });
});

describe('failures', () => {
  it('is one line with an exit code that tells usage from data errors', () => {
    expect(describeFailure(new UsageError('--steps must be a whole number > 0'))).toEqual({
      line: 'wasm-rnn: --steps must be a whole number > 0',
      code: EXIT_USAGE,
    });
    expect(describeFailure(new ShapeError('x must be [2]'))).toEqual({
      line: 'wasm-rnn: ShapeError: x must be [2]',
      code: EXIT_FAILURE,
    });
    const enoent = Object.assign(new Error('ENOENT: open'), { code: 'ENOENT', path: 'nope.txt' });
    expect(describeFailure(enoent).line).toBe(
      'wasm-rnn: nope.txt: no such file or directory; check the path',
    );
    const bug = describeFailure(new TypeError('x is undefined\n  at somewhere'));
    expect(bug.line).not.toContain('\n');
    expect(bug.line).toMatch(/unexpected error: x is undefined/);
  });
});

describe('input files', () => {
  const dir = mkdtemp(join(tmpdir(), 'wasm-rnn-cli-'));
  const file = async (name: string, text: string) => {
    const path = join(await dir, name);
    await writeFile(path, text);
    return path;
  };

  it('reads a date,value CSV without --column and names a missing or non-numeric column', async () => {
    const two = await file('two.csv', 'date,co2\n2001-01-01,370.1\n2001-01-08,\n2001-01-15,370.5\n');
    const s = await readSeriesFile(two, undefined);
    expect(s.column).toBe('co2');
    expect([...s.missing]).toEqual([1]);
    expect(s.dates).toEqual(['2001-01-01', '2001-01-08', '2001-01-15']);
    const wide = await file('wide.csv', 'a,b,c\n1,2,3\n');
    await expect(readSeriesFile(wide, undefined)).rejects.toThrow(
      /has columns "a", "b", "c"; choose .* --column/,
    );
    await expect(readSeriesFile(wide, 'd')).rejects.toThrow(
      /column "d" is not in the CSV; available columns: "a", "b", "c"/,
    );
    const bad = await file('bad.csv', 'x\n1\nabc\n');
    // The library's DataError, with the file named first (exit code 1: the data is at fault).
    await expect(readSeriesFile(bad, 'x')).rejects.toThrow(CliFailure);
    await expect(readSeriesFile(bad, 'x')).rejects.toThrow(/bad\.csv: .*line 3.*"abc" is not a number/);
  });

  it('names a model file given as data, data given as a model, and a folder given as a file', async () => {
    const model = new Uint8Array(16);
    new DataView(model.buffer).setBigUint64(0, 2n, true);
    model.set([0x7b, 0x7d], 8);
    expect(looksLikeModel(model)).toBe(true);
    expect(looksLikeModel(new TextEncoder().encode('date,value\n1,2\n'))).toBe(false);
    const path = join(await dir, 'm.safetensors');
    await writeFile(path, model);
    await expect(readTextFile(path)).rejects.toThrow(/m\.safetensors is a model file, not a text file/);
    await expect(readSeriesFile(path, undefined)).rejects.toThrow(/is a model file, not a CSV file/);
    await expect(readModelFile(await file('d.csv', 'date,value\n1,2\n'))).rejects.toThrow(
      /d\.csv is not a wasm-rnn model file/,
    );
    await expect(readTextFile(await dir)).rejects.toThrow(/is a directory; give a text file/);
    await expect(readModelFile(await dir)).rejects.toThrow(/is a directory; give a model file/);
  });

  it('refuses an empty text and an output folder that does not exist', async () => {
    await expect(readTextFile(await file('empty.txt', ' \n\n'))).rejects.toThrow(/is empty/);
    expect(await readTextFile(await file('t.txt', 'hello'))).toBe('hello');
    await expect(checkWritable(join(await dir, 'missing', 'model.safetensors'))).rejects.toThrow(
      /the folder .*missing does not exist/,
    );
    await expect(checkWritable(await dir)).rejects.toThrow(/it is a folder/);
    await expect(checkWritable(join(await dir, 'ok.safetensors'))).resolves.toBeUndefined();
  });
});

describe('third-party notices', () => {
  it('names every package the CLI bundles, with its version and licence text, and is up to date', () => {
    // Every package bin/ imports by name is one that the notices follow (and the bundle carries).
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const bin = new URL('../bin/', import.meta.url).pathname;
    const imported = new Set<string>();
    for (const path of [...sources(join(bin, 'cli')), join(bin, 'wasm-rnn.ts')]) {
      for (const [, spec] of readFileSync(path, 'utf8').matchAll(/from '([^'.][^']*)'/g)) {
        if (!spec.startsWith('node:') && spec !== 'wasm-rnn') imported.add(spec.split('/')[0]);
      }
    }
    expect([...imported].sort()).toEqual([...CLI_IMPORTS].sort());
    const text = readFileSync(NOTICES_PATH, 'utf8');
    const packages = bundledPackages();
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining([...CLI_IMPORTS, 'string-width', 'strip-ansi', 'ansi-regex']),
    );
    for (const p of packages) {
      expect(text, p.name).toContain(`## ${p.name} ${p.version}`);
      expect(text, p.name).toContain(`Licence: ${p.license}`);
    }
    expect(text.match(/Permission is hereby granted/g)?.length).toBe(packages.length);
    expect(text, 'run npx tsx bin/third-party-notices.ts').toBe(notices());
  });
});
