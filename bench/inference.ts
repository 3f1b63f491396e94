// W5a (streaming: one LSTM step at a time, state carried, µs per step) and W5b (batched LSTM forward, tokens/s)
// of ../shared/BENCHMARKS.md, for our backends.

import { init } from '../bindings/index.node.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import type { Backend } from '../bindings/runtime/runtime.ts';
import { measure } from './measure.ts';
import type { BenchOptions, BenchResult } from './types.ts';

const SYSTEMS: Backend[] = ['wasm-relaxed', 'wasm-simd', 'ts'];
const I = 65;
const H = 128;

function oneHotSequence(T: number, B: number): Float32Array {
  const x = new Float32Array(T * B * I);
  for (let r = 0; r < T * B; r++) x[r * I + ((r * 7) % I)] = 1;
  return x;
}

export async function benchStreaming(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const steps = 100;
  const inputs = oneHotSequence(steps, 1);
  for (const system of SYSTEMS) {
    const rt = await init({ backend: system });
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    const stepper = lstm.stepper({ batchSize: 1 });
    const xs = Array.from({ length: steps }, (_, t) => inputs.subarray(t * I, (t + 1) * I));
    const t = await measure(
      `W5a ${system}`,
      () => {
        for (let s = 0; s < steps; s++) stepper.step(xs[s]);
      },
      options.quick,
    );
    const us = (ms: number) => (ms * 1000) / steps;
    results.push({
      workload: 'W5a',
      system,
      threads: 1,
      unit: 'us/step',
      median: us(t.medianMs),
      min: us(t.minMs),
      max: us(t.maxMs),
    });
  }
  return results;
}

export async function benchBatchedInference(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const T = 32;
  const B = 32;
  const x = { data: oneHotSequence(T, B), shape: [T, B, I] };
  for (const system of SYSTEMS) {
    const rt = await init({ backend: system });
    const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    const t = await measure(`W5b ${system}`, () => lstm.forward(x), options.quick);
    const rate = (ms: number) => (T * B) / (ms / 1000);
    // Faster is a smaller time, so the slowest sample gives the lowest rate.
    results.push({
      workload: 'W5b',
      system,
      threads: 1,
      unit: 'tokens/s',
      median: rate(t.medianMs),
      min: rate(t.maxMs),
      max: rate(t.minMs),
    });
  }
  return results;
}
