// The SIMD128 ceiling of one core, measured in this run: independent f32x4 chains in registers (no memory
// traffic), compiled here with asc from the source below, once as separate multiplies and adds (what the
// `simd` build can issue) and once as relaxed_madd (the `relaxed` build's fused multiply-add).
// BENCHMARKS.md's figure (32 GFLOP/s mul + add, 46 FMA) is for its machine class; this one may differ.

import asc from 'assemblyscript/asc';
import { type Between, gflopsRow, measure, now, timingOf } from './measure.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';

const ITERATIONS = 2_000_000;

/**
 * AssemblyScript over `n` iterations, values kept live by the returned sum. Fused: twelve chains
 * x ← relaxed_madd(x, a, b). Separate: six pairs y ← y·a, x ← x + y, so that multiplies and adds, as in a GEMM
 * tile, do not wait for each other; a chain x ← x·a + b would measure the latency of mul-then-add instead.
 */
function source(fused: boolean): { text: string; flopsPerIteration: number } {
  const chains = fused ? 12 : 6;
  const k = Array.from({ length: chains }, (_, i) => i);
  const init = k.map((i) => `let x${i} = f32x4.splat(${1 + i / 16});${fused ? '' : ` let y${i} = x${i};`}`);
  const body = k.map((i) =>
    fused
      ? `x${i} = f32x4.relaxed_madd(x${i}, a, b);`
      : `y${i} = f32x4.mul(y${i}, a); x${i} = f32x4.add(x${i}, y${i});`,
  );
  const sum = k.slice(1).reduce((acc, i) => `f32x4.add(${acc}, x${i})`, 'x0');
  const text = `
export function peak(n: i32): f32 {
  const a = f32x4.splat(0.9999999);
  const b = f32x4.splat(1.0e-7);
  ${init.join('\n  ')}
  for (let i = 0; i < n; i++) {
    ${body.join('\n    ')}
  }
  return f32x4.extract_lane(${sum}, 0);
}`;
  return { text, flopsPerIteration: chains * 4 * 2 };
}

async function compile(text: string, fused: boolean): Promise<(n: number) => number> {
  const enable = fused ? ['simd', 'relaxed-simd'] : ['simd'];
  const out = await asc.compileString(text, { optimizeLevel: 3, runtime: 'stub', enable });
  if (out.error || !out.binary) throw new Error(`asc failed: ${out.error?.message}\n${out.stderr}`);
  const { instance } = await WebAssembly.instantiate(out.binary as Uint8Array<ArrayBuffer>, {
    env: { abort() {} },
  });
  return instance.exports.peak as (n: number) => number;
}

/** The loop of `system`'s build ('wasm-relaxed' fused, 'wasm-simd' not), or undefined after a warning. */
async function ceilingLoop(system: BenchSystem, suite: string) {
  const fused = system === 'wasm-relaxed';
  const { text, flopsPerIteration } = source(fused);
  try {
    return { peak: await compile(text, fused), flopsPerIteration };
  } catch (error) {
    console.warn(`bench ${suite}: skipping the ${system} ceiling: ${(error as Error).message}`);
    return undefined;
  }
}

/** GFLOP/s of the register-only loop: 'wasm-simd' row = multiply + add, 'wasm-relaxed' row = fused. */
export async function benchCeiling(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const system of ['wasm-simd', 'wasm-relaxed'] as const) {
    const loop = await ceilingLoop(system, 'ceiling');
    if (!loop) continue;
    const t = await measure(`ceiling ${system}`, () => loop.peak(ITERATIONS), options.quick);
    results.push(gflopsRow('ceiling', system, t, ITERATIONS * loop.flopsPerIteration));
  }
  return results;
}

/** Iterations of one probe sample: ~10 ms at 30 GFLOP/s, short beside the W2 step it sits next to. */
const PROBE_ITERATIONS = 500_000;

/**
 * The ceiling sampled right before each timed call of another measurement (`measure`'s `between`), so that a
 * share of the ceiling compares two figures from the same moments: on a shared machine the speed of the host
 * drifts by tens of percent over a run, and a ceiling timed minutes apart from the workload mixes two speeds.
 */
export async function ceilingProbe(system: BenchSystem, workload: string) {
  const loop = await ceilingLoop(system, workload);
  if (!loop) return undefined;
  const samplesMs: number[] = [];
  const between: Between = (run) => {
    const start = now();
    loop.peak(PROBE_ITERATIONS);
    if (run) samplesMs.push(now() - start);
  };
  const row = () =>
    gflopsRow(`ceiling@${workload}`, system, timingOf(samplesMs), PROBE_ITERATIONS * loop.flopsPerIteration);
  return { between, row };
}
