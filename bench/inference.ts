// W5a (streaming: one LSTM step at a time, state carried, µs per step) and W5b (batched LSTM forward, tokens/s)
// of ../shared/BENCHMARKS.md. The input is W1's: I = 65 one-hot characters, which our layers take as token ids
// (a gather from W_ih, identical in value to multiplying the one-hot vector), TF.js, PyTorch and onnxruntime
// (bench/native-peers.ts) as one-hot floats.

import { LSTM } from '../bindings/model/lstm.ts';
import { ParallelForward } from '../bindings/parallel/parallel-forward.ts';
import type { Runtime } from '../bindings/runtime/runtime.ts';
import { measure, onWallClock, perStepRow, rateRow, type Timing } from './measure.ts';
import { pairWithNativePeers } from './native-peers.ts';
import { type OrtSystem, ortBatched, ortStreaming } from './onnx.ts';
import { type PairSide, pairWithTfjs } from './paired.ts';
import { OUR_SYSTEMS, ourRuntime, threadedRuntimes } from './systems.ts';
import { TFJS_SYSTEMS, type Tf, useTfjs } from './tfjs.ts';
import { type PeerStep, tfjsBatched, tfjsStreaming } from './tfjs-models.ts';
import type { BenchOptions, BenchResult, BenchSystem } from './types.ts';
import { INFERENCE, tokenData } from './workloads.ts';

const { I, H, streamSteps, B, T } = INFERENCE;

async function peers(
  options: BenchOptions,
  make: (tf: Tf) => PeerStep,
  row: (system: BenchSystem, t: Timing) => BenchResult,
  id: string,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const system of TFJS_SYSTEMS) {
    if (options.skip?.has(system)) continue;
    const s = make(await useTfjs(system));
    results.push(row(system, await measure(`${id} ${system}`, s.run, options.quick)));
    s.dispose();
  }
  return results;
}

/** W5a on our runtime `rt`: one call runs `streamSteps` steps of batch 1, the state carried between them. */
function ourStreaming(rt: Runtime): PairSide {
  const ids = tokenData(streamSteps, 1, I).ids;
  const xs = Array.from(ids, (id) => Int32Array.of(id));
  const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
  const stepper = lstm.stepper({ batchSize: 1 });
  return {
    run: () => {
      for (let s = 0; s < streamSteps; s++) stepper.step(xs[s]);
    },
    dispose: () => lstm.dispose(),
  };
}

const batchedInput = () => ({ data: tokenData(T, B, I).ids, shape: [T, B] });

/** W5b on our runtime `rt`: one call is one forward over [T, B] token ids; above one thread a ParallelForward's
 * (rt made by init({ shared: true })). One thread: the inference forward a page or worker runs — no gradient
 * (PyTorch's side runs under torch.no_grad()) and the results written into arrays kept between calls. */
function ourBatched(rt: Runtime, threads = 1): PairSide & { ready?: Promise<void> } {
  const x = batchedInput();
  const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
  const into = {
    outputs: new Float32Array(T * B * H),
    hN: new Float32Array(B * H),
    cN: new Float32Array(B * H),
  };
  if (threads === 1) {
    return { run: () => lstm.forward(x, {}, { grad: false, into }), dispose: () => lstm.dispose() };
  }
  const pf = new ParallelForward(lstm, { threads });
  return {
    run: () => pf.forward(x),
    ready: pf.ready,
    dispose: async () => {
      await pf.dispose();
      lstm.dispose();
    },
  };
}

/** Rows of our one-thread systems, TF.js's and (`extra`) any others, then their pairing with TF.js. */
async function suite(
  id: 'W5a' | 'W5b',
  options: BenchOptions,
  ours: (rt: Runtime, threads?: number) => PairSide & { ready?: Promise<void> },
  peer: (tf: Tf) => PeerStep,
  row: (system: BenchSystem, t: Timing) => BenchResult,
  extra: () => Promise<BenchResult[]>,
  native: { threadable: boolean; ort: (system: OrtSystem) => Promise<PairSide | string> },
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const system of OUR_SYSTEMS) {
    if (options.skip?.has(system)) continue;
    const rt = await ourRuntime(system, id);
    if (!rt) continue;
    const side = ours(rt);
    results.push(row(system, await measure(`${id} ${system}`, side.run, options.quick)));
    await side.dispose();
  }
  results.push(...(await extra()), ...(await peers(options, peer, row, id)));
  await pairWithTfjs(id, results, options, (rt) => ours(rt), peer);
  await pairWithNativePeers(id, results, options, { ours, row, ...native });
  return results;
}

export function benchStreaming(options: BenchOptions): Promise<BenchResult[]> {
  const row = (system: BenchSystem, t: Timing) => perStepRow('W5a', system, t, streamSteps);
  return suite('W5a', options, ourStreaming, tfjsStreaming, row, async () => [], {
    threadable: false,
    ort: ortStreaming,
  });
}

export function benchBatchedInference(options: BenchOptions): Promise<BenchResult[]> {
  const row = (system: BenchSystem, t: Timing) => rateRow('W5b', system, t, T * B);
  return suite('W5b', options, ourBatched, tfjsBatched, row, () => batchedThreads(options, batchedInput()), {
    threadable: true,
    ort: ortBatched,
  });
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
