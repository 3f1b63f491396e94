// `wasm-rnn train --task dates` and `wasm-rnn translate`: the attention translator reaches exact match on
// held-out dates where the same model without attention does not; the file it writes is the model it scored
// (translate gives the same exact match on the same held-out dates, independently checked); refusals by name.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../bindings/io/model-file.ts';
import { datesTask } from '../bindings/tasks/dates.ts';
import { cli } from './helpers/cli.ts';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-train-dates-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The held-out dates train --task dates scores (seed 0): another seed's, less the training texts. */
function heldOut(seed: number) {
  const seen = new Set(datesTask({ count: 2000, seed }).pairs.map((p) => p.text));
  return datesTask({ count: 500, seed: seed + 1_000_003 }).pairs.filter((p) => !seen.has(p.text));
}

/** The CLI as a user runs it, sent SIGINT 300 ms after its stderr first shows `started`. */
function interrupted(argv: string[], started: RegExp) {
  return new Promise<{ code: number | null; err: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'bin/wasm-rnn.ts', ...argv],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      err += d;
      if (!sent && started.test(err)) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, err });
    });
  });
}

describe('wasm-rnn train --task dates, wasm-rnn translate', () => {
  let additive = 0;

  it('with additive attention, ≥ 95 % exact match on held-out dates at 250 steps; the file translates as scored', async () => {
    const out = join(tmp, 'dates.safetensors');
    const r = await cli('train', '--task', 'dates', '--out', out, '--json', '--backend', 'wasm-simd');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ task: 'dates', attention: 'additive', steps: 250, out });
    const pairs = heldOut(0);
    expect(doc.heldOut).toBe(pairs.length);
    additive = doc.exactMatch;
    // Measured 1.00 (499 of 499) seeded on wasm-simd.
    expect(additive).toBeGreaterThanOrEqual(0.95);

    const t = await cli('translate', out, ...pairs.map((p) => p.text), '--json', '--backend', 'wasm-simd');
    expect(t.code).toBe(0);
    const dates: { text: string; iso: string }[] = JSON.parse(t.out).dates;
    expect(dates.map((d) => d.text)).toEqual(pairs.map((p) => p.text));
    const right = dates.filter((d, i) => d.iso === pairs[i].iso).length;
    expect(right / pairs.length).toBe(additive);

    // A person's spelling: capitals are read as the generator's lower case.
    const one = await cli('translate', out, '3 Mars 2021', '--backend', 'wasm-simd');
    expect(one).toEqual({ code: 0, out: '2021-03-03\n', err: '' });
  });

  it('without attention, the same steps leave it far behind', async () => {
    const out = join(tmp, 'plain.safetensors');
    const r = await cli('train', '--task', 'dates', '--attention', 'none', '--out', out, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.attention).toBe('none');
    expect(doc.exactMatch).toBeLessThanOrEqual(additive - 0.5);
  });

  it('trains the other scores and cells with --steps, --hidden and --cell as given', async () => {
    for (const [score, cell] of [
      ['general', 'lstm'],
      ['dot', 'gru'],
    ]) {
      const out = join(tmp, `${score}.safetensors`);
      const r = await cli(
        'train',
        '--task',
        'dates',
        '--attention',
        score,
        '--cell',
        cell,
        '--hidden',
        '16',
        '--steps',
        '5',
        '--out',
        out,
        '--json',
        // --dtype applies to the translator's file as to the other tasks'.
        ...(score === 'dot' ? ['--dtype', 'f16'] : []),
      );
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ attention: score, steps: 5 });
      expect(readManifest(await readFile(out)).dtype).toBe(score === 'dot' ? 'f16' : undefined);
      const t = await cli('translate', out, '17 ago 1991', '3/3/2021', '--json');
      expect(t.code, t.err).toBe(0);
      expect(JSON.parse(t.out).dates).toHaveLength(2);
    }
  });

  it('refuses mistakes in one line, before training', async () => {
    const refusals: [string[], RegExp][] = [
      [['train', 'story.txt', '--task', 'dates'], /--task dates draws its own dates and reads no FILE/],
      [['train', '--task', 'dates', '--horizon', '3'], /--horizon is for training on a file/],
      [['train', '--task', 'dates', '--example', 'text'], /--example is for training on a file/],
      [['train', 'story.txt', '--attention', 'general'], /--attention is for --task dates/],
      [['train', '--task', 'dates', '--out', join(tmp, 'no', 'm.safetensors')], /folder .* does not exist/],
      [['translate', join(tmp, 'dates.safetensors'), ''], /the date is empty/],
      [
        ['translate', join(tmp, 'dates.safetensors'), '1 may 2020', '2 may 2020?'],
        /date 2: character "\?" \(U\+003F\) at index 10/,
      ],
      [['translate', join(tmp, 'nope.safetensors'), '1.1.2020'], /no such file/],
    ];
    for (const [argv, message] of refusals) {
      const r = await cli(...argv);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
      expect(r.code).toBeGreaterThan(0);
    }
  });

  it('Ctrl-C stops after the step under way, writes the translator so far and exits 130', async () => {
    const out = join(tmp, 'stopped.safetensors');
    const r = await interrupted(
      ['train', '--task', 'dates', '--steps', '100000', '--out', out],
      /dates → ISO/,
    );
    expect(r.code).toBe(130);
    const last = r.err.trim().split('\n').at(-1)!;
    const m =
      /^wasm-rnn: interrupted by SIGINT after step (\d+): saved the date translator trained so far to (.+) \(held-out exact match [\d.]+ %\)$/.exec(
        last,
      );
    expect(m, last).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThan(100000);
    expect(m![2]).toBe(out);
    expect((await readdir(tmp)).filter((f) => f.includes('.tmp'))).toEqual([]);
    const t = await cli('translate', out, '3/3/2021', '--json');
    expect(t.code, t.err).toBe(0);
  }, 60_000);
});
