// ParallelTrainer: the weights after shuffled training are bit-identical for 1, 2 and 3 threads (the workers do
// take part); with one shard they are the Trainer's bit for bit; with more shards the gradient is the whole
// batch's (each shard's loss divided by the batch's count) up to the order of float sums; steady-state steps
// allocate nothing; dispose ends every worker thread and returns every block.

import { beforeAll, describe, expect, it } from 'vitest';
import { init, ParallelTrainer, type Runtime, SequenceModel, Trainer } from '../bindings/index.node.ts';
import { bits, CASES, train } from './helpers/parallel.ts';
import { charLstm, countingTask, timeMajorIds } from './helpers/tasks.ts';

let shared: Runtime;
let simd: Runtime;
beforeAll(async () => {
  shared = await init({ shared: true, backend: 'wasm-relaxed' });
  simd = await init({ shared: true, backend: 'wasm-simd' });
});

describe('threads do not change the weights', () => {
  it.each(
    CASES.flatMap((c) => [
      { ...c, backend: 'wasm-simd' },
      { ...c, backend: 'wasm-relaxed' },
    ]),
  )('$name ($backend): threads 1, 2 and 3 train bit-identical weights', async (c) => {
    const rt = c.backend === 'wasm-simd' ? simd : shared;
    const one = await train(rt, c, { threads: 1, shards: 4 });
    const two = await train(rt, c, { threads: 2, shards: 4 });
    const three = await train(rt, c, { threads: 3, shards: 4 });
    expect(one.workerTasks).toBe(0);
    expect(two.weights).toEqual(one.weights);
    expect(three.weights).toEqual(one.weights);
    expect(two.losses).toEqual(one.losses);
    const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
    expect(mean(one.losses.slice(-3))).toBeLessThan(mean(one.losses.slice(0, 3)));
  });

  it('the workers take tasks when a shard is big enough to be worth waking for (packed GEMMs, one scratch a thread)', async () => {
    const c = { ...CASES[0], model: charLstm(7, 64), data: countingTask(64, 24, 7) };
    const two = await train(shared, c, { threads: 2, shards: 4 });
    expect(two.workerTasks).toBeGreaterThan(0);
    expect(two.weights).toEqual((await train(shared, c, { threads: 1, shards: 4 })).weights);
  });

  it.each(CASES)('$name: one shard is the Trainer bit for bit', async (c) => {
    const reference = await train(shared, c);
    const parallel = await train(shared, c, { threads: 2, shards: 1 });
    expect(parallel.weights).toEqual(reference.weights);
    expect(parallel.losses).toEqual(reference.losses);
  });
});

describe('the gradient of a sharded batch is the whole batch’s', () => {
  it.each(CASES.filter((c) => !c.dropout))(
    '$name: loss and every gradient match the Trainer’s to float rounding',
    async (c) => {
      const base = new SequenceModel(shared, c.model);
      const trainer = new Trainer(base, { loss: c.loss });
      const model = new SequenceModel(shared, c.model);
      const parallel = new ParallelTrainer(model, { loss: c.loss, threads: 2, shards: 3 });
      await parallel.ready;
      // One batch of 10 samples, time-major, as collate gives it.
      const ds = { inputs: c.data.inputs.slice(0, 10), targets: c.data.targets.slice(0, 10) };
      let seen = 0;
      await trainer.fit(ds, { batchSize: 10, shuffle: false, callbacks: { onStepEnd: () => void seen++ } });
      await parallel.fit(ds, { batchSize: 10, shuffle: false });
      expect(seen).toBe(1);
      // Both took one step from the same weights: their gradients are in the slabs.
      const want = base.gradients();
      const got = model.gradients();
      for (const name of Object.keys(want)) {
        // attention.bias shifts every score alike, so its true gradient is 0: both hold rounding noise.
        const scale = Math.max(...want[name].map(Math.abs), 1e-4);
        const diff = Math.max(...want[name].map((g, i) => Math.abs(g - got[name][i])));
        expect(diff / scale, name).toBeLessThan(2e-5);
      }
      await parallel.dispose();
      trainer.dispose();
      model.dispose();
      base.dispose();
    },
  );

  it('computeGradients gives the batch loss and leaves the summed gradient in the slab', async () => {
    const data = countingTask(12, 9, 7);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    const a = new SequenceModel(shared, charLstm(7, 12));
    const b = new SequenceModel(shared, charLstm(7, 12));
    const trainer = new Trainer(a, { loss: 'cross_entropy' });
    const parallel = new ParallelTrainer(b, { loss: 'cross_entropy', threads: 2, shards: 5 });
    const want = trainer.computeGradients(batch);
    const got = parallel.computeGradients(batch);
    expect(Math.abs(got - want)).toBeLessThan(1e-6 * want);
    const ga = a.gradients()['rnn.weight_hh_l0'];
    const gb = b.gradients()['rnn.weight_hh_l0'];
    expect(Math.max(...ga.map((g, i) => Math.abs(g - gb[i])))).toBeLessThan(1e-6);
    expect(b.getWeights()).toEqual(a.getWeights());
    await parallel.dispose();
    trainer.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('checkpoints', () => {
  it('resuming a ParallelTrainer with dropout from a checkpoint continues bit for bit, on any thread count', async () => {
    const c = CASES.find((k) => k.dropout)!;
    const options = { loss: c.loss, optimizer: { kind: 'adam', lr: 0.02 }, shards: 3 } as const;
    const trainFor = (t: ParallelTrainer, epochs: number) => t.fit(c.data, { epochs, batchSize: 10 });
    const whole = new SequenceModel(shared, c.model);
    const a = new ParallelTrainer(whole, { ...options, threads: 2 });
    await trainFor(a, 2);
    const first = new SequenceModel(shared, c.model);
    const b = new ParallelTrainer(first, { ...options, threads: 3 });
    await trainFor(b, 1);
    const bytes = b.checkpoint();
    const resumed = new SequenceModel(shared, c.model);
    const r = new ParallelTrainer(resumed, { ...options, threads: 1 });
    r.restore(bytes);
    await trainFor(r, 1);
    expect(r.steps).toBe(a.steps);
    expect(bits(resumed.getWeights())).toEqual(bits(whole.getWeights()));
    expect(bits(resumed.getWeights())).not.toEqual(bits(first.getWeights()));
    for (const t of [a, b, r]) await t.dispose();
    for (const m of [whole, first, resumed]) m.dispose();
  });
});

describe('resources', () => {
  it('steady-state steps allocate nothing; dispose ends the workers and returns every block', async () => {
    const used = shared.arena.usedBytes;
    const model = new SequenceModel(shared, charLstm(7, 12));
    const data = countingTask(16, 9, 7);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 3, shards: 4 });
    await trainer.ready;
    expect(trainer.threads).toBe(3);
    expect(trainer.liveWorkers).toBe(2);
    trainer.step(batch);
    const after = {
      high: shared.arena.highWater,
      used: shared.arena.usedBytes,
      bytes: shared.memory.buffer.byteLength,
    };
    for (let i = 0; i < 5; i++) trainer.step(batch);
    expect({
      high: shared.arena.highWater,
      used: shared.arena.usedBytes,
      bytes: shared.memory.buffer.byteLength,
    }).toEqual(after);
    await trainer.dispose();
    expect(trainer.liveWorkers).toBe(0);
    expect(() => trainer.step(batch)).toThrow('this ParallelTrainer was disposed');
    await trainer.dispose();
    model.dispose();
    expect(shared.arena.usedBytes).toBe(used);
  });

  it('keeps training while memory grows between steps (workers see the grown shared memory)', async () => {
    const rt = await init({ shared: true });
    const model = new SequenceModel(rt, charLstm(7, 12));
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 2 });
    await trainer.ready;
    const bytes = rt.memory.buffer.byteLength;
    for (const [n, T] of [
      [4, 5],
      [64, 40],
      [8, 7],
    ]) {
      const data = countingTask(n, T, 7);
      const loss = trainer.step({ inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) });
      expect(Number.isFinite(loss)).toBe(true);
    }
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(bytes);
    await trainer.dispose();
    model.dispose();
  });
});
