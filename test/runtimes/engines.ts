// How the runtime matrix starts each engine and collects the scenario's result (test/runtimes/scenario.js):
// child processes for Node, Deno and Bun, miniflare for workerd, playwright-core for Chromium.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const here = fileURLToPath(new URL('.', import.meta.url));
export const root = join(here, '..', '..');
export const bin = (name: string) => join(here, 'node_modules', '.bin', name);

export interface Failure {
  error: { name: string; message: string };
}
export interface Trained {
  backend: string;
  got: string;
  firstLoss: number;
  lastLoss: number;
  weights: string;
  outputs: string;
  /** The SequenceModel trained by Trainer.fit (scenario.js fitModel). */
  model: { firstLoss: number; lastLoss: number; weights: string; outputs: string };
}
export interface ScenarioResult {
  auto: { backend: string; notes: string[] } | Failure;
  runs: (Trained | (Failure & { backend: string }))[];
  checks?: Record<string, unknown>;
}

/** Runs a command to its end (failing on a non-zero exit) and returns what it printed on stdout. */
export async function exec(command: string, args: string[], cwd = here): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      timeout: 120_000,
      maxBuffer: 16 << 20,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    return stdout;
  } catch (e) {
    const { code, stdout, stderr } = e as { code?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed (${String(code)}):\n${stdout}\n${stderr}`,
    );
  }
}

/** Runs a script that prints the scenario's result as its last line of output. */
export async function fromProcess(command: string, args: string[], cwd = here): Promise<ScenarioResult> {
  const stdout = await exec(command, args, cwd);
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

/** Serves one request from the Worker at `scriptPath` in workerd; its .js files are ES modules, .wasm compiled. */
export async function fromWorkerd(
  scriptPath = join(here, 'worker.js'),
  modulesRoot = root,
): Promise<ScenarioResult> {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
  });
  try {
    const response = await mf.dispatchFetch('http://localhost/');
    const text = await response.text();
    if (response.status !== 200) throw new Error(`workerd answered ${response.status}: ${text}`);
    return JSON.parse(text);
  } finally {
    await mf.dispose();
  }
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
};

/** A static file server over the repository, counting the .wasm files it sends; `headers` go with every file. */
export async function staticServer(dir: string, headers: Record<string, string> = {}) {
  const wasmSent: string[] = [];
  const server = createServer(async (req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(path);
      if (path.endsWith('.wasm')) wasmSent.push(path);
      res
        .writeHead(200, { ...headers, 'content-type': MIME[extname(path)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    wasmSent,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Opens each URL in one Chromium (extra flags after the usual ones) and returns what it left in window.__result. */
export async function fromChromium(urls: string[], extraFlags: string[] = []): Promise<unknown[]> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'wasm-rnn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, ...extraFlags],
  });
  try {
    const results: unknown[] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(url);
      await page
        .waitForFunction(() => (window as { __result?: unknown }).__result, null, { timeout: 90_000 })
        .catch((e: Error) => {
          throw new Error(`${url}: no result (${e.message}); console: ${logs.join(' | ')}`);
        });
      const outcome = await page.evaluate(() => (window as unknown as { __result: unknown }).__result);
      results.push({ ...(outcome as object), console: logs });
      await page.close();
    }
    return results;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
