// Driving the demo page like a person, and reading what a person would see: `window.__demo` mirrors the page's
// state. Screenshots go to test-results/; with REFRESH_DEMO_SCREENSHOTS=1 they are also copied to docs/ for the
// README.

import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoServer } from './demo-server.ts';
import { root } from './demo-server.ts';

export interface DemoState {
  state: string;
  task: string;
  backend: string;
  steps: number[];
  losses: number[];
  samples: string[];
  forecast?: {
    mae: number;
    baselineMae: number;
    forecast: number[];
    lower: number[];
    upper: number[];
    series: number[];
    dates: number[];
    testStart: number;
    method: string;
  };
  sentiment?: { accuracy: number; heldOut: { review: string; label: number; positive: number }[] };
  score?: { review: string; positive: number };
  dates?: { step: number[]; exactMatch: number[]; heldOut: number; example?: DecodedDate };
  decoded?: { typed: string; date?: DecodedDate; problem?: string };
  trained: string[];
  axes: Record<'loss' | 'forecast', { x: string; y: string; xTime: boolean; yLog: boolean } | undefined>;
  refused?: string;
  error?: string;
  pings: number;
}

export interface DecodedDate {
  text: string;
  iso: string;
  sourceLabels: string[];
  targetLabels: string[];
  weights: number[][];
}

export const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
];
export const DESKTOP = { width: 1280, height: 800 };

const results = join(root, 'test-results');

export const demoState = (page: Page) =>
  page.evaluate(() => (window as unknown as { __demo: DemoState }).__demo);

export async function openDemo(
  server: DemoServer,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<Page> {
  const page = await server.browser.newPage({ viewport, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(
    () => (window as unknown as { __demo?: DemoState }).__demo?.state === 'idle',
    null,
    { timeout: 30_000 },
  );
  expect(errors).toEqual([]);
  return page;
}

/** Presses Train and waits for the worker to finish. */
export async function train(page: Page, steps: number): Promise<DemoState> {
  await page.fill('#steps', String(steps));
  await page.click('#train');
  await page.waitForFunction(
    () => (window as unknown as { __demo: DemoState }).__demo.state !== 'training',
    null,
    { timeout: 180_000 },
  );
  const s = await demoState(page);
  expect(s.error).toBeUndefined();
  expect(s.state).toBe('done');
  return s;
}

/** Nothing wider than the window: no horizontal scrolling at this size. */
export async function expectNoOverflow(page: Page, what: string): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, `${what}: page ${scroll} px wide in a ${inner} px window`).toBeLessThanOrEqual(inner);
}

/** A full-page screenshot into test-results/ (and docs/ when refreshing the README's pictures). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(results, { recursive: true });
  const path = join(results, `${name}.png`);
  // Let the charts follow a resize before the picture is taken.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path, fullPage: true });
  if (process.env.REFRESH_DEMO_SCREENSHOTS === '1') await copyFile(path, join(root, 'docs', `${name}.png`));
}

/** Clicks "Download model" and returns the file the browser saved, with the name it suggested. */
export async function downloadModel(page: Page): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: new Uint8Array(await readFile(path)) };
}
