// Workload G: C += A·B, A·Bᵀ and Aᵀ·B on square n×n matrices, GFLOP/s on one core, for every backend.
// Standalone: node --experimental-wasm-relaxed-simd --import tsx bench/gemm.ts [--quick] [--sizes 256,512]

import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { Runtime } from '../bindings/index.node.ts';
import { now } from './measure.ts';
import { OUR_SYSTEMS, ourRuntime } from './systems.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';

/** Every system this engine can run, loaded once for all sizes. */
async function loadSystems(): Promise<Map<BenchSystem, Runtime>> {
  const runtimes = new Map<BenchSystem, Runtime>();
  for (const system of OUR_SYSTEMS) {
    const rt = await ourRuntime(system, 'G');
    if (rt) runtimes.set(system, rt);
  }
  return runtimes;
}

const FORMS = ['nn', 'nt', 'tn'] as const;
const FULL_SIZES = [64, 128, 256, 512, 1024];
const QUICK_SIZES = [64, 256, 512];

/** Three n×n matrices of uniform values in [-1, 1) in the runtime's arena. */
function matrices(rt: Runtime, n: number) {
  const [a, b, c] = [0, 1, 2].map((seed) => {
    const region = rt.arena.alloc(n * n);
    const view = rt.arena.f32(region);
    for (let i = 0; i < view.length; i++) view[i] = Math.sin(i * 12.9898 + seed * 78.233) % 1;
    return region;
  });
  const free = () => {
    for (const r of [a, b, c]) rt.arena.free(r);
  };
  return { a, b, c, free };
}

export async function benchGemm(
  options: Pick<BenchOptions, 'quick'> & { sizes?: number[] },
): Promise<BenchResult[]> {
  const sizes = options.sizes ?? (options.quick ? QUICK_SIZES : FULL_SIZES);
  const runtimes = await loadSystems();
  const results: BenchResult[] = [];
  for (const n of sizes) {
    const flops = 2 * n * n * n;
    // Each sample is one call; the budget ends once both the time and the minimum samples are reached.
    const bench = new Bench({
      now,
      iterations: 5,
      time: options.quick ? 150 : 600,
      warmupIterations: flops > 1e9 ? 1 : 3,
      warmupTime: options.quick ? 50 : 200,
    });
    const cleanups: (() => void)[] = [];
    for (const form of FORMS) {
      for (const [system, rt] of runtimes) {
        if (system === 'ts' && options.quick && n > 512) continue;
        const m = matrices(rt, n);
        cleanups.push(m.free);
        const kernel = rt.kernels[`gemm_${form}_f32`];
        bench.add(`${form}|${system}`, () => kernel(m.c.ptr, m.a.ptr, m.b.ptr, n, n, n, n, n, n, 1));
      }
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`bench G n=${n} ${task.name}: ${result.state}`);
      const [form, system] = task.name.split('|');
      const gflops = (ms: number) => flops / (ms * 1e6);
      results.push({
        workload: `G-${form}-${n}`,
        system: system as BenchSystem,
        threads: 1,
        unit: 'GFLOP/s',
        median: gflops(result.latency.p50),
        min: gflops(result.latency.max),
        max: gflops(result.latency.min),
        samples: result.latency.samplesCount,
      });
    }
    for (const free of cleanups) free();
  }
  return results;
}

/** One line per workload and system, with the ratio to the fastest system of that workload. */
export function formatGemm(results: BenchResult[]): string {
  const best = new Map<string, number>();
  for (const r of results) best.set(r.workload, Math.max(best.get(r.workload) ?? 0, r.median));
  const lines = [
    `${'workload'.padEnd(12)} ${'system'.padEnd(13)} ${'GFLOP/s'.padStart(8)}  min–max        ratio`,
  ];
  for (const r of results) {
    const range = `${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
    const ratio = r.median / (best.get(r.workload) ?? r.median);
    lines.push(
      `${r.workload.padEnd(12)} ${r.system.padEnd(13)} ${r.median.toFixed(2).padStart(8)}  ${range.padEnd(14)} ${ratio.toFixed(2)}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--sizes');
  const sizes = at >= 0 ? args[at + 1].split(',').map(Number) : undefined;
  const results = await benchGemm({ quick: args.includes('--quick'), sizes });
  console.log(`G GEMM, one core, node ${process.version}\n${formatGemm(results)}`);
}
