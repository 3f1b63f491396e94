// Our speed against a peer's, measured at the same moments. The rows of a suite time each system on its own, one
// after another, minutes apart on W2; a shared host's speed moves by 2× within that (the ceiling probes show it),
// so a ratio of two such medians says as much about the host as about the code. Here the two sides alternate in
// short blocks, the order swapped every round, and each round gives one ratio; the median of those is the figure.
// A side is anything that can time a block of its own calls: a function in this process (ours, TF.js,
// onnxruntime) or a request to another (the PyTorch peer, bench/pytorch.ts).

import type { Backend, Runtime } from '../bindings/runtime/runtime.ts';
import { now, timingOf } from './measure.ts';
import { ourRuntime } from './systems.ts';
import { best, OURS, TFJS } from './targets.ts';
import { type Tf, type TfjsSystem, useTfjs } from './tfjs.ts';
import type { BenchOptions, BenchResult, BenchSystem, PairedResult } from './types.ts';

/** One side of a pair: one call = one unit of work (a training step, a forward, a run of streaming steps). */
export interface PairSide {
  run: () => unknown;
  dispose: () => void | Promise<void>;
}

/** A side that times its own blocks: milliseconds per call over a block of at least `ms`. */
export interface BlockSide {
  block: (ms: number) => Promise<number>;
  dispose: () => void | Promise<void>;
}

/** A block lasts at least this long, so that a 5 ms call is timed over many calls and a 10 s call once. */
const BLOCK_MS = 250;
/** Calls shorter than this get an untimed call first: the other side's block has just evicted their caches. */
const REWARM_MS = 1000;

/** A side in this process, timed by the bench's clock. A call may return a promise (TF.js's trainOnBatch,
 * onnxruntime's run): awaited. */
export function localSide(side: PairSide): BlockSide {
  let lastMs = 0;
  return {
    async block(blockMs) {
      if (lastMs < REWARM_MS) await side.run();
      let calls = 0;
      const start = now();
      let elapsed = 0;
      do {
        await side.run();
        calls++;
        elapsed = now() - start;
      } while (elapsed < blockMs);
      lastMs = elapsed / calls;
      return lastMs;
    },
    dispose: side.dispose,
  };
}

/** Rounds and block length of a pairing: 7 rounds of 250 ms, or 3 of 125 ms with --quick. */
export const pairing = (quick: boolean) => ({
  rounds: quick ? 3 : 7,
  blockMs: quick ? BLOCK_MS / 2 : BLOCK_MS,
});

/** Each side's milliseconds per call in every round (after one untimed block each), the order swapped each round. */
export async function alternate(
  a: BlockSide,
  b: BlockSide,
  rounds: number,
  blockMs: number,
): Promise<{ aMs: number[]; bMs: number[] }> {
  await a.block(blockMs);
  await b.block(blockMs);
  const aMs: number[] = [];
  const bMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      aMs.push(await a.block(blockMs));
      bMs.push(await b.block(blockMs));
    } else {
      bMs.push(await b.block(blockMs));
      aMs.push(await a.block(blockMs));
    }
  }
  return { aMs, bMs };
}

/** The PairedResult of `alternate`'s rounds: one ratio (peer's time ÷ ours) a round. */
export function pairedResult(
  workload: string,
  ours: { system: BenchSystem; threads: number },
  peer: { system: BenchSystem; threads: number },
  { aMs, bMs }: { aMs: number[]; bMs: number[] },
): PairedResult {
  const speedups = aMs.map((a, r) => bMs[r] / a);
  const spread = (ms: number[]) => ({ min: Math.min(...ms), max: Math.max(...ms) });
  return {
    workload,
    ours: ours.system,
    oursThreads: ours.threads,
    peer: peer.system,
    peerThreads: peer.threads,
    speedup: timingOf(speedups).medianMs,
    min: Math.min(...speedups),
    max: Math.max(...speedups),
    rounds: speedups.length,
    oursMs: timingOf(aMs).medianMs,
    peerMs: timingOf(bMs).medianMs,
    oursRangeMs: spread(aMs),
    peerRangeMs: spread(bMs),
  };
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
  const a = localSide(ours(rt));
  const b = localSide(peer(await useTfjs(theirs.system as TfjsSystem)));
  const { rounds, blockMs } = pairing(options.quick);
  const timed = await alternate(a, b, rounds, blockMs);
  await a.dispose();
  await b.dispose();
  options.paired.push(
    pairedResult(workload, { system: mine.system, threads: 1 }, { system: theirs.system, threads: 1 }, timed),
  );
}
