// The native peers of ../shared/BENCHMARKS.md measured in the same run as ours: PyTorch (one Python process,
// bench/pytorch.ts) on 1 and 2 threads, and onnxruntime-node / -web (bench/onnx.ts) for W5a and W5b. Each is
// paired with our fastest one-thread system (PyTorch on 2 threads with ours on 2 threads, where the workload has a
// threaded side) in alternating blocks (bench/paired.ts); the peer's row comes from its blocks, so the targets
// read figures of this run. A peer that cannot run here is said once, in one line, and its rows are left out.

import { init } from '../bindings/index.node.ts';
import type { Backend, Runtime } from '../bindings/runtime/runtime.ts';
import { onWallClock, type Timing, timingOf } from './measure.ts';
import { ORT_SYSTEMS, type OrtSystem, ortVersion } from './onnx.ts';
import { alternate, type BlockSide, localSide, type PairSide, pairedResult, pairing } from './paired.ts';
import { type PytorchPeer, startPytorch } from './pytorch.ts';
import { ourRuntime } from './systems.ts';
import { best, OURS } from './targets.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';

/** Our side of a workload on a runtime, on `threads` threads (ready settles when its workers are up). */
export type OurSide = (rt: Runtime, threads: number) => PairSide & { ready?: Promise<void> };

export interface NativePeerSuite {
  /** Our side; threadable: whether it has a threaded form (a ParallelTrainer or ParallelForward). */
  ours: OurSide;
  threadable: boolean;
  /** onnxruntime's side of this workload (W5a, W5b only), or why there is none. */
  ort?: (system: OrtSystem) => Promise<PairSide | string>;
  /** A result row from milliseconds per call. */
  row: (system: BenchSystem, t: Timing) => BenchResult;
}

/** What ran and what did not, one line a peer, for the report and the JSON. */
const status = new Map<string, string>();
let pytorch: Promise<PytorchPeer | string> | undefined;

export function peerStatus(): string[] {
  return [...status].map(([peer, line]) => `${peer}: ${line}`);
}

export function closePeers(): void {
  void pytorch?.then((p) => typeof p !== 'string' && p.close());
}

/** Our side of `system` on `threads` threads, on a fresh runtime (shared memory above one thread). */
async function ourSide(
  system: Backend,
  threads: number,
  ours: OurSide,
  id: string,
): Promise<BlockSide | undefined> {
  const rt =
    threads === 1
      ? await ourRuntime(system, id)
      : await init({ shared: true, backend: system }).catch((error: Error) => {
          console.warn(`bench ${id}: no shared ${system} runtime: ${error.message}`);
          return undefined;
        });
  if (!rt) return undefined;
  const side = ours(rt, threads);
  await side.ready;
  return localSide(side);
}

async function pair(
  id: string,
  options: BenchOptions,
  suite: NativePeerSuite,
  mine: { system: Backend; threads: number },
  peer: { system: BenchSystem; threads: number; side: BlockSide },
  results: BenchResult[],
): Promise<void> {
  const a = await ourSide(mine.system, mine.threads, suite.ours, id);
  if (!a) {
    console.warn(`bench ${id}: cannot build ${mine.system} on ${mine.threads} threads to pair`);
    return;
  }
  const { rounds, blockMs } = pairing(options.quick);
  // One thread each: the bench's clock (with --clock cpu, the PyTorch peer times its process's CPU too); more
  // threads: the wall clock, as the CPU time of several busy threads is their sum.
  const run = () => alternate(a, peer.side, rounds, blockMs);
  let timed: Awaited<ReturnType<typeof run>>;
  try {
    timed = mine.threads > 1 || peer.threads > 1 ? await onWallClock(run) : await run();
  } finally {
    await a.dispose();
    await peer.side.dispose();
  }
  options.paired?.push(pairedResult(id, mine, peer, timed));
  results.push({ ...suite.row(peer.system, timingOf(timed.bMs)), threads: peer.threads });
}

/** PyTorch, started on first use; undefined (and said once) where it cannot run. */
async function torch(): Promise<PytorchPeer | undefined> {
  pytorch ??= startPytorch();
  const p = await pytorch;
  if (typeof p === 'string') {
    status.set('pytorch', `skipped: ${p}`);
    return undefined;
  }
  status.set('pytorch', `ran (${p.describe})`);
  return p;
}

/**
 * Pairs our fastest one-thread system of `results` (this suite's rows) with each native peer in options.peers,
 * adds the pairs to options.paired and the peers' rows to `results`.
 */
export async function pairWithNativePeers(
  id: string,
  results: BenchResult[],
  options: BenchOptions,
  suite: NativePeerSuite,
): Promise<void> {
  const peers = options.peers ?? [];
  if (!options.paired || peers.length === 0) return;
  const fastest = best(
    results.filter((r) => r.workload === id && r.threads === 1),
    OURS,
  );
  if (!fastest) return;
  const system = fastest.system as Backend;
  if (peers.includes('pytorch')) {
    const p = await torch();
    // Two threads only where ours has a threaded form: W4 (B = 1) and W5a (one step of batch 1) have none.
    for (const threads of suite.threadable ? [1, 2] : [1]) {
      if (!p) break;
      const side = p.side(id, threads);
      await pair(
        id,
        options,
        suite,
        { system, threads },
        { system: 'pytorch', threads, side },
        results,
      ).catch((error: Error) => {
        const failed = `${id} on ${threads} threads failed (${error.message})`;
        console.warn(`bench: PyTorch: ${failed}`);
        status.set('pytorch', `${status.get('pytorch')}; ${failed}`);
      });
    }
  }
  if (peers.includes('onnxruntime') && suite.ort) {
    for (const ort of ORT_SYSTEMS) {
      const side = await suite.ort(ort);
      if (typeof side === 'string') {
        status.set(ort, `skipped: ${side}`);
        continue;
      }
      status.set(
        ort,
        `ran (${ort === 'ort-node' ? 'onnxruntime-node' : 'onnxruntime-web, wasm backend'} ${await ortVersion(ort)}, 1 thread)`,
      );
      const peer = { system: ort, threads: 1, side: localSide(side) };
      await pair(id, options, suite, { system, threads: 1 }, peer, results);
    }
  }
}
