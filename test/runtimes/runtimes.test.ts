// The runtime matrix: the same scenario (scenario.js) in Node 20 and 24, Deno, Bun, workerd and Chromium (page
// and Web Worker), plus Node and Chromium with V8's --jitless, which leaves them without WebAssembly. Each engine
// must train on every backend it can run (loss falls), refuse the ones it cannot with an error naming what is
// missing, and every engine must produce the same weight hash per deterministic backend.
// Run with `npm run test:runtimes` (it builds the package and installs the engines first).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bin,
  type Failure,
  fromChromium,
  fromProcess,
  fromWorkerd,
  root,
  type ScenarioResult,
  staticServer,
  type Trained,
} from './engines.ts';

/** 'trains', or the error a user of this engine gets for that backend. */
type Outcome = 'trains' | RegExp;

interface Engine {
  name: string;
  result: () => Promise<ScenarioResult>;
  /** What init() with no options picks, and what it says about it. */
  auto: string;
  autoNotes?: RegExp;
  simd: Outcome;
  relaxed: Outcome;
}

const NO_RELAXED =
  /needs WebAssembly relaxed SIMD \(Node 20 needs --experimental-wasm-relaxed-simd.*does not support/;
const NO_WASM = /needs WebAssembly, and this engine has none \(as under V8's --jitless/;
const FALLBACK = /this engine has no WebAssembly.*falling back to the pure-TypeScript backend 'ts'/;

let server: Awaited<ReturnType<typeof staticServer>>;
beforeAll(async () => {
  server = await staticServer(root);
});
afterAll(() => server.close());

// One Chromium serves the main-thread page and the Worker page; a second runs with --jitless.
let chromium: Promise<unknown[]> | undefined;
const page = (mode: string) => `${server.origin}/test/runtimes/page.html?mode=${mode}`;
async function fromBrowser(index: number): Promise<ScenarioResult> {
  chromium ??= fromChromium([page('page'), page('worker')]);
  const outcome = (await chromium)[index] as { result?: ScenarioResult; error?: string };
  expect(outcome.error).toBeUndefined();
  return outcome.result!;
}
let jitlessWasmRequests = -1;
async function fromJitlessBrowser(): Promise<ScenarioResult> {
  const before = server.wasmSent.length;
  const [outcome] = (await fromChromium([page('page')], ['--js-flags=--jitless'])) as {
    result?: ScenarioResult;
    error?: string;
    console: string[];
  }[];
  jitlessWasmRequests = server.wasmSent.length - before;
  expect(outcome.error).toBeUndefined();
  expect(outcome.console.join('\n')).toMatch(FALLBACK);
  return outcome.result!;
}

const ENGINES: Engine[] = [
  {
    name: 'Node 20 (this machine, no flags)',
    result: () => fromProcess(process.execPath, ['run-node.js']),
    auto: 'wasm-simd',
    autoNotes: /relaxed SIMD .* is not supported by this engine/,
    simd: 'trains',
    relaxed: NO_RELAXED,
  },
  {
    name: 'Node 20 --jitless (no WebAssembly)',
    result: () => fromProcess(process.execPath, ['--jitless', 'run-node.js']),
    auto: 'ts',
    autoNotes: FALLBACK,
    simd: NO_WASM,
    relaxed: NO_WASM,
  },
  {
    name: 'Node 24',
    result: () => fromProcess(bin('node'), ['run-node.js']),
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Deno',
    result: () => fromProcess(bin('deno'), ['run', '--allow-read', 'run-node.js']),
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Bun',
    result: () => fromProcess(bin('bun'), ['run-node.js']),
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Cloudflare workerd (miniflare), kernels as CompiledWasm module imports',
    result: fromWorkerd,
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Chromium, main thread',
    result: () => fromBrowser(0),
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Chromium, module Web Worker',
    result: () => fromBrowser(1),
    auto: 'wasm-relaxed',
    simd: 'trains',
    relaxed: 'trains',
  },
  {
    name: 'Chromium --js-flags=--jitless (no WebAssembly)',
    result: fromJitlessBrowser,
    auto: 'ts',
    autoNotes: FALLBACK,
    simd: NO_WASM,
    relaxed: NO_WASM,
  },
];

const isFailure = (value: object): value is Failure => 'error' in value;
const trained = new Map<string, Map<string, Trained>>();
const results = new Map<string, ScenarioResult>();

function checkOutcome(
  engine: string,
  backend: string,
  run: ScenarioResult['runs'][number],
  outcome: Outcome,
) {
  if (outcome === 'trains') {
    expect(isFailure(run) ? run.error : undefined, `${engine} ${backend}`).toBeUndefined();
    const t = run as Trained;
    expect(t.got).toBe(backend);
    expect(t.lastLoss, `${engine} ${backend}: the loss falls`).toBeLessThan(t.firstLoss * 0.5);
    expect(t.model.lastLoss, `${engine} ${backend}: Trainer.fit's loss falls`).toBeLessThan(
      t.model.firstLoss * 0.7,
    );
    if (!trained.has(backend)) trained.set(backend, new Map());
    trained.get(backend)!.set(engine, t);
  } else {
    expect(isFailure(run), `${engine} ${backend} must be refused`).toBe(true);
    expect((run as Failure).error.name).toBe('BackendError');
    expect((run as Failure).error.message).toMatch(outcome);
  }
}

describe('runtime matrix', () => {
  for (const engine of ENGINES) {
    it(engine.name, async () => {
      const result = await engine.result();
      results.set(engine.name, result);
      expect(isFailure(result.auto) ? result.auto.error : undefined).toBeUndefined();
      const auto = result.auto as { backend: string; notes: string[] };
      expect(auto.backend, "what init() picks under 'auto'").toBe(engine.auto);
      if (engine.autoNotes) expect(auto.notes.join('; ')).toMatch(engine.autoNotes);
      else expect(auto.notes).toEqual([]);
      expect(result.runs.map((r) => r.backend)).toEqual(['wasm-simd', 'ts', 'wasm-relaxed']);
      checkOutcome(engine.name, 'wasm-simd', result.runs[0], engine.simd);
      checkOutcome(engine.name, 'ts', result.runs[1], 'trains');
      checkOutcome(engine.name, 'wasm-relaxed', result.runs[2], engine.relaxed);
      if (engine.simd === 'trains' && engine.relaxed === 'trains') {
        // Fused multiply-add rounds differently, so relaxed is close to simd, not equal.
        const [simd, , relaxed] = result.runs as Trained[];
        expect(Math.abs(relaxed.lastLoss - simd.lastLoss)).toBeLessThan(1e-3 * simd.lastLoss);
      }
    });
  }

  it('workerd: init without a module, or from bytes, is refused with what to do instead', () => {
    const checks = results.get(ENGINES[5].name)?.checks as Record<string, Failure>;
    expect(checks.initWithoutModule.error.name).toBe('BackendError');
    expect(checks.initWithoutModule.error.message).toMatch(
      /cannot locate simd\.wasm: this engine gives modules no URL.*import simd from 'wasm-rnn\/wasm\/simd\.wasm'.*init\(\{ module: simd \}\)/,
    );
    expect(checks.initFromBytes.error.name).toBe('BackendError');
    expect(checks.initFromBytes.error.message).toMatch(
      /forbids compiling WebAssembly from bytes \(.*disallowed.*\), as Cloudflare Workers do/,
    );
  });

  it('Chromium without WebAssembly falls back without fetching any .wasm', () => {
    expect(jitlessWasmRequests).toBe(0);
  });

  it('every engine trained bit-identical weights on each deterministic backend', () => {
    expect(results.size, 'every engine ran').toBe(ENGINES.length);
    const expectRuns = (backend: string) =>
      ENGINES.filter((e) => (backend === 'ts' ? true : e.simd === 'trains')).map((e) => e.name);
    for (const backend of ['wasm-simd', 'ts']) {
      const runs = trained.get(backend)!;
      expect([...runs.keys()].sort()).toEqual(expectRuns(backend).sort());
      const hashes = new Set(
        [...runs.values()].map((r) => `${r.weights}/${r.outputs}/${r.model.weights}/${r.model.outputs}`),
      );
      expect([...hashes], `${backend}: one hash of weights/outputs across engines`).toHaveLength(1);
    }
    // The two deterministic backends agree with each other too: same float32 operations in the same order.
    const [simd] = trained.get('wasm-simd')!.values();
    const [ts] = trained.get('ts')!.values();
    expect(simd.weights).toBe(ts.weights);
    expect(simd.model.weights).toBe(ts.model.weights);
  });
});
