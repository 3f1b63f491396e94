// The long run (issue 8, item 3): W3 trained for many steps on wasm-simd, with the ts backend alongside for
// the first steps (lockstep, weights compared bit for bit) and again for the last ones, continuing from the
// wasm run's own state (weights, Adam moments, data order) so that the end state itself is checked on both
// backends without 10+ hours of ts steps. Memory is sampled along the way: linear memory of each runtime,
// the arena's bytes in use, and the JS heap after a full collection.

import { init } from '../../bindings/index.node.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { heapAfterGc } from '../gc.ts';
import { createW3Run, type W3Run, w3Dataset } from './w3.ts';

export interface LongRunOptions {
  readonly steps: number;
  readonly seed?: number;
  /** Memory samples every this many steps (and at step 1 and at the end). */
  readonly sampleEvery: number;
  /**
   * ts steps alongside from step 1 (weights compared after each sample and at the end of the span); at least
   * 1, so that the ts runtime sizes its memory at step 1 as the wasm one does.
   */
  readonly lockstepSteps: number;
  /** At least this many final steps replayed on ts from the wasm state at the last epoch boundary before them. */
  readonly endSteps: number;
  readonly onSample?: (sample: Sample) => void;
}

export interface Sample {
  step: number;
  seconds: number;
  /** Mean loss of the steps since the previous sample. */
  loss: number;
  /** Linear memory bytes: wasm-simd, ts. */
  linear: [number, number];
  /** Arena bytes handed out: wasm-simd, ts. */
  arena: [number, number];
  heapAfterGc: number;
  rss: number;
}

export interface LongRunReport {
  samples: Sample[];
  /** Steps compared bit for bit between the backends, and the steps where they differed. */
  compared: number[];
  mismatches: number[];
  handoff: number;
  seconds: number;
  simdMsPerStep: number;
  tsMsPerStep: number;
}

const linear = (rt: Runtime) => rt.memory.buffer.byteLength;
const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export async function runLongRun(options: LongRunOptions): Promise<LongRunReport> {
  const seed = options.seed ?? 3;
  const dataset = await w3Dataset();
  const [rtSimd, rtTs] = [await init({ backend: 'wasm-simd' }), await init({ backend: 'ts' })];
  const simd = createW3Run(rtSimd, dataset, seed);
  const ts = createW3Run(rtTs, dataset, seed);
  const handoff = Math.max(
    0,
    Math.floor((options.steps - options.endSteps) / simd.epochLength) * simd.epochLength,
  );
  const report: LongRunReport = {
    samples: [],
    compared: [],
    mismatches: [],
    handoff,
    seconds: 0,
    simdMsPerStep: 0,
    tsMsPerStep: 0,
  };
  const compare = (step: number, a: W3Run, b: W3Run) => {
    report.compared.push(step);
    if (!same(a.weightBits(), b.weightBits())) report.mismatches.push(step);
  };
  const t0 = performance.now();
  let [simdMs, tsMs, tsSteps, lossSum, lossCount] = [0, 0, 0, 0, 0];
  const sample = (step: number) => {
    const s: Sample = {
      step,
      seconds: (performance.now() - t0) / 1000,
      loss: lossSum / Math.max(1, lossCount),
      linear: [linear(rtSimd), linear(rtTs)],
      arena: [rtSimd.arena.usedBytes, rtTs.arena.usedBytes],
      heapAfterGc: heapAfterGc(),
      rss: process.memoryUsage.rss(),
    };
    [lossSum, lossCount] = [0, 0];
    report.samples.push(s);
    options.onSample?.(s);
  };
  for (let step = 1; step <= options.steps; step++) {
    let t = performance.now();
    const loss = simd.step();
    simdMs += performance.now() - t;
    [lossSum, lossCount] = [lossSum + loss, lossCount + 1];
    const lockstep = step <= Math.max(1, options.lockstepSteps);
    if (lockstep || step > handoff) {
      t = performance.now();
      ts.step();
      tsMs += performance.now() - t;
      tsSteps++;
    }
    if (step === handoff) ts.load(simd.state());
    const sampled = step === 1 || step % options.sampleEvery === 0 || step === options.steps;
    if ((lockstep && (sampled || step === Math.max(1, options.lockstepSteps))) || step > handoff) {
      compare(step, simd, ts);
    }
    if (sampled) sample(step);
  }
  report.seconds = (performance.now() - t0) / 1000;
  report.simdMsPerStep = simdMs / options.steps;
  report.tsMsPerStep = tsMs / Math.max(1, tsSteps);
  simd.dispose();
  ts.dispose();
  return report;
}

/** Growth of the JS heap (after gc) from the first sample past `warmup` steps to the last, and its spread. */
export function heapDrift(samples: readonly Sample[], warmup: number): { growth: number; spread: number } {
  const after = samples.filter((s) => s.step >= warmup);
  const heaps = after.map((s) => s.heapAfterGc);
  return { growth: heaps[heaps.length - 1] - heaps[0], spread: Math.max(...heaps) - Math.min(...heaps) };
}
