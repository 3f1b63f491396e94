// Runs fuzz cases against a loader and checks what every case must satisfy: it ends in the expected typed
// error or in a valid result (checked by the target), within the time limit, allocating linear memory in
// proportion to the file and leaving none behind. The figures (times, memory) come back in the report; the
// caller (the CI test, or scripts/fuzz/run.ts) decides what to print and what to assert.

import { describe as show } from '../../bindings/errors.ts';
import { type BaseSource, LAYER_FILES } from './bases.ts';
import { type FuzzCase, fuzzCase } from './corpus.ts';

export interface FuzzTarget<R> {
  readonly name: string;
  /** Loads one file; throws for a file it refuses. */
  load(bytes: Uint8Array, index: number): R;
  /** Throws if a load that succeeded did not give the valid model the file describes. */
  verify(result: R, c: FuzzCase): void;
  dispose(result: R): void;
  /** Linear-memory bytes handed out now, over every runtime the target loads into. */
  usedBytes(): number;
  /** Linear-memory size now (it only grows), over every runtime. */
  linearBytes(): number;
}

export interface FuzzOptions<R> {
  readonly target: FuzzTarget<R>;
  readonly seed: number;
  readonly count: number;
  readonly start?: number;
  /** The valid files mutated (default: layer files). */
  readonly source?: BaseSource;
  /** The error class every refusal must be (e.g. FormatError). */
  readonly expected: abstract new (
    ...args: never[]
  ) => Error;
  /** Per-file limit in ms (the "each under a second"). */
  readonly limitMs?: number;
  /** Linear memory a load may hold: ratio × file bytes + slack. */
  readonly memoryRatio?: number;
  readonly memorySlack?: number;
  /** Called every `every` cases, e.g. for a progress line or a heap sample. */
  readonly progress?: { every: number; call(done: number, report: FuzzReport): void };
}

export interface Failure {
  readonly index: number;
  readonly steps: readonly string[];
  readonly problem: string;
}

export interface FuzzReport {
  files: number;
  valid: number;
  /** Refusals by error class name. */
  errors: Record<string, number>;
  /** Cases per first mutation family (header:overlap, manifest:kind, ...). */
  families: Record<string, number>;
  maxMs: number;
  slowest: number;
  totalMs: number;
  times: number[];
  maxFileBytes: number;
  /** Largest (linear bytes held during a load) / (file bytes) over valid loads. */
  maxMemoryRatio: number;
  /** Largest growth of the JS heap plus array buffers across one load, in bytes (no gc in between). */
  maxJsDelta: number;
  linearStart: number;
  linearEnd: number;
  failures: Failure[];
}

const familyOf = (c: FuzzCase) =>
  c.steps.find((s) => !s.startsWith('base:') && !s.startsWith('dtype:')) ?? 'valid';
const jsBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

export function runFuzz<R>(options: FuzzOptions<R>): FuzzReport {
  const { target, seed, count, expected } = options;
  const limitMs = options.limitMs ?? 1000;
  const ratio = options.memoryRatio ?? 4;
  const slack = options.memorySlack ?? 64 * 1024;
  const report: FuzzReport = {
    files: 0,
    valid: 0,
    errors: {},
    families: {},
    maxMs: 0,
    slowest: -1,
    totalMs: 0,
    times: [],
    maxFileBytes: 0,
    maxMemoryRatio: 0,
    maxJsDelta: 0,
    linearStart: target.linearBytes(),
    linearEnd: 0,
    failures: [],
  };
  const start = options.start ?? 0;
  for (let index = start; index < start + count; index++) {
    const done = index - start;
    if (options.progress && done > 0 && done % options.progress.every === 0)
      options.progress.call(done, report);
    const c = fuzzCase(seed, index, options.source ?? LAYER_FILES);
    const fail = (problem: string) => report.failures.push({ index, steps: c.steps, problem });
    const family = familyOf(c);
    report.families[family] = (report.families[family] ?? 0) + 1;
    report.maxFileBytes = Math.max(report.maxFileBytes, c.bytes.length);
    const usedBefore = target.usedBytes();
    const jsBefore = jsBytes();
    const t0 = performance.now();
    let result: R | undefined;
    let error: unknown;
    try {
      result = target.load(c.bytes, index);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - t0;
    report.maxJsDelta = Math.max(report.maxJsDelta, jsBytes() - jsBefore);
    report.files++;
    report.totalMs += ms;
    report.times.push(ms);
    if (ms > report.maxMs) [report.maxMs, report.slowest] = [ms, index];
    if (ms > limitMs) fail(`took ${ms.toFixed(0)} ms (limit ${limitMs})`);
    if (error !== undefined) {
      const name = (error as Error)?.constructor?.name ?? typeof error;
      report.errors[name] = (report.errors[name] ?? 0) + 1;
      if (!(error instanceof expected)) fail(`threw ${name}: ${(error as Error)?.message ?? show(error)}`);
      if (target.usedBytes() !== usedBefore)
        fail(`a refused file left ${target.usedBytes() - usedBefore} bytes allocated`);
      continue;
    }
    report.valid++;
    const held = target.usedBytes() - usedBefore;
    report.maxMemoryRatio = Math.max(report.maxMemoryRatio, held / c.bytes.length);
    if (held > ratio * c.bytes.length + slack)
      fail(`held ${held} bytes of linear memory for a ${c.bytes.length}-byte file`);
    try {
      target.verify(result as R, c);
    } catch (e) {
      fail(`loaded but is not the model the file describes: ${(e as Error).message}`);
    }
    target.dispose(result as R);
    if (target.usedBytes() !== usedBefore)
      fail(`dispose left ${target.usedBytes() - usedBefore} bytes allocated`);
  }
  report.linearEnd = target.linearBytes();
  return report;
}

/** The q-quantile of the per-file times. */
export function quantile(times: readonly number[], q: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
