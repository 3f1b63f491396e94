// The browser demo as a person uses it, in headless Chromium: the page loads its kernels, training runs in the
// Web Worker, the loss falls, the page keeps answering clicks and timers while the worker trains, and the
// results appear (generated text; a forecast scored against seasonal naive). Screenshots go to test-results/.

import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'demo', 'dist');
const results = join(root, 'test-results');

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

interface DemoState {
  state: string;
  backend: string;
  losses: number[];
  samples: string[];
  forecast?: {
    mae: number;
    baselineMae: number;
    forecast: number[];
    lower: number[];
    upper: number[];
    series: number[];
    testStart: number;
    method: string;
  };
  error?: string;
  pings: number;
}

let server: Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'demo', 'vite.config.ts'), logLevel: 'warn' });
  server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const path = normalize(join(dist, pathname === '/' ? 'index.html' : pathname));
    if (!path.startsWith(dist)) return void res.writeHead(403).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
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
  await mkdir(results, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const demo = (page: Page) => page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);

async function openDemo(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(
    () => (window as unknown as { __demo?: DemoState }).__demo?.state === 'idle',
    null,
    {
      timeout: 30_000,
    },
  );
  expect(errors).toEqual([]);
  return page;
}

/** Starts a timer on the page and returns the longest gap between its ticks (a blocked main thread stretches it). */
async function watchMainThread(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __lag: { last: number; worst: number } };
    w.__lag = { last: performance.now(), worst: 0 };
    setInterval(() => {
      const now = performance.now();
      w.__lag.worst = Math.max(w.__lag.worst, now - w.__lag.last);
      w.__lag.last = now;
    }, 20);
  });
  return () => page.evaluate(() => (window as unknown as { __lag: { worst: number } }).__lag.worst);
}

describe('browser demo', () => {
  it('trains a character model in the worker while the page stays responsive', async () => {
    const page = await openDemo();
    expect((await demo(page)).backend).toMatch(/^wasm-/);
    const worstGap = await watchMainThread(page);
    await page.fill('#steps', '240');
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.losses.length >= 3);
    // While the worker trains, the main thread answers a click at once.
    const t0 = Date.now();
    await page.click('#ping');
    await page.waitForFunction(() => (window as unknown as { __demo: DemoState }).__demo.pings === 1, null, {
      timeout: 1000,
    });
    const pingMs = Date.now() - t0;
    expect((await demo(page)).state).toBe('training');
    await page.waitForFunction(
      () => (window as unknown as { __demo: DemoState }).__demo.state !== 'training',
      null,
      {
        timeout: 180_000,
      },
    );
    const s = await demo(page);
    expect(s.error).toBeUndefined();
    expect(s.state).toBe('done');
    const first = s.losses[0];
    const last = s.losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(last, `loss ${first} → ${last}`).toBeLessThan(first * 0.75);
    expect(s.samples.length).toBeGreaterThan(0);
    expect(s.samples.at(-1)!.startsWith('ROMEO:')).toBe(true);
    expect(pingMs).toBeLessThan(1000);
    expect(await worstGap()).toBeLessThan(500);
    await page.screenshot({ path: join(results, 'demo-text.png') });
    await page.close();
  });

  it('forecasts the CO2 series and draws it, in its 80 % band, against the truth and seasonal naive', async () => {
    const page = await openDemo();
    await page.selectOption('#task', 'forecast');
    await page.fill('#steps', '300');
    await page.click('#train');
    await page.waitForFunction(
      () => (window as unknown as { __demo: DemoState }).__demo.state !== 'training',
      null,
      {
        timeout: 180_000,
      },
    );
    const s = await demo(page);
    expect(s.error).toBeUndefined();
    expect(s.forecast!.forecast.length).toBeGreaterThan(52);
    expect(s.losses.at(-1)!).toBeLessThan(s.losses[0]);
    expect(Number.isFinite(s.forecast!.mae)).toBe(true);
    const f = s.forecast!;
    expect(f.method).not.toBe('');
    // The band surrounds every forecast and holds most of what happened (80 % nominal; half is a loose floor).
    expect(f.lower).toHaveLength(f.forecast.length);
    expect(f.forecast.every((v, i) => f.lower[i] <= v && v <= f.upper[i])).toBe(true);
    const inside = f.forecast.filter((_, i) => {
      const truth = f.series[f.testStart + i];
      return f.lower[i] <= truth && truth <= f.upper[i];
    }).length;
    expect(inside / f.forecast.length, `${inside} of ${f.forecast.length} inside`).toBeGreaterThan(0.5);
    await page.screenshot({ path: join(results, 'demo-forecast.png') });
    await page.close();
  });
});
