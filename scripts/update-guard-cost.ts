// npx tsx scripts/update-guard-cost.ts [--rounds 20 --reps 200]: what the update guard costs per W3 step
// (shared/BENCHMARKS.md: GRU I 1, H 64, B 64, T 48, Adam) on wasm-simd. The whole-step benchmark is too noisy on
// a shared machine to see a cost this small, so this times the two things that differ, interleaved in one
// process: a bare optimizer.step() and a guarded one (copies aside, the step, a sumsq over each block), beside
// a full trainer.step() for scale. Medians over rounds of `reps` calls each.

import { parseArgs } from 'node:util';
import { seriesData, TRAIN } from '../bench/workloads.ts';
import { init, SequenceModel, Trainer } from '../bindings/index.node.ts';
import { UpdateGuard } from '../bindings/train/update-guard.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, reps: { type: 'string', default: '200' } },
});
const [rounds, reps] = [Number(values.rounds), Number(values.reps)];
const { T, B, H } = TRAIN.W3;
const rt = await init({ backend: 'wasm-simd' });
const model = new SequenceModel(rt, {
  input: { features: 1 },
  recurrent: { cell: 'gru', hiddenSize: H },
  pooling: 'last',
  head: { outputSize: 1 },
  seed: 1,
});
// A tiny lr keeps the weights (and so the timings) where they start over thousands of steps.
const trainer = new Trainer(model, { loss: 'mse', optimizer: { kind: 'adam', lr: 1e-9 } });
const d = seriesData(T, B);
const batch = { inputs: { data: d.x, shape: [T, B, 1] }, targets: { data: d.y, shape: [B, 1] } };
const guard = new UpdateGuard(model.slab, trainer.optimizer);

const time = (f: () => void) => {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return ((performance.now() - t0) / reps) * 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { step: [] as number[], bare: [] as number[], guarded: [] as number[] };
trainer.step(batch); // gradients in the slab for the optimizer-only timings, every block allocated
let n = 0;
for (let r = 0; r < rounds; r++) {
  samples.step.push(time(() => trainer.step(batch)));
  samples.bare.push(time(() => trainer.optimizer.step()));
  samples.guarded.push(time(() => guard.step(++n)));
}
const [step, bare, guarded] = [median(samples.step), median(samples.bare), median(samples.guarded)];
console.log(
  `W3 on wasm-simd, ${model.slab.size} parameters, Adam (3 blocks guarded), ${rounds}×${reps} calls each`,
);
console.log(`trainer.step (guarded): ${step.toFixed(1)} µs`);
console.log(`optimizer.step bare: ${bare.toFixed(2)} µs, guarded: ${guarded.toFixed(2)} µs`);
console.log(
  `the guard costs ${(guarded - bare).toFixed(2)} µs a step = ${((100 * (guarded - bare)) / step).toFixed(2)} % of a W3 step`,
);
guard.dispose();
trainer.dispose();
model.dispose();
