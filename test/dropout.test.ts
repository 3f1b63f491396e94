// Dropout: the kernel draws the library's own sfc32 stream (so masks are the same in every engine and backend),
// keeps 1 − p of the units scaled by 1/(1 − p) (torch's inverted dropout), and is off in evaluation; in a model,
// between stacked layers and before the head, with gradients that match finite differences under a fixed mask.

import { beforeAll, describe, expect, it } from 'vitest';
import { Random, type Runtime, SequenceModel, Trainer } from '../bindings/index.node.ts';
import { dropoutArgs } from '../bindings/model/recurrent-engine.ts';
import { BACKENDS, EXACT_BACKENDS, get, loadRuntime, put, putI32 } from './helpers/backends.ts';
import { EDGE_SIZES, uniform } from './helpers/random.ts';
import { countingTask, timeMajorIds } from './helpers/tasks.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

function dropout(rt: Runtime, x: Float32Array, p: number, words: number[]) {
  const [keep, scale] = dropoutArgs(p);
  const rx = put(rt, x);
  const rm = rt.arena.alloc(x.length);
  const rs = putI32(rt, words);
  rt.kernels.dropout_f32(rx.ptr, rx.ptr, rm.ptr, rs.ptr, x.length, keep, scale);
  const out = { y: get(rt, rx), mask: get(rt, rm), state: [...rt.arena.i32(rs)].map((v) => v >>> 0) };
  for (const r of [rx, rm, rs]) rt.arena.free(r);
  return out;
}

describe.each(BACKENDS)('dropout_f32 on %s', (backend) => {
  it.each(EDGE_SIZES)(
    'n=%i: the mask is Random’s own draws < (1 − p)·2³², in place, scaled by 1/(1 − p)',
    (n) => {
      const rng = new Random(n);
      const words = rng.getState().slice(0, 4);
      const x = uniform(n, n);
      const { y, mask, state } = dropout(runtimes[backend], x, 0.3, words);
      const [keep] = dropoutArgs(0.3);
      const scale = Math.fround(1 / 0.7);
      for (let i = 0; i < n; i++) {
        const kept = rng.nextUint32() < keep >>> 0;
        expect(mask[i]).toBe(kept ? scale : 0);
        expect(y[i]).toBe(Math.fround(x[i] * mask[i]));
      }
      expect(state).toEqual(rng.getState().slice(0, 4));
    },
  );

  it('keeps 1 − p of 20000 units (within 4σ)', () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const { mask } = dropout(runtimes[backend], new Float32Array(20000).fill(1), p, [1, 2, 3, 4]);
      const kept = mask.filter((m) => m !== 0).length / 20000;
      expect(Math.abs(kept - (1 - p))).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 20000));
    }
  });
});

const deep = (dropout: number, head = 0) => ({
  input: { tokens: 6 },
  recurrent: { cell: 'gru' as const, hiddenSize: 6, numLayers: 3, dropout },
  head: { outputSize: 6, dropout: head },
  seed: 2,
});

describe('dropout in a model', () => {
  const d = countingTask(4, 5, 6);
  const batch = { inputs: timeMajorIds(d.inputs), targets: timeMajorIds(d.targets) };

  it('changes training passes but not evaluation or predict, which equal the model without dropout', () => {
    const rt = runtimes['wasm-simd'];
    const plain = new SequenceModel(rt, deep(0));
    const dropped = new SequenceModel(rt, deep(0.5, 0.5));
    dropped.setWeights(plain.getWeights());
    const trainer = new Trainer(dropped, { loss: 'cross_entropy' });
    const a = trainer.computeGradients(batch);
    const b = trainer.computeGradients(batch);
    expect(a).not.toBe(b);
    expect(dropped.predict(batch.inputs)).toEqual(plain.predict(batch.inputs));
    const evaluation = trainer.evaluate({ inputs: d.inputs, targets: d.targets });
    expect(evaluation.loss).toBeCloseTo(new Trainer(plain, { loss: 'cross_entropy' }).evaluate(d).loss, 6);
  });

  it('gradients under a fixed mask match central differences of the loss', () => {
    const rt = runtimes.ts;
    const model = new SequenceModel(rt, deep(0.4, 0.3));
    const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
    const words = model.dropout.getState();
    const lossAt = () => {
      model.dropout.setState(words);
      return trainer.computeGradients(batch);
    };
    lossAt();
    const grads = model.gradients();
    const w = model.getWeights();
    for (const name of ['rnn.weight_ih_l1', 'rnn.weight_hh_l2', 'head.weight', 'rnn.bias_ih_l0']) {
      for (const i of [0, 7, 13]) {
        const h = 1e-2;
        const up = { ...w, [name]: w[name].slice() };
        up[name][i] += h;
        model.setWeights(up);
        const lu = lossAt();
        up[name][i] -= 2 * h;
        model.setWeights(up);
        const ld = lossAt();
        model.setWeights(w);
        const fd = (lu - ld) / (2 * h);
        expect(Math.abs(grads[name][i] - fd), `${name}[${i}]`).toBeLessThanOrEqual(5e-3 * (1 + Math.abs(fd)));
      }
    }
  });

  it('wasm-simd and ts train to bit-identical weights with dropout, from the trainer seed', async () => {
    const weights = [];
    for (const backend of EXACT_BACKENDS) {
      const model = new SequenceModel(runtimes[backend], deep(0.3, 0.2));
      const trainer = new Trainer(model, {
        loss: 'cross_entropy',
        optimizer: { kind: 'adam', lr: 0.01 },
        seed: 9,
      });
      await trainer.fit(countingTask(12, 6, 6), { epochs: 2, batchSize: 4 });
      weights.push(model.getWeights());
    }
    expect(weights[1]).toEqual(weights[0]);
  });
});
