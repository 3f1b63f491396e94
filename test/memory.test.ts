// Steady-state training allocates nothing: after warm-up steps have sized every workspace, 2,000 more training
// steps (the bench's: through the Trainer, and from the low-level layers over one slab with the loss kernels,
// clipping and an optimizer) leave linear memory,
// the arena's high-water mark and its live bytes exactly as they were, and the JS heap with its ArrayBuffers
// (after forced collections) flat: the layer API's per-call result arrays are garbage, not growth, and a leak
// of 512 bytes a step would show.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { makeStep } from '../bench/train-step.ts';
import { makeLayerStep } from '../bench/train-step-layers.ts';
import type { TrainWorkload } from '../bench/workloads.ts';
import { loadRuntime } from './helpers/backends.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * JS heap plus ArrayBuffer backing stores (typed arrays over 64 bytes live outside the heap), after full
 * collections with a pause between them: V8 frees dead ArrayBuffers (earlier tests' linear memories) on a
 * background thread, which would otherwise show up as megabytes of noise.
 */
async function jsBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** W1, W3 and W4 in miniature: the same code paths (tokens and series, Adam and Adagrad + clipping). */
const SMALL: TrainWorkload[] = [
  { id: 'W1', cell: 'lstm', I: 7, H: 16, B: 4, T: 6, task: 'tokens', optimizer: { kind: 'adam', lr: 1e-2 } },
  { id: 'W3', cell: 'gru', I: 1, H: 16, B: 4, T: 6, task: 'series', optimizer: { kind: 'adam', lr: 1e-2 } },
  {
    id: 'W4',
    cell: 'rnn',
    I: 7,
    H: 16,
    B: 1,
    T: 24,
    task: 'tokens',
    optimizer: { kind: 'adagrad', lr: 0.1, clip: 5 },
  },
];

const WARMUP = 300;
const STEPS = 2000;

// The WebAssembly backends: the layer and arena code above the kernels is the same for ts, whose kernels run
// these 7,000 steps ~20× slower.
describe.each(['wasm-simd', 'wasm-relaxed'] as const)('steady-state training on %s', (backend) => {
  const cases = SMALL.flatMap((w) => [
    [`Trainer, ${w.cell} (${w.id} in miniature)`, w, makeStep] as const,
    [`layers, ${w.cell} (${w.id} in miniature)`, w, makeLayerStep] as const,
  ]);
  it.each(cases)('%s: 2,000 steps allocate nothing', async (_, w, make) => {
    const rt = await loadRuntime(backend);
    const s = make(rt, w);
    // Warm-up: workspaces sized, and the JIT settled (compiled code and feedback also live on the JS heap).
    for (let i = 0; i < WARMUP; i++) s.step();
    const firstLoss = s.loss();
    const linear = rt.memory.buffer.byteLength;
    const { highWater, usedBytes } = rt.arena;
    const js: number[] = [await jsBytes()];
    for (let half = 0; half < 2; half++) {
      for (let i = 0; i < STEPS / 2; i++) s.step();
      js.push(await jsBytes());
    }
    expect(rt.memory.buffer.byteLength).toBe(linear);
    expect(rt.arena.highWater).toBe(highWater);
    expect(rt.arena.usedBytes).toBe(usedBytes);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    // A leak grows the heap in both halves alike; 512 KiB over 1,000 steps is 512 bytes a step, less than
    // any one array a step makes (T·B·H floats are 1.5 KiB here). JIT and GC noise stays within ±300 KiB.
    for (const half of [0, 1]) {
      const grown = js[half + 1] - js[half];
      expect(grown, `JS heap grew by ${kib(grown)} over 1,000 steps`).toBeLessThan(512 * 1024);
    }
    // The steps trained: the loss moved and stayed finite.
    expect(Number.isFinite(s.loss())).toBe(true);
    expect(s.loss()).not.toBe(firstLoss);
    s.dispose();
  });
});
