// Our speed against TF.js's, measured at the same moments. The rows of a suite time each system on its own, one
// after another, minutes apart on W2; a shared host's speed moves by 2× within that (the ceiling probes show it),
// so a ratio of two such medians says as much about the host as about the code. Here the two sides alternate in
// short blocks, the order swapped every round, and each round gives one ratio; the median of those is the figure.

import { now } from './measure.ts';
import { best } from './targets.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';

/** One side of a pair: one call = one unit of work (a training step, a forward, a run of streaming steps). */
export interface PairSide {
  run: () => unknown;
  dispose: () => void | Promise<void>;
}

const OURS = new Set<string>(['wasm-relaxed', 'wasm-simd']);
const TFJS = new Set<string>(['tfjs-wasm', 'tfjs-cpu']);

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

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Pairs our fastest system with TF.js's fastest on one workload, both chosen from `rows` (this suite's one-thread
 * rows), and adds the result to options.paired. `make` builds a fresh side of the system it is given.
 */
export async function pairWithTfjs(
  workload: string,
  rows: readonly BenchResult[],
  options: BenchOptions,
  make: (system: BenchSystem) => Promise<PairSide | undefined>,
): Promise<void> {
  if (!options.paired) return;
  const single = rows.filter((r) => r.workload === workload && r.threads === 1);
  const ours = best(single, OURS);
  const peer = best(single, TFJS);
  if (!ours || !peer) return;
  const a = await make(ours.system);
  const b = await make(peer.system);
  if (!a || !b) throw new Error(`bench ${workload}: cannot build ${a ? peer.system : ours.system} to pair`);
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
    ours: ours.system,
    peer: peer.system,
    speedup: median(speedups),
    min: Math.min(...speedups),
    max: Math.max(...speedups),
    rounds,
    oursMs: median(oursMs),
    peerMs: median(peerMs),
  });
}
