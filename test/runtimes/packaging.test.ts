// The package as a user meets it: `npm pack`, the tarball installed into a fresh project, then imported from
// plain Node ESM (and Deno and Bun), type-checked by tsc, bundled by Vite for the browser (page and Worker, loaded
// in Chromium) and by esbuild for Cloudflare Workers (run in workerd). Every path must train the same weights as
// the repository's own build.

import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bin,
  exec,
  fromChromium,
  fromProcess,
  fromWorkerd,
  here,
  root,
  type ScenarioResult,
  staticServer,
  type Trained,
} from './engines.ts';

const tsc = join(root, 'node_modules', '.bin', 'tsc');
let work = '';
let project = '';
let files: string[] = [];
let reference: ScenarioResult;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wasm-rnn-pack-'));
  // The runtime suite builds dist/ and build/ first, so packing needs no prepare script.
  const packed = JSON.parse(
    await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  );
  files = packed[0].files.map((f: { path: string }) => f.path);
  project = join(work, 'app');
  await cp(join(here, 'consumer'), project, { recursive: true });
  await cp(join(here, 'scenario.js'), join(project, 'scenario.js'));
  await cp(join(here, 'threads-scenario.js'), join(project, 'threads-scenario.js'));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  await exec(
    'npm',
    ['install', join(work, packed[0].filename), '--offline', '--no-audit', '--no-fund'],
    project,
  );
  reference = await fromProcess(process.execPath, ['run-node.js']);
  threadsReference = (await fromProcess(process.execPath, ['run-threads.js'])) as unknown as ThreadsResult;
}, 180_000);
afterAll(() => rm(work, { recursive: true, force: true }));

interface ThreadsRun {
  threads: number;
  firstLoss: number;
  lastLoss: number;
  weights: string;
  workerTasks: number;
  notes: string[];
  liveWorkers: number;
}
interface ThreadsResult {
  backend: string;
  shared: boolean;
  runtimeNotes: string[];
  one: ThreadsRun;
  two: ThreadsRun;
}
let threadsReference: ThreadsResult;

/**
 * Two threads (worker threads or Web Workers started from the package) train the weights of one, and on the simd
 * build the weights of the repository's own build (Node 20 runs it: it validates relaxed SIMD only behind a flag).
 */
function expectTwoThreads(result: ThreadsResult, backend: string): void {
  expect(result).toMatchObject({ backend, shared: true, runtimeNotes: [] });
  expect(result.two).toMatchObject({ threads: 2, notes: [], liveWorkers: 0 });
  expect(result.two.workerTasks).toBeGreaterThan(0);
  expect(result.one.workerTasks).toBe(0);
  expect(result.two.weights).toBe(result.one.weights);
  if (backend === 'wasm-simd') expect(result.two.weights).toBe(threadsReference.two.weights);
  expect(result.two.lastLoss).toBeLessThan(result.two.firstLoss * 0.5);
}

/** The package trains exactly what the repository's build trains, on both deterministic backends. */
function expectSameTraining(result: ScenarioResult, auto: string): void {
  expect((result.auto as { backend: string }).backend).toBe(auto);
  for (const i of [0, 1]) {
    const run = result.runs[i] as Trained;
    const want = reference.runs[i] as Trained;
    expect(run.backend).toBe(want.backend);
    expect({ weights: run.weights, outputs: run.outputs }).toEqual({
      weights: want.weights,
      outputs: want.outputs,
    });
    expect(run.lastLoss).toBeLessThan(run.firstLoss * 0.5);
  }
}

describe('npm pack', () => {
  it('ships the entry points, their declarations, both kernel builds and their threads builds, and no tests or debug build', () => {
    for (const need of [
      'package.json',
      'README.md',
      'build/simd.wasm',
      'build/relaxed.wasm',
      'build/threads.wasm',
      'build/threads-relaxed.wasm',
      'dist/runtime/threads/worker-node.js',
      'dist/runtime/threads/worker-browser.js',
      'dist/index.node.js',
      'dist/index.node.d.ts',
      'dist/index.browser.js',
      'dist/index.browser.d.ts',
      'dist/runtime/load-browser.js',
      'dist/bin/wasm-rnn.js',
      'THIRD_PARTY_NOTICES.md',
      'data/samples/shakespeare-100k.txt',
      'data/series/air_passengers.csv',
    ]) {
      expect(files, need).toContain(need);
    }
    // The samples the CLI trains on, and no other data (the full Tiny Shakespeare stays in the repository).
    expect(files.filter((f) => f.startsWith('data/') && !f.endsWith('README.md')).sort()).toEqual([
      'data/samples/shakespeare-100k.txt',
      'data/series/air_passengers.csv',
    ]);
    expect(files.filter((f) => /^(test|bench|node_modules)\/|debug\.wasm$|\.wat$/.test(f))).toEqual([]);
  });

  it("every target of the package's exports map is in the tarball", async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    const exports = pkg.exports as Record<string, string | Record<string, string>>;
    const targets = Object.values(exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const target of targets) expect(files, target).toContain(target.replace(/^\.\//, ''));
  });
});

describe('installed into a fresh project', () => {
  it('plain Node ESM imports it, finds both .wasm files through the exports map, and trains', async () => {
    const result = await fromProcess(process.execPath, ['main.mjs'], project);
    expectSameTraining(result, 'wasm-simd');
    const wasm = (result.checks as { wasm: string[] }).wasm;
    for (const [i, build] of ['simd', 'relaxed'].entries()) {
      const installed = await readFile(fileURLToPath(wasm[i]));
      expect(installed.equals(await readFile(join(root, 'build', `${build}.wasm`)))).toBe(true);
    }
  });

  it('the installed wasm-rnn command trains on the samples the package carries (demo, --example)', async () => {
    const cli = join(project, 'node_modules', '.bin', 'wasm-rnn');
    const demo = await exec(cli, ['demo', 'forecast'], project);
    expect(demo).toMatch(/wrote air-passengers\.safetensors/);
    expect(demo).toMatch(
      /next, try:\n {2}wasm-rnn forecast air-passengers\.safetensors node_modules\/wasm-rnn\/data\/series\/air_passengers\.csv --steps 24/,
    );
    const forecast = await exec(
      cli,
      ['forecast', 'air-passengers.safetensors', '--steps', '3', '--csv'],
      project,
    );
    expect(forecast.trim().split('\n')).toHaveLength(4);
    const text = await exec(
      cli,
      ['train', '--example', 'text', '--steps', '3', '--hidden', '8', '--out', 'tiny.safetensors'],
      project,
    );
    expect(text).toMatch(/ {2}│ ROMEO:/);
    expect(text).toMatch(/wrote tiny\.safetensors \(3 steps/);
  });

  it('Deno and Bun import it from node_modules and train', async () => {
    expectSameTraining(
      await fromProcess(bin('deno'), ['run', '--allow-read', 'main.mjs'], project),
      'wasm-relaxed',
    );
    expectSameTraining(await fromProcess(bin('bun'), ['main.mjs'], project), 'wasm-relaxed');
  });

  it.each(['tsconfig.json', 'tsconfig.bundler.json'])(
    'tsc --noEmit type-checks a user file (%s)',
    async (config) => {
      await expect(exec(tsc, ['--noEmit', '-p', config], project)).resolves.toBe('');
    },
  );

  it('tsc rejects a wrong use of the API (the declarations are real, not any)', async () => {
    await writeFile(
      join(project, 'wrong.ts'),
      "import { init } from 'wasm-rnn';\nawait init({ backend: 42 });\n",
    );
    const failed = exec(
      tsc,
      ['--noEmit', '--strict', '--module', 'NodeNext', '--target', 'ES2022', 'wrong.ts'],
      project,
    );
    await expect(failed).rejects.toThrow(/wrong\.ts.*error TS2322/s);
  });

  it('Node, Deno and Bun find the threads build and the worker script in node_modules and train on two threads', async () => {
    expect(threadsReference.backend).toBe('wasm-simd');
    for (const [command, args, backend] of [
      [process.execPath, ['threads.mjs'], 'wasm-simd'],
      [bin('deno'), ['run', '--allow-read', 'threads.mjs'], 'wasm-relaxed'],
      [bin('bun'), ['threads.mjs'], 'wasm-relaxed'],
    ] as const) {
      expectTwoThreads((await fromProcess(command, [...args], project)) as unknown as ThreadsResult, backend);
    }
  });

  describe('a Vite build for the browser', () => {
    let out = '';
    beforeAll(async () => {
      await exec(bin('vite'), ['build'], project);
      out = join(project, 'dist');
    }, 120_000);

    it('emits both .wasm files byte for byte, and no eval or new Function', async () => {
      const assets = await readdir(join(out, 'assets'));
      for (const build of ['simd', 'relaxed']) {
        const emitted = assets.filter((f) => f.startsWith(`${build}-`) && f.endsWith('.wasm'));
        expect(emitted, build).toHaveLength(1);
        const bytes = await readFile(join(out, 'assets', emitted[0]));
        expect(bytes.equals(await readFile(join(root, 'build', `${build}.wasm`)))).toBe(true);
      }
      for (const js of assets.filter((f) => f.endsWith('.js'))) {
        const code = await readFile(join(out, 'assets', js), 'utf8');
        expect(code, js).not.toMatch(/\beval\(|new Function\(/);
      }
    });

    it('the built page and its Worker load the .wasm and train in Chromium', async () => {
      const server = await staticServer(out);
      try {
        const [outcome] = (await fromChromium([`${server.origin}/index.html`])) as {
          result?: { page: ScenarioResult; worker: ScenarioResult };
          error?: string;
          console: string[];
        }[];
        expect(outcome.error, outcome.console.join('\n')).toBeUndefined();
        expectSameTraining(outcome.result!.page, 'wasm-relaxed');
        expectSameTraining(outcome.result!.worker, 'wasm-relaxed');
        const fetched = new Set(server.wasmSent.map((p) => p.replace(/.*\/(\w+)-[^/]*\.wasm$/, '$1')));
        expect([...fetched].sort(), 'the .wasm files the bundle asked for').toEqual(['relaxed', 'simd']);
      } finally {
        await server.close();
      }
    });

    it('the Vite build in Chromium: an isolated page trains on module Web Workers; a page that is not isolated runs one thread and says why', async () => {
      const isolated = await staticServer(out, {
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      const plain = await staticServer(out);
      try {
        const [page, open] = (await fromChromium([
          `${isolated.origin}/threads.html`,
          `${plain.origin}/threads.html`,
        ])) as { result?: ThreadsResult; error?: string; console: string[] }[];
        expect(page.error, page.console.join('\n')).toBeUndefined();
        expectTwoThreads(page.result!, 'wasm-relaxed');
        expect(open.error, open.console.join('\n')).toBeUndefined();
        const why = open.result!.runtimeNotes[0];
        expect(why).toMatch(/^shared memory is not available \(this page is not cross-origin isolated/);
        expect(open.result).toMatchObject({ backend: 'wasm-relaxed', shared: false });
        expect(open.result!.two).toMatchObject({ threads: 1, workerTasks: 0, liveWorkers: 0 });
        expect(open.result!.two.notes).toEqual([
          `threads: 2 was asked for, but the model's runtime has no shared memory (${why}); training runs on one thread, with the same results`,
        ]);
        expect(open.console.filter((l) => l.startsWith('warning: wasm-rnn: threads: 2'))).toHaveLength(1);
      } finally {
        await isolated.close();
        await plain.close();
      }
    });
  });

  it('an esbuild bundle for Cloudflare Workers (the .wasm imports as modules) trains in workerd', async () => {
    await exec(
      bin('esbuild'),
      [
        'cf-worker.js',
        '--bundle',
        '--format=esm',
        '--conditions=workerd,worker,browser',
        '--loader:.wasm=copy',
        '--outdir=cf-dist',
        '--log-level=warning',
      ],
      project,
    );
    expectSameTraining(
      await fromWorkerd(join(project, 'cf-dist', 'cf-worker.js'), join(project, 'cf-dist')),
      'wasm-relaxed',
    );
  });
});
