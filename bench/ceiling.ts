// The SIMD128 ceiling of one core, measured in this run: independent f32x4 chains in registers (no memory
// traffic), compiled here with asc from the source below, once as separate multiplies and adds (what the
// `simd` build can issue) and once as relaxed_madd (the `relaxed` build's fused multiply-add).
// BENCHMARKS.md's figure (32 GFLOP/s mul + add, 46 FMA) is for its machine class; this one may differ.

import asc from 'assemblyscript/asc';
import { gflopsRow, measure } from './measure.ts';
import type { BenchOptions, BenchResult } from './types.ts';

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

/** GFLOP/s of the register-only loop: 'wasm-simd' row = multiply + add, 'wasm-relaxed' row = fused. */
export async function benchCeiling(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [system, fused] of [
    ['wasm-simd', false],
    ['wasm-relaxed', true],
  ] as const) {
    const { text, flopsPerIteration } = source(fused);
    const flops = ITERATIONS * flopsPerIteration;
    let peak: (n: number) => number;
    try {
      peak = await compile(text, fused);
    } catch (error) {
      console.warn(`bench ceiling: skipping ${system}: ${(error as Error).message}`);
      continue;
    }
    const t = await measure(`ceiling ${system}`, () => peak(ITERATIONS), options.quick);
    results.push(gflopsRow('ceiling', system, t, flops));
  }
  return results;
}
