// W1–W4 and W6 (training steps, tokens/s) for our systems, the TF.js peers and the native peers (PyTorch), one
// workload per suite.

import { ceilingProbe } from './ceiling.ts';
import { measure, onWallClock, rateRow } from './measure.ts';
import { pairWithNativePeers } from './native-peers.ts';
import { pairWithTfjs } from './paired.ts';
import { OUR_SYSTEMS, ourRuntime, threadedRuntimes } from './systems.ts';
import { TFJS_SYSTEMS, useTfjs } from './tfjs.ts';
import { tfjsTrainStep } from './tfjs-models.ts';
import { makeStep } from './train-step.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';
import { TRAIN, type TrainId, tokensPerStep } from './workloads.ts';

/** Pairs too slow for --quick (one W2 step takes tens of seconds there). */
const QUICK_SKIP = new Set(['W2 ts', 'W2 tfjs-cpu', 'W6 ts', 'W6 tfjs-cpu']);

function skipped(id: TrainId, system: BenchSystem, options: BenchOptions): boolean {
  if (options.skip?.has(system)) return true;
  if (!options.quick || !QUICK_SKIP.has(`${id} ${system}`)) return false;
  console.warn(`bench ${id}: --quick skips ${system}`);
  return true;
}

export async function benchTraining(id: TrainId, options: BenchOptions): Promise<BenchResult[]> {
  const w = TRAIN[id];
  const tokens = tokensPerStep(w);
  const results: BenchResult[] = [];
  for (const system of OUR_SYSTEMS) {
    if (skipped(id, system, options)) continue;
    const rt = await ourRuntime(system, id);
    if (!rt) continue;
    const s = makeStep(rt, w);
    // W2's target is a share of the ceiling: sample it between W2's own samples (see ceilingProbe); W6's share
    // is reported too.
    const probe =
      (id === 'W2' || id === 'W6') && system !== 'ts' ? await ceilingProbe(system, id) : undefined;
    const t = await measure(`${id} ${system}`, s.step, options.quick, probe?.between);
    if (probe) results.push(probe.row());
    if (!Number.isFinite(s.loss())) throw new Error(`bench ${id} ${system}: loss is ${s.loss()}`);
    options.memory.push({
      workload: id,
      system,
      linearBytes: rt.memory.buffer.byteLength,
      arenaBytes: rt.arena.highWater,
    });
    await s.dispose();
    results.push(rateRow(id, system, t, tokens));
  }
  results.push(...(await benchThreads(id, options)));
  for (const system of TFJS_SYSTEMS) {
    if (skipped(id, system, options)) continue;
    const tf = await useTfjs(system);
    const s = tfjsTrainStep(tf, w);
    const t = await measure(`${id} ${system}`, s.run, options.quick);
    s.dispose();
    results.push(rateRow(id, system, t, tokens));
  }
  await pairWithTfjs(
    id,
    results,
    options,
    (rt) => {
      const s = makeStep(rt, w);
      return { run: s.step, dispose: s.dispose };
    },
    (tf) => tfjsTrainStep(tf, w),
  );
  await pairWithNativePeers(id, results, options, {
    ours: (rt, threads) => {
      const s = makeStep(rt, w, threads > 1 ? { threads, shards: SHARDS } : undefined);
      return { run: s.step, dispose: s.dispose, ready: s.ready };
    },
    threadable: w.B >= SHARDS,
    row: (system, t) => rateRow(id, system, t, tokens),
  });
  return results;
}

/** Shards of a batch for the threaded rows: fixed, so that the weights do not depend on the thread count. */
const SHARDS = 4;

/** Rows for each thread count above 1 (--threads): a ParallelTrainer on our WebAssembly systems, timed by the wall
 * clock. W4 has B = 1. */
async function benchThreads(id: TrainId, options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const w = TRAIN[id];
  if (w.B < SHARDS) return results;
  for await (const { threads, system, rt } of threadedRuntimes(options.threads ?? [1], id)) {
    const s = makeStep(rt, w, { threads, shards: SHARDS });
    await s.ready;
    const t = await onWallClock(() => measure(`${id} ${system} ${threads} threads`, s.step, options.quick));
    if (!Number.isFinite(s.loss())) throw new Error(`bench ${id} ${system}: loss is ${s.loss()}`);
    await s.dispose();
    results.push({ ...rateRow(id, system, t, tokensPerStep(w)), threads });
  }
  return results;
}
