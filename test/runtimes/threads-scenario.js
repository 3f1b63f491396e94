// Data-parallel training as a user of the installed package meets it: a runtime over shared memory, then the
// same 16 seeded Adam steps with a ParallelTrainer on one thread and on two; reports the hash of the weights each
// trained, how many tasks the worker threads ran, the notes and how many workers outlived dispose().
// Plain ESM JavaScript importing only scenario.js, so Node, Deno, Bun and Chromium run it as is.

import { hashWeights } from './scenario.js';

const [T, B, V, H] = [24, 16, 7, 48];

/** Random ids whose next-token target is (id + 1) mod V: learnable in a few steps. */
function batch() {
  const ids = new Int32Array(T * B);
  let s = 99;
  for (let i = 0; i < ids.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    ids[i] = (s >>> 8) % V;
  }
  return {
    inputs: { data: ids, shape: [T, B] },
    targets: { data: ids.map((id) => (id + 1) % V), shape: [T, B] },
  };
}

export async function threadsScenario(lib) {
  const rt = await lib.init({ shared: true });
  const run = async (threads) => {
    const model = new lib.SequenceModel(rt, {
      input: { tokens: V },
      recurrent: { cell: 'lstm', hiddenSize: H },
      head: { outputSize: V },
      seed: 3,
    });
    const trainer = new lib.ParallelTrainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: 0.05 },
      threads,
      shards: 4,
    });
    await trainer.ready;
    const data = batch();
    const losses = [];
    for (let step = 0; step < 16; step++) losses.push(trainer.step(data));
    const result = {
      threads: trainer.threads,
      firstLoss: losses[0],
      lastLoss: losses[15],
      weights: hashWeights(model.getWeights()),
      workerTasks: trainer.workerTasks,
      notes: trainer.notes,
    };
    await trainer.dispose();
    model.dispose();
    return { ...result, liveWorkers: trainer.liveWorkers };
  };
  const shared = typeof SharedArrayBuffer !== 'undefined' && rt.memory.buffer instanceof SharedArrayBuffer;
  return { backend: rt.backend, shared, runtimeNotes: rt.notes, one: await run(1), two: await run(2) };
}
