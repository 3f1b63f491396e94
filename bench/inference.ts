// W5a (streaming: one LSTM step at a time, state carried, µs per step) and W5b (batched LSTM forward, tokens/s)
// of ../shared/BENCHMARKS.md. The input is W1's: I = 65 one-hot characters, which our layers take as token ids
// (a gather from W_ih, identical in value to multiplying the one-hot vector) and TF.js as one-hot floats.

import { LSTM } from '../bindings/model/lstm.ts';
import { ParallelForward } from '../bindings/parallel/parallel-forward.ts';
import { measure, onWallClock, perStepRow, rateRow, type Timing } from './measure.ts';
import { OUR_SYSTEMS, ourRuntime, threadedRuntimes } from './systems.ts';
import { TFJS_SYSTEMS, useTfjs } from './tfjs.ts';
import { type PeerStep, tfjsBatched, tfjsStreaming } from './tfjs-models.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';
import { INFERENCE, tokenData } from './workloads.ts';

const { I, H, streamSteps, B, T } = INFERENCE;

async function peers(
  options: BenchOptions,
  make: (tf: Awaited<ReturnType<typeof useTfjs>>) => PeerStep,
  row: (system: BenchSystem, t: Timing) => BenchResult,
  id: string,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const system of TFJS_SYSTEMS) {
    const s = make(await useTfjs(system));
    results.push(row(system, await measure(`${id} ${system}`, s.run, options.quick)));
    s.dispose();
  }
  return results;
}

export async function benchStreaming(options: BenchOptions): Promise<BenchResult[]> {
  const row = (system: BenchSystem, t: Timing) => perStepRow('W5a', system, t, streamSteps);
  const results: BenchResult[] = [];
  const ids = tokenData(streamSteps, 1, I).ids;
  const xs = Array.from(ids, (id) => Int32Array.of(id));
  for (const system of OUR_SYSTEMS) {
    const rt = await ourRuntime(system, 'W5a');
    if (!rt) continue;
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    const stepper = lstm.stepper({ batchSize: 1 });
    const run = () => {
      for (let s = 0; s < streamSteps; s++) stepper.step(xs[s]);
    };
    results.push(row(system, await measure(`W5a ${system}`, run, options.quick)));
    lstm.dispose();
  }
  return [...results, ...(await peers(options, tfjsStreaming, row, 'W5a'))];
}

export async function benchBatchedInference(options: BenchOptions): Promise<BenchResult[]> {
  const row = (system: BenchSystem, t: Timing) => rateRow('W5b', system, t, T * B);
  const results: BenchResult[] = [];
  const x = { data: tokenData(T, B, I).ids, shape: [T, B] };
  for (const system of OUR_SYSTEMS) {
    const rt = await ourRuntime(system, 'W5b');
    if (!rt) continue;
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    results.push(row(system, await measure(`W5b ${system}`, () => lstm.forward(x), options.quick)));
    lstm.dispose();
  }
  return [
    ...results,
    ...(await batchedThreads(options, x)),
    ...(await peers(options, tfjsBatched, row, 'W5b')),
  ];
}

/** W5b rows for each thread count above 1 (--threads): a ParallelForward (one shard a thread) on our wasm builds,
 * timed by the wall clock. */
async function batchedThreads(
  options: BenchOptions,
  x: { data: Int32Array; shape: number[] },
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for await (const { threads, system, rt } of threadedRuntimes(options.threads ?? [1], 'W5b')) {
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    const pf = new ParallelForward(lstm, { threads });
    await pf.ready;
    const t = await onWallClock(() =>
      measure(`W5b ${system} ${threads} threads`, () => pf.forward(x), options.quick),
    );
    await pf.dispose();
    lstm.dispose();
    results.push({ ...rateRow('W5b', system, t, T * B), threads });
  }
  return results;
}
