// The browser half of the ONNX export tests (issue 18): every model of test/interchange/export-cases.ts,
// exported by exportOnnx, runs in onnxruntime-web (its WebAssembly backend, one thread) in headless Chromium,
// and its outputs equal ours within 1e-5 relative. onnxruntime-web comes from this folder's package.json.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Random, SequenceModel, type Tensor } from '../../bindings/index.node.ts';
import { exportOnnx } from '../../bindings/interchange/onnx-export.ts';
import { relError, TOLERANCE } from '../interchange/compare.ts';
import { EXPORT_CASES } from '../interchange/export-cases.ts';
import { CHROMIUM_FLAGS, here } from './engines.ts';

const T = 7;
const B = 3;
const ORT_DIR = '/node_modules/onnxruntime-web/dist/';

interface Feed {
  type: 'float32' | 'int64';
  data: number[];
  dims: number[];
}
interface Case {
  name: string;
  onnx: number[];
  feeds: Record<string, Feed>;
  ours: { data: Float32Array; shape: readonly number[] };
}

/** A model of each export case, its ONNX file, inputs drawn from a seed, and our outputs for them. */
async function cases(): Promise<Case[]> {
  const rt = await init({ backend: 'wasm-simd' });
  return EXPORT_CASES.map(({ name, options }) => {
    const model = new SequenceModel(rt, { ...options, seed: 5 });
    try {
      const rng = new Random(11);
      const i = model.config.input;
      let x: Tensor | Tensor<Int32Array>;
      let feeds: Record<string, Feed>;
      let steps: number | undefined;
      if (i.kind === 'tokens' || i.kind === 'embedding') {
        const ids = Int32Array.from({ length: T * B }, () => rng.int(i.size));
        x = { data: ids, shape: [T, B] };
        feeds = { x: { type: 'int64', data: [...ids], dims: [T, B] } };
      } else if (i.kind === 'vector') {
        const data = Float32Array.from({ length: B * i.size }, () => rng.uniform(-1, 1));
        x = { data, shape: [B, i.size] };
        steps = T;
        feeds = {
          x: { type: 'float32', data: [...data], dims: [B, i.size] },
          steps: { type: 'int64', data: [T], dims: [1] },
        };
      } else {
        const data = Float32Array.from({ length: T * B * i.size }, () => rng.uniform(-1, 1));
        x = { data, shape: [T, B, i.size] };
        feeds = { x: { type: 'float32', data: [...data], dims: [T, B, i.size] } };
      }
      const ours = model.predict(x, steps ? { steps } : {});
      return { name, onnx: [...exportOnnx(model)], feeds, ours: { data: ours.data, shape: ours.shape } };
    } finally {
      model.dispose();
    }
  });
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** The page: onnxruntime-web's WebAssembly build as window.ort, one thread, its .wasm next to it. */
const PAGE = `<!doctype html><script type="module">
import * as ort from '${ORT_DIR}ort.wasm.min.mjs';
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '${ORT_DIR}';
window.ort = ort;
</script>`;

/** Serves this folder (onnxruntime-web's files under node_modules) and an empty page, with module MIME types. */
async function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x').pathname;
    if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const path = normalize(join(here, decodeURIComponent(url)));
    if (!path.startsWith(here)) return void res.writeHead(403).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface BrowserOrt {
  InferenceSession: {
    create(
      bytes: Uint8Array,
      options: object,
    ): Promise<{
      run(
        feeds: Record<string, unknown>,
      ): Promise<Record<string, { dims: number[]; data: ArrayLike<number> }>>;
      release(): Promise<void>;
    }>;
  };
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims: number[]) => unknown;
}

type Outcome = { name: string; dims?: number[]; data?: number[]; error?: string };

/** Runs every case's file in onnxruntime-web inside one Chromium page. */
async function inChromium(origin: string, all: Case[]): Promise<Outcome[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as { ort?: unknown }).ort, null, { timeout: 60_000 });
    const payload = all.map(({ name, onnx, feeds }) => ({ name, onnx, feeds }));
    const outcomes = await page.evaluate(async (payload) => {
      // onnxruntime-web's API, as far as this test uses it (the page loaded it; no types are installed here).
      const ort = (window as unknown as { ort: BrowserOrt }).ort;
      const results = [];
      for (const c of payload) {
        try {
          const session = await ort.InferenceSession.create(Uint8Array.from(c.onnx), {
            executionProviders: ['wasm'],
            graphOptimizationLevel: 'disabled',
          });
          const feeds: Record<string, unknown> = {};
          for (const [key, f] of Object.entries(c.feeds)) {
            const data =
              f.type === 'int64' ? BigInt64Array.from(f.data, (v) => BigInt(v)) : Float32Array.from(f.data);
            feeds[key] = new ort.Tensor(f.type, data, f.dims);
          }
          const y = (await session.run(feeds)).y;
          results.push({ name: c.name, dims: [...y.dims], data: Array.from(y.data) });
          await session.release();
        } catch (e) {
          results.push({ name: c.name, error: String(e) });
        }
      }
      return results;
    }, payload);
    if (outcomes.length !== all.length)
      throw new Error(`ran ${outcomes.length} of ${all.length}; ${logs.join(' | ')}`);
    return outcomes;
  } finally {
    await browser.close();
  }
}

let all: Case[];
let outcomes: Outcome[];
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  all = await cases();
  server = await serve();
  outcomes = await inChromium(server.origin, all);
}, 120_000);
afterAll(() => server?.close());

describe('exported ONNX files in onnxruntime-web (Chromium)', () => {
  it('covers every export case', () => {
    expect(outcomes.map((o) => o.name)).toEqual(EXPORT_CASES.map((c) => c.name));
    expect(all.length).toBeGreaterThanOrEqual(12);
  });

  it.each(EXPORT_CASES.map((c) => c.name))('%s: outputs equal ours within 1e-5 relative', (name) => {
    const ours = all.find((c) => c.name === name)?.ours;
    const theirs = outcomes.find((o) => o.name === name);
    expect(theirs?.error).toBeUndefined();
    expect(theirs?.dims).toEqual(ours?.shape);
    expect(relError(theirs?.data ?? [], ours?.data ?? [])).toBeLessThanOrEqual(TOLERANCE);
  });
});
