// The API-misuse fuzz (issue 8, item 2): seeded trials, each a call of one public function or method with one
// or two of its arguments replaced by a wrong value. A trial passes when the call either succeeds or throws
// the library's WasmRnnError naming the argument, and the objects involved still work afterwards (a refused
// call changed nothing; nothing outside its own blocks of linear memory was written).

import { WasmRnnError } from '../../../bindings/errors.ts';
import { Random } from '../../../bindings/random.ts';
import type { Runtime } from '../../../bindings/runtime/runtime.ts';
import { changedKey, misspelled, nearMiss, pick, pool } from './values.ts';

export interface Arg {
  readonly name: string;
  readonly value: unknown;
  /** Other words an error about this argument may use (e.g. 'x' for 'input'). */
  readonly aliases?: readonly string[];
}

export interface Surface<C = unknown> {
  /** e.g. 'GRU.forward' */
  readonly name: string;
  setup(rt: Runtime): C;
  args(ctx: C): Arg[];
  call(ctx: C, args: unknown[]): unknown;
  /** Throws if `ctx` was damaged by the trial; `refused`: the call threw, so nothing may have changed. */
  check?(ctx: C, refused: boolean): void;
  teardown?(ctx: C): void;
}

/** A Surface with its context type erased, for tables of mixed surfaces. */
export const surface = <C>(s: Surface<C>): Surface => s as unknown as Surface;

export interface MisuseFailure {
  readonly surface: string;
  readonly trial: number;
  readonly args: string;
  readonly problem: string;
}

export interface MisuseReport {
  trials: number;
  /** Slowest single call, in ms. */
  maxMs: number;
  accepted: number;
  refused: Record<string, number>;
  /** Calls refused per surface: a surface that never refuses a wrong value was not really exercised. */
  refusedBySurface: Record<string, number>;
  failures: MisuseFailure[];
}

const CANARY = 0x5eed_cafe;
/** A call over small arguments that takes longer than this is a hang (e.g. a loop over a count of 10^12). */
const LIMIT_MS = 1000;

/** Keys of an options object and of the objects inside it (an error may name recurrent.numLayers as numLayers). */
const fieldsOf = (v: unknown, depth = 0): string[] =>
  depth < 3 && v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
    ? Object.entries(v).flatMap(([k, x]) => [k, ...fieldsOf(x, depth + 1)])
    : [];

/** A block filled with a pattern: if a kernel wrote past its own buffers, the pattern changes. */
function canary(rt: Runtime) {
  const region = rt.arena.alloc(256);
  new Uint32Array(rt.memory.buffer, region.ptr, 256).fill(CANARY);
  return {
    intact: () => new Uint32Array(rt.memory.buffer, region.ptr, 256).every((v) => v === CANARY),
    free: () => rt.arena.free(region),
  };
}

const label = (v: unknown): string => {
  if (typeof v === 'symbol' || typeof v === 'bigint' || typeof v === 'function') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  try {
    return JSON.stringify(v)?.slice(0, 80) ?? String(v);
  } catch {
    // An object whose prototype a trial replaced (e.g. by a Date) may refuse every conversion.
    return Object.prototype.toString.call(v);
  }
};

export async function runMisuse(
  surfaces: readonly Surface[],
  runtimes: readonly Runtime[],
  options: { seed: number; trialsPerSurface: number; onSurface?: (name: string) => void },
): Promise<MisuseReport> {
  const report: MisuseReport = {
    trials: 0,
    maxMs: 0,
    accepted: 0,
    refused: {},
    refusedBySurface: {},
    failures: [],
  };
  for (const [s, surf] of surfaces.entries()) {
    options.onSurface?.(surf.name);
    const rng = new Random(options.seed * 7919 + s);
    for (let trial = 0; trial < options.trialsPerSurface; trial++) {
      const rt = runtimes[trial % runtimes.length];
      await runTrial(surf, rt, rng, trial, report);
    }
  }
  return report;
}

async function runTrial(surf: Surface, rt: Runtime, rng: Random, trial: number, report: MisuseReport) {
  const fail = (args: string, problem: string) =>
    report.failures.push({ surface: surf.name, trial, args, problem });
  const usedAtStart = rt.arena.usedBytes;
  const before = canary(rt);
  const ctx = surf.setup(rt);
  const after = canary(rt);
  const args = surf.args(ctx);
  const values = args.map((a) => a.value);
  // An error must name an argument of the call: one of the names, their aliases, or a field of an options
  // object (a wrong value in one argument can make another inconsistent, e.g. ids for a smaller vocabulary).
  const expected = args.flatMap((a) => [a.name, ...(a.aliases ?? []), ...fieldsOf(a.value)]);
  // Trial 0 is the valid call: it checks the table itself (a surface whose valid call fails tests nothing).
  if (trial > 0 && args.length > 0) {
    for (let n = rng.next() < 0.8 ? 1 : 2; n > 0; n--) {
      const i = rng.int(args.length);
      values[i] = rng.next() < 0.5 ? nearMiss(rng, args[i].value) : pick(rng, pool());
      const key = changedKey(args[i].value, values[i]);
      if (key !== undefined) expected.push(key);
    }
  }
  const shown = values.map(label).join(', ');
  report.trials++;
  let refused = false;
  const usedBeforeCall = rt.arena.usedBytes;
  const t0 = performance.now();
  // An options object whose key was misspelled (the value kept): the call must refuse it, naming the key meant.
  const typo = args.flatMap((a, i) => {
    const wrong = values[i];
    const key = changedKey(a.value, wrong);
    if (key === undefined || wrong === null || typeof wrong !== 'object') return [];
    const meant = Object.keys(a.value as object).find((k) => misspelled(k) === key);
    return meant !== undefined && !Object.hasOwn(wrong, meant) ? [{ key, meant }] : [];
  })[0];
  try {
    await surf.call(ctx, values);
    report.accepted++;
    if (typo)
      fail(shown, `the misspelled option ${typo.key} (for ${typo.meant}) was accepted without a word`);
  } catch (error) {
    refused = true;
    const name = (error as Error)?.constructor?.name ?? typeof error;
    report.refused[name] = (report.refused[name] ?? 0) + 1;
    report.refusedBySurface[surf.name] = (report.refusedBySurface[surf.name] ?? 0) + 1;
    const message = (error as Error)?.message ?? String(error);
    if (!(error instanceof WasmRnnError)) fail(shown, `raw ${name}: ${message}`);
    else if (typo && !message.includes(typo.key))
      fail(shown, `the misspelled option ${typo.key} was refused without being named: ${message}`);
    else if (trial === 0) fail(shown, `the valid call was refused: ${message}`);
    else if (!expected.some((word) => message.includes(word))) {
      fail(shown, `${name} does not name ${[...new Set(expected)].join(' or ')}: ${message}`);
    }
  }
  const ms = performance.now() - t0;
  if (refused && rt.arena.usedBytes !== usedBeforeCall) {
    fail(
      shown,
      `a refused call left ${rt.arena.usedBytes - usedBeforeCall} bytes of linear memory allocated`,
    );
  }
  report.maxMs = Math.max(report.maxMs, ms);
  if (ms > LIMIT_MS)
    fail(shown, `took ${ms.toFixed(0)} ms (a wrong argument must be refused, not worked through)`);
  try {
    surf.check?.(ctx, refused);
  } catch (error) {
    fail(shown, `damaged after the call: ${(error as Error).message}`);
  }
  if (!before.intact() || !after.intact()) fail(shown, 'wrote outside its own linear memory');
  try {
    surf.teardown?.(ctx);
  } catch (error) {
    fail(shown, `teardown failed: ${(error as Error).message}`);
  }
  after.free();
  before.free();
  if (rt.arena.usedBytes !== usedAtStart) {
    fail(shown, `${rt.arena.usedBytes - usedAtStart} bytes of linear memory still allocated after teardown`);
  }
}
