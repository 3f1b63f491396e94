// One timing primitive for every suite: tinybench after a warm-up, latency statistics in milliseconds.
// The number of samples adapts to the cost of one call, so that a 50 ms step and a 50 s step (TF.js's cpu
// backend on W2) both finish in reasonable time: ≥ 5 samples (BENCHMARKS.md) unless one call takes longer than
// SLOW_MS, then 3 (1 with --quick). The first call is timed on its own and is never a sample.

import { Bench } from 'tinybench';
import type { BenchResult, BenchSystem } from './types.ts';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number;
}

const SLOW_MS = 5000;

/** 'wall' (performance.now) or 'cpu': this process's user + system CPU time, which a loaded shared machine
 * disturbs far less (another process's time slices are not counted; its cache and SMT pressure still are). */
export type Clock = 'wall' | 'cpu';
let clock: Clock = 'wall';

export function setClock(value: Clock): void {
  clock = value;
}

export function clockName(): Clock {
  return clock;
}

/** Runs `f` timed by the wall clock whatever --clock says: the CPU time of a process with several busy threads is
 * their sum, not the time its caller waited. */
export async function onWallClock<T>(f: () => Promise<T>): Promise<T> {
  const was = clock;
  clock = 'wall';
  try {
    return await f();
  } finally {
    clock = was;
  }
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The bench's timestamp in milliseconds, by the chosen clock (tinybench's `now`). */
export const now = (): number => (clock === 'cpu' ? cpuNow() : performance.now());

/** Called before each timed call (and each warm-up call), untimed: `run` is false during the warm-up. */
export type Between = (run: boolean) => void;

/** Times `fn` (one call = one unit of work; it may return a promise, which is awaited). */
export async function measure(
  name: string,
  fn: () => unknown,
  quick: boolean,
  between?: Between,
): Promise<Timing> {
  const start = now();
  await fn();
  const first = now() - start;
  const slow = first > SLOW_MS;
  const bench = new Bench({
    now,
    iterations: slow ? (quick ? 1 : 3) : 5,
    time: slow ? 0 : quick ? 300 : 1500,
    warmup: !slow,
    warmupIterations: first > 200 ? 1 : 3,
    warmupTime: quick ? 50 : 200,
  });
  bench.add(name, fn, between ? { beforeEach: (mode) => between(mode === 'run') } : {});
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`bench ${name}: ${result.state}`);
  return {
    medianMs: result.latency.p50,
    minMs: result.latency.min,
    maxMs: result.latency.max,
    samples: result.latency.samplesCount,
  };
}

/** A timing from raw samples in milliseconds (for measurements taken outside tinybench, e.g. `Between`). */
export function timingOf(samplesMs: readonly number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs, minMs: sorted[0], maxMs: sorted[sorted.length - 1], samples: sorted.length };
}

/** A result row from a timing; `convert` maps milliseconds per call to the row's unit. For a rate the
 * slowest sample gives the minimum, for a latency the fastest does. */
function row(
  workload: string,
  system: BenchSystem,
  t: Timing,
  unit: BenchResult['unit'],
  convert: (ms: number) => number,
): BenchResult {
  const [low, high] = unit === 'us/step' ? [t.minMs, t.maxMs] : [t.maxMs, t.minMs];
  const { samples } = t;
  return {
    workload,
    system,
    threads: 1,
    unit,
    median: convert(t.medianMs),
    min: convert(low),
    max: convert(high),
    samples,
  };
}

/** A throughput row: `units` tokens per call, per second. */
export function rateRow(workload: string, system: BenchSystem, t: Timing, units: number): BenchResult {
  return row(workload, system, t, 'tokens/s', (ms) => units / (ms / 1000));
}

/** A latency row in µs per step (one call = `units` steps). */
export function perStepRow(workload: string, system: BenchSystem, t: Timing, units: number): BenchResult {
  return row(workload, system, t, 'us/step', (ms) => (ms * 1000) / units);
}

/** A GFLOP/s row: `flops` per call. */
export function gflopsRow(workload: string, system: BenchSystem, t: Timing, flops: number): BenchResult {
  return row(workload, system, t, 'GFLOP/s', (ms) => flops / (ms * 1e6));
}
