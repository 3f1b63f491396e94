// Our speed against TF.js's, measured at the same moments. The rows of a suite time each system on its own, one
// after another, minutes apart on W2; a shared host's speed moves by 2× within that (the ceiling probes show it),
// so a ratio of two such medians says as much about the host as about the code. Here the two sides alternate in
// short blocks, the order swapped every round, and each round gives one ratio; the median of those is the figure.

import type { Backend, Runtime } from '../bindings/runtime/runtime.ts';
import { now, timingOf } from './measure.ts';
import { ourRuntime } from './systems.ts';
import { best, OURS, TFJS } from './targets.ts';
import { type Tf, type TfjsSystem, useTfjs } from './tfjs.ts';
import type { BenchOptions, BenchResult } from './types.ts';

/** One side of a pair: one call = one unit of work (a training step, a forward, a run of streaming steps). */
export interface PairSide {
  run: () => unknown;
  dispose: () => void | Promise<void>;
}

/** A block lasts at least this long, so that a 5 ms call is timed over many calls and a 10 s call once. */
const BLOCK_MS = 250;
/** Calls shorter than this get an untimed call first: the other side's block has just evicted their caches. */
const REWARM_MS = 1000;

/** Milliseconds per call of `side` over one block. A call may return a promise (TF.js's trainOnBatch): awaited. */
async function block(side: PairSide, lastMs: number, blockMs: number): Promise<number> {
  if (lastMs < REWARM_MS) await side.run();
  let calls = 0;
  const start = now();
  let elapsed = 0;
  do {
    await side.run();
    calls++;
    elapsed = now() - start;
  } while (elapsed < blockMs);
  return elapsed / calls;
}

/**
 * Pairs our fastest system with TF.js's fastest on one workload, both chosen from `rows` (this suite's one-thread
 * rows), and adds the result to options.paired. `ours` and `peer` build a fresh side on a new runtime of ours and
 * on TF.js with the chosen backend.
 */
export async function pairWithTfjs(
  workload: string,
  rows: BenchResult[],
  options: BenchOptions,
  ours: (rt: Runtime) => PairSide,
  peer: (tf: Tf) => PairSide,
): Promise<void> {
  if (!options.paired) return;
  const single = rows.filter((r) => r.workload === workload && r.threads === 1);
  const mine = best(single, OURS);
  const theirs = best(single, TFJS);
  if (!mine || !theirs) return;
  // The rows came from these systems in this process, so their runtimes load.
  const rt = await ourRuntime(mine.system as Backend, workload);
  if (!rt) throw new Error(`bench ${workload}: cannot load ${mine.system} to pair`);
  const a = ours(rt);
  const b = peer(await useTfjs(theirs.system as TfjsSystem));
  const rounds = options.quick ? 3 : 7;
  const blockMs = options.quick ? BLOCK_MS / 2 : BLOCK_MS;
  let lastA = await block(a, 0, blockMs);
  let lastB = await block(b, 0, blockMs);
  const speedups: number[] = [];
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      lastA = await block(a, lastA, blockMs);
      lastB = await block(b, lastB, blockMs);
    } else {
      lastB = await block(b, lastB, blockMs);
      lastA = await block(a, lastA, blockMs);
    }
    oursMs.push(lastA);
    peerMs.push(lastB);
    speedups.push(lastB / lastA);
  }
  await a.dispose();
  await b.dispose();
  options.paired.push({
    workload,
    ours: mine.system,
    peer: theirs.system,
    speedup: timingOf(speedups).medianMs,
    min: Math.min(...speedups),
    max: Math.max(...speedups),
    rounds,
    oursMs: timingOf(oursMs).medianMs,
    peerMs: timingOf(peerMs).medianMs,
  });
}
