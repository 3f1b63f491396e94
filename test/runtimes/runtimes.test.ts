// The runtime matrix: the same scenario (test/runtimes/scenario.js) in Node 20 and 24, Deno, Bun, workerd and
// Chromium (page and Web Worker). Each must train (loss falls), and every engine must produce the same weight
// hash per deterministic backend. Run with `npm run test:runtimes` (it builds and installs the engines first).

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const bin = (name: string) => join(here, 'node_modules', '.bin', name);

interface Result {
  backend: string;
  firstLoss: number;
  lastLoss: number;
  weights: string;
  outputs: string;
}
const seen = new Map<string, Result[]>();

async function jsonFrom(command: string, args: string[]): Promise<Result[]> {
  const { stdout } = await run(command, args, { cwd: here, timeout: 120_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

function record(name: string, results: Result[]): void {
  expect(results.map((r) => r.backend)).toEqual(['wasm-simd', 'ts']);
  for (const r of results)
    expect(r.lastLoss, `${name} ${r.backend} loss falls`).toBeLessThan(r.firstLoss * 0.8);
  seen.set(name, results);
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
};
let server: Server;
let origin = '';

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runtime matrix', () => {
  it('Node 20 (this machine)', async () => {
    record('node20', await jsonFrom(process.execPath, ['run-node.js']));
  });

  it('Node 24', async () => {
    const { stdout } = await run(bin('node'), ['--version']);
    expect(stdout.trim()).toMatch(/^v24\./);
    record('node24', await jsonFrom(bin('node'), ['run-node.js']));
  });

  it('Deno', async () => {
    record('deno', await jsonFrom(bin('deno'), ['run', '--allow-read', 'run-node.js']));
  });

  it('Bun', async () => {
    record('bun', await jsonFrom(bin('bun'), ['run-node.js']));
  });

  it('Cloudflare workerd (miniflare), kernels as a CompiledWasm module import', async () => {
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(here, 'worker.js'),
      modulesRoot: root,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2025-01-01',
    });
    try {
      const response = await mf.dispatchFetch('http://localhost/');
      const text = await response.text();
      expect(response.status, text).toBe(200);
      record('workerd', JSON.parse(text));
    } finally {
      await mf.dispose();
    }
  });

  for (const mode of ['page', 'worker'] as const) {
    it(`Chromium (${mode === 'page' ? 'main thread' : 'Web Worker'})`, async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${origin}/test/runtimes/page.html?mode=${mode}`);
        await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, {
          timeout: 60_000,
        });
        const outcome = await page.evaluate(
          () => (window as unknown as { __result: { results?: Result[]; error?: string } }).__result,
        );
        expect(outcome.error).toBeUndefined();
        record(`chromium-${mode}`, outcome.results!);
      } finally {
        await browser.close();
      }
    });
  }

  it('every engine trained bit-identical weights on each deterministic backend', () => {
    expect([...seen.keys()].sort()).toEqual(
      ['bun', 'chromium-page', 'chromium-worker', 'deno', 'node20', 'node24', 'workerd'].sort(),
    );
    for (const backend of [0, 1]) {
      const hashes = new Set([...seen.values()].map((r) => `${r[backend].weights}/${r[backend].outputs}`));
      expect([...hashes], `backend ${backend === 0 ? 'wasm-simd' : 'ts'}`).toHaveLength(1);
    }
    // The two deterministic backends agree with each other too.
    const node = seen.get('node20')!;
    expect(node[0].weights).toBe(node[1].weights);
  });
});
