// Ctrl-C during `wasm-rnn train`: the CLI is spawned as a user runs it, signalled once training has started, and
// must exit 130 (SIGINT) or 143 (SIGTERM) with one line saying where it saved, leaving no temporary file. The
// saved text model is the weights after exactly the steps it reports (an uninterrupted run of that many steps
// writes the same file), so they are a completed step's, never half-updated.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../bin/cli/program.ts';
import { Forecaster, init, type Runtime, TextModel } from '../bindings/index.node.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir = '';
let rt: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-signal-'));
  rt = await init({ backend: 'wasm-simd' });
});

/** The CLI in a child process, signalled when its stderr first shows `started`; its exit code and output. */
function interrupted(argv: string[], started: RegExp, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; err: string; out: string }>((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'bin/wasm-rnn.ts', ...argv],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let out = '';
    let sent = false;
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => {
      err += d;
      if (!sent && started.test(err)) {
        sent = true;
        // A few more steps after the first, so the run is well inside training.
        setTimeout(() => child.kill(signal), 300);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, err, out });
    });
  });
}

describe('train on SIGINT / SIGTERM', () => {
  it('SIGINT: saves the last completed step atomically, says where, exits 130', async () => {
    const text = join(dir, 'loop.txt');
    await writeFile(text, 'one two three four five six seven eight nine ten. '.repeat(400));
    const out = join(dir, 'interrupted.safetensors');
    // Held out text is checked only after the last step (--validate-every past the budget), so the budgeted run
    // below keeps its last step's weights, as the interrupted run does, whatever the checks would have said.
    const common = [
      ...['--hidden', '24', '--seq-length', '16', '--seed', '5', '--backend', 'wasm-simd'],
      ...['--validate-every', '1000000000'],
    ];
    const r = await interrupted(
      ['train', text, ...common, '--steps', '1000000', '--out', out],
      /training a LSTM/,
      'SIGINT',
    );
    expect(r.code, r.err).toBe(130);
    const last = r.err.trim().split('\n').at(-1)!;
    const m = /^wasm-rnn: interrupted by SIGINT after step (\d+): saved the last good weights to (.+)$/.exec(
      last,
    );
    expect(m, r.err).not.toBeNull();
    expect(m![2]).toBe(out);
    const steps = Number(m![1]);
    expect(steps).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const saved = await readFile(out);
    const model = TextModel.load(rt, saved);
    expect(model.stepsTrained).toBe(steps);
    model.dispose();
    // The same run stopped by its budget at that step writes the same bytes: the weights of a whole step.
    const again = join(dir, 'budget.safetensors');
    const quiet = { write: () => true };
    const code = await run(['train', text, ...common, '--steps', String(steps), '--out', again, '-q'], {
      stdout: quiet,
      stderr: quiet,
    });
    expect(code).toBe(0);
    expect(Buffer.compare(await readFile(again), saved)).toBe(0);
  }, 120_000);

  it('SIGTERM during a forecaster: the forecaster so far is written and loads; exit 143', async () => {
    const csv = join(dir, 'wave.csv');
    const rows = Array.from({ length: 400 }, (_, t) => `${t},${Math.sin((2 * Math.PI * t) / 12).toFixed(4)}`);
    await writeFile(csv, `t,v\n${rows.join('\n')}\n`);
    const out = join(dir, 'forecaster.safetensors');
    const r = await interrupted(
      ['train', csv, '--hidden', '8', '--season', '12', '--steps', '1000000', '--out', out],
      /forecasting "v"/,
      'SIGTERM',
    );
    expect(r.code, r.err).toBe(143);
    expect(r.err.trim().split('\n').at(-1)).toMatch(
      /^wasm-rnn: interrupted by SIGTERM after step \d+: saved the forecaster trained so far to .*forecaster\.safetensors$/,
    );
    const f = Forecaster.load(rt, await readFile(out));
    expect(f.forecast(3)).toHaveLength(3);
    f.dispose();
  }, 120_000);
});
