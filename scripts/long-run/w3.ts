// Workload W3 (shared/BENCHMARKS.md) trained with the low-level API, for the long-run check (issue 8, item 3):
// a GRU (I 1, H 64) read on its last state by a Dense H → 1, MSE, Adam lr 1e-3, batches of 64 windows of 48
// weeks of the Mauna Loa CO₂ series. GRU and head share one parameter slab, so zeroing, the Adam step and a
// weight snapshot are one operation each. Everything is seeded: the same seed gives the same run on every
// deterministic backend (ts and wasm-simd bit for bit).

import { readFile } from 'node:fs/promises';
import {
  type Batch,
  type BatchesState,
  batches,
  interpolateMissing,
  makeWindows,
  readNumericCsv,
  StandardScaler,
  windowDataset,
} from '../../bindings/data/index.ts';
import { Dense } from '../../bindings/model/dense.ts';
import { GRU } from '../../bindings/model/gru.ts';
import { ParamSlab } from '../../bindings/model/slab.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { Adam, type OptimizerState } from '../../bindings/train/optimizers.ts';

export const W3 = { I: 1, H: 64, B: 64, T: 48, lr: 1e-3 } as const;

const CSV = new URL('../../data/co2-maunaloa-weekly.csv', import.meta.url);

/** The scaled CO₂ windows as a many-to-one dataset (lookback 48 → next week), read once per process. */
export async function w3Dataset() {
  const series = readNumericCsv(await readFile(CSV, 'utf8'), { column: 'co2' });
  const filled = interpolateMissing(series.values).values;
  const scaled = new StandardScaler().fit(filled).transform(filled);
  return windowDataset(makeWindows(scaled, { lookback: W3.T, horizon: 1 }));
}

/** Everything a run needs to continue exactly, taken between epochs (the loader's state is per epoch). */
export interface W3State {
  readonly params: Float32Array;
  readonly adam: OptimizerState;
  readonly loader: BatchesState;
}

export interface W3Run {
  readonly rt: Runtime;
  readonly slab: ParamSlab;
  /** Batches per epoch. */
  readonly epochLength: number;
  /** One training step on the next batch (a new shuffled epoch when one ends); returns the batch's MSE. */
  step(): number;
  /** Bits of every parameter, in slab order. */
  weightBits(): Uint32Array;
  /** The state after the last step; only at an epoch boundary (a step count that is a multiple of epochLength). */
  state(): W3State;
  /** Continues from `state` (taken on any backend) as if this run had made the same steps. */
  load(state: W3State): void;
  dispose(): void;
}

export function createW3Run(
  rt: Runtime,
  dataset: Awaited<ReturnType<typeof w3Dataset>>,
  seed: number,
): W3Run {
  const { I, H, B, T } = W3;
  const gruOptions = { inputSize: I, hiddenSize: H, seed, prefix: 'gru.' };
  const headOptions = { inFeatures: H, outFeatures: 1, seed: seed + 1, prefix: 'head.' };
  const slab = new ParamSlab(rt, [...GRU.paramSpecs(gruOptions), ...Dense.paramSpecs(headOptions)]);
  const gru = new GRU(rt, { ...gruOptions, slab });
  const head = new Dense(rt, { ...headOptions, slab });
  const adam = new Adam(slab, { lr: W3.lr });
  // dropLast keeps every batch at B rows, so the workspaces are sized once.
  const loader = batches(dataset, { batchSize: B, shuffle: true, seed, dropLast: true });
  let epoch: Iterator<Batch<Float32Array, Float32Array>> | undefined;
  let inEpoch = 0;
  const dY = new Float32Array(B);

  // A new epoch's permutation is drawn on its first batch, so between epochs the loader's state is the run's.
  const nextBatch = () => {
    if (epoch === undefined || inEpoch === loader.length) {
      epoch = loader[Symbol.iterator]();
      inEpoch = 0;
    }
    inEpoch++;
    return epoch.next().value as Batch<Float32Array, Float32Array>;
  };
  const betweenEpochs = () => epoch === undefined || inEpoch === loader.length;

  return {
    rt,
    slab,
    epochLength: loader.length,
    step() {
      const batch = nextBatch();
      const { hN } = gru.forward({ data: batch.inputs.data as Float32Array, shape: [T, B, I] });
      const y = head.forward({ data: hN.data, shape: [B, H] });
      const target = batch.targets.data as Float32Array;
      let loss = 0;
      for (let b = 0; b < B; b++) {
        const e = Math.fround(y.data[b] - target[b]);
        loss += e * e;
        dY[b] = Math.fround((2 * e) / B);
      }
      slab.zeroGrad();
      const dH = head.backward({ data: dY, shape: [B, 1] });
      gru.backward({ dHn: dH.data });
      adam.step();
      return loss / B;
    },
    weightBits: () => new Uint32Array(rt.arena.f32(slab.params).slice().buffer),
    state() {
      if (!betweenEpochs()) throw new Error(`state(): ${inEpoch} of ${loader.length} batches into an epoch`);
      return { params: rt.arena.f32(slab.params).slice(), adam: adam.state(), loader: loader.getState() };
    },
    load(state) {
      rt.arena.f32(slab.params).set(state.params);
      adam.loadState(state.adam);
      loader.setState(state.loader);
      epoch = undefined;
    },
    dispose() {
      adam.dispose();
      head.dispose();
      gru.dispose();
      slab.free();
    },
  };
}
