// Where memory cannot be shared, a ParallelTrainer runs its shards on the calling thread, with a note and one
// console warning, and trains exactly the weights the threads would have; bad options and batches that cannot
// be cut into the shards are typed errors before any work.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  init,
  ParallelTrainer,
  type Runtime,
  Seq2Seq,
  SequenceModel,
  tbptt,
  ValueError,
} from '../bindings/index.node.ts';
import { initWith } from '../bindings/runtime/init.ts';
import { nodeSource } from '../bindings/runtime/load-node.ts';
import { bits, CASES, train } from './helpers/parallel.ts';
import { charLstm, countingTask, timeMajorIds } from './helpers/tasks.ts';

let shared: Runtime;
let threaded: Record<string, number[]>;
beforeAll(async () => {
  shared = await init({ shared: true, backend: 'wasm-simd' });
  threaded = (await train(shared, CASES[0], { threads: 2, shards: 4 })).weights;
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('one thread where memory cannot be shared', () => {
  it.each(['wasm-simd', 'ts'] as const)(
    'a %s runtime without shared memory: one thread, one warning, the weights of two threads',
    async (backend) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const rt = await init({ backend });
      const model = new SequenceModel(rt, CASES[0].model);
      const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 4 });
      expect(trainer.threads).toBe(1);
      expect(trainer.notes).toEqual([
        "threads: 2 was asked for, but the model's runtime has no shared memory (it was not made by init({ shared: true })); training runs on one thread, with the same results",
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe(`wasm-rnn: ${trainer.notes[0]}`);
      await trainer.dispose();
      model.dispose();
      expect((await train(rt, CASES[0], { threads: 2, shards: 4 })).weights).toEqual(threaded);
    },
  );

  it.each([
    ['an engine without SharedArrayBuffer', undefined, 'this engine has no SharedArrayBuffer'],
    [
      'a page that is not cross-origin isolated',
      false,
      'this page is not cross-origin isolated, so it has no SharedArrayBuffer (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
    ],
  ])(
    '%s: init and the trainer say why, and one thread trains the same weights',
    async (_, isolated, reason) => {
      // What such an engine shows JavaScript: no SharedArrayBuffer global (and crossOriginIsolated false in a page).
      const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
      const saved = g.SharedArrayBuffer;
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let rt: Runtime;
      try {
        delete g.SharedArrayBuffer;
        if (isolated === false) g.crossOriginIsolated = false;
        rt = await init({ shared: true, backend: 'wasm-simd' });
      } finally {
        g.SharedArrayBuffer = saved;
        delete g.crossOriginIsolated;
      }
      const why = `shared memory is not available (${reason}); training runs on one thread`;
      expect(rt.notes).toEqual([why]);
      expect(rt.memory.buffer).toBeInstanceOf(ArrayBuffer);
      const model = new SequenceModel(rt, CASES[0].model);
      const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 4 });
      expect(trainer.threads).toBe(1);
      expect(trainer.notes).toEqual([
        `threads: 2 was asked for, but the model's runtime has no shared memory (${why}); training runs on one thread, with the same results`,
      ]);
      expect(warn.mock.calls).toEqual([[`wasm-rnn: ${trainer.notes[0]}`]]);
      await trainer.dispose();
      model.dispose();
      expect((await train(rt, CASES[0], { threads: 2, shards: 4 })).weights).toEqual(threaded);
    },
  );

  it('a worker that cannot start: a note and one warning, and the other threads train the same weights', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failing = {
      ...nodeSource.threads!,
      // As new Worker() throws for execArgv a worker refuses.
      spawn: () => {
        throw new Error('no such script');
      },
    };
    const rt = await initWith({ ...nodeSource, threads: failing }, { shared: true, backend: 'wasm-simd' });
    const model = new SequenceModel(rt, CASES[0].model);
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 4 });
    await expect(trainer.ready).rejects.toThrow('no such script');
    expect(trainer.notes).toEqual([
      'a worker thread could not start (no such script); the others share the work',
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    await trainer.dispose();
    model.dispose();
    expect((await train(rt, CASES[0], { threads: 2, shards: 4 })).weights).toEqual(threaded);
  });

  it('an environment that cannot start workers gets an ordinary runtime with a note', async () => {
    const rt = await initWith({ ...nodeSource, threads: undefined }, { shared: true });
    expect(rt.backend).toBe((await init()).backend);
    expect(rt.memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(rt.notes).toEqual([
      'shared memory is not available (this environment cannot start worker threads); training runs on one thread',
    ]);
  });

  it.each(['wasm-simd', 'wasm-relaxed'] as const)(
    'init({ shared: true, backend: %s }) is that build over a shared memory that grows',
    async (backend) => {
      const rt = await init({ shared: true, backend });
      expect(rt.backend).toBe(backend);
      expect(rt.notes).toEqual([]);
      expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      const before = rt.memory.buffer.byteLength;
      const block = rt.arena.alloc(1 << 20);
      expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
      rt.arena.free(block);
    },
  );

  it("under 'auto' a shared runtime is relaxed where the engine validates relaxed SIMD, else simd", async () => {
    expect((await init({ shared: true })).backend).toBe((await init()).backend);
    const noRelaxed = { wasm: true, simd: true, relaxed: false };
    expect((await initWith(nodeSource, { shared: true }, noRelaxed)).backend).toBe('wasm-simd');
    await expect(initWith(nodeSource, { shared: true, backend: 'wasm-relaxed' }, noRelaxed)).rejects.toThrow(
      "init: backend 'wasm-relaxed' needs WebAssembly relaxed SIMD, which this engine does not support",
    );
  });
});

describe('bad input is a typed error before any work', () => {
  it.each([0, -1, 1.5, Number.NaN, '2', 2000])('threads: %s', (threads) => {
    const model = new SequenceModel(shared, charLstm(5));
    const used = shared.arena.usedBytes;
    expect(() => new ParallelTrainer(model, { loss: 'cross_entropy', threads: threads as number })).toThrow(
      ValueError,
    );
    expect(() => new ParallelTrainer(model, { loss: 'cross_entropy', threads: threads as number })).toThrow(
      /^threads must be an integer from 1 to 1024 but got/,
    );
    expect(shared.arena.usedBytes).toBe(used);
    model.dispose();
  });

  it.each([0, 2.5, -3, 70000])('shards: %s', (shards) => {
    const model = new SequenceModel(shared, charLstm(5));
    expect(() => new ParallelTrainer(model, { loss: 'cross_entropy', shards })).toThrow(
      /^shards must be an integer from 1 to 65535 but got/,
    );
    model.dispose();
  });

  it('a batch with fewer rows than shards: step() throws before any kernel runs', async () => {
    const model = new SequenceModel(shared, charLstm(5));
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 4 });
    const before = model.getWeights();
    const data = countingTask(3, 6, 5);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    expect(() => trainer.step(batch)).toThrow(ValueError);
    expect(() => trainer.step(batch)).toThrow(
      'a batch of 3 rows cannot be cut into 4 shards (one row each at least); use larger batches or fewer shards',
    );
    expect(() => trainer.update({ T: 6, B: 3, rows: 18, tokens: 18, stateful: false })).toThrow(
      'stage(batch, { training: true }) must come before update()',
    );
    expect(trainer.steps).toBe(0);
    expect(model.getWeights()).toEqual(before);
    await trainer.dispose();
    model.dispose();
  });

  it('fit() whose last batch would have fewer rows than shards throws before the first step', async () => {
    const model = new SequenceModel(shared, charLstm(5));
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 4 });
    const before = bits(model.getWeights());
    await expect(trainer.fit(countingTask(22, 6, 5), { batchSize: 10 })).rejects.toThrow(
      'a batch of 2 rows cannot be cut into 4 shards',
    );
    await expect(
      trainer.fit(countingTask(22, 6, 5), { batchSize: 10, dropLast: true }),
    ).resolves.toBeDefined();
    expect(trainer.steps).toBe(2);
    expect(bits(model.getWeights())).not.toEqual(before);
    await trainer.dispose();
    model.dispose();
  });

  it('what shards cannot do is refused by name: stateful steps, a TBPTT stream, a Seq2Seq', async () => {
    const model = new SequenceModel(shared, charLstm(5));
    const trainer = new ParallelTrainer(model, { loss: 'cross_entropy', threads: 2, shards: 2 });
    const data = countingTask(4, 6, 5);
    const batch = { inputs: timeMajorIds(data.inputs), targets: timeMajorIds(data.targets) };
    const why = /^ParallelTrainer cuts every batch into shards, which cannot carry state between batches/;
    expect(() => trainer.step(batch, { stateful: true })).toThrow(why);
    expect(() => trainer.computeGradients(batch, { stateful: true })).toThrow(ValueError);
    const stream = tbptt(
      Int32Array.from({ length: 60 }, (_, i) => i % 5),
      { tracks: 2, k1: 5 },
    );
    await expect(trainer.fit(stream)).rejects.toThrow(why);
    expect(trainer.steps).toBe(0);
    await trainer.dispose();
    model.dispose();
    const s2s = new Seq2Seq(shared, {
      source: { tokens: 5 },
      target: { tokens: 5 },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      bos: 0,
      eos: 1,
    });
    expect(() => new ParallelTrainer(s2s as never, { loss: 'cross_entropy' })).toThrow(
      'ParallelTrainer trains a SequenceModel but got Seq2Seq (a Seq2Seq trains on the Trainer)',
    );
    s2s.dispose();
  });

  it('init: shared must be a boolean, and shared memory needs a WebAssembly backend', async () => {
    await expect(init({ shared: 'yes' as unknown as boolean })).rejects.toThrow(
      'init: shared must be a boolean but got "yes"',
    );
    await expect(init({ shared: true, backend: 'ts' })).rejects.toThrow(BackendError);
    await expect(init({ shared: true, backend: 'ts' })).rejects.toThrow(
      "so backend must be 'auto', 'wasm-simd' or 'wasm-relaxed' but got 'ts'",
    );
  });

  it('the threads module is refused without shared memory, and the simd module with it', async () => {
    const { readFile } = await import('node:fs/promises');
    const threads = await WebAssembly.compile(
      await readFile(new URL('../build/threads.wasm', import.meta.url)),
    );
    const simd = await WebAssembly.compile(await readFile(new URL('../build/simd.wasm', import.meta.url)));
    await expect(init({ module: threads })).rejects.toThrow(
      /^module: not a wasm-rnn kernel module \(ABI v\d+\): missing exports memory$/,
    );
    await expect(init({ shared: true, module: simd })).rejects.toThrow(
      /^module: not a wasm-rnn kernel module \(ABI v\d+\): missing exports gemm_scratch_bytes, gemm_scratch_set$/,
    );
    await expect(init({ shared: true, backend: 'wasm-relaxed', module: threads })).rejects.toThrow(
      "init: backend 'wasm-relaxed' was asked for but the given module is the simd build",
    );
    const rt = await init({ shared: true, module: threads });
    expect(rt.backend).toBe('wasm-simd');
    expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
