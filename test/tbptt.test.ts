// Truncated BPTT and stateful training: state carried between consecutive batches and detached at the boundary.
// Chained stateful windows compute exactly what one long pass computes; the gradient of a window depends on the
// previous window only through the carried values; fit() over a stream (k1 = k2, and k2 > k1 with the loss on
// the fresh steps only) learns; bad uses are typed errors.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CharVocab,
  type Runtime,
  SequenceModel,
  ShapeError,
  Trainer,
  tbptt,
  ValueError,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { rng } from './helpers/random.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const lstm = (V: number, H = 8, L = 1) => ({
  input: { tokens: V },
  recurrent: { cell: 'lstm' as const, hiddenSize: H, numLayers: L },
  head: { outputSize: V },
  seed: 4,
});

function ids(n: number, V: number, seed: number): Int32Array {
  const next = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(next() * V));
}

describe('stateful passes', () => {
  it('consecutive windows with the carried state give bit for bit the outputs of one long pass', () => {
    const model = new SequenceModel(rt, lstm(7, 6, 2));
    const [T, B] = [24, 3];
    const x = ids(T * B, 7, 1);
    const whole = model.predict({ data: x, shape: [T, B] }).data;
    model.resetState();
    for (let start = 0; start < T; start += 8) {
      const w = { data: x.subarray(start * B, (start + 8) * B), shape: [8, B] };
      model.load(w, { T: 8, B }, { state: true });
      model.forward();
      const y = new Float32Array(rt.memory.buffer, model.output, 8 * B * 7);
      expect(y).toEqual(whole.subarray(start * B * 7, (start + 8) * B * 7));
      model.keepState();
    }
  });

  it("a window's gradient depends on the last window only through the carried state (detached)", () => {
    const [T, B] = [6, 2];
    const x = ids(2 * T * B, 5, 2);
    const y = ids(2 * T * B, 5, 3);
    const win = (k: number) => ({
      inputs: { data: x.subarray(k * T * B, (k + 1) * T * B), shape: [T, B] },
      targets: { data: y.subarray(k * T * B, (k + 1) * T * B), shape: [T, B] },
    });
    const a = new SequenceModel(rt, lstm(5));
    const ta = new Trainer(a, { loss: 'cross_entropy' });
    ta.computeGradients(win(0), { stateful: true });
    const carried = a.carriedState!;
    ta.computeGradients(win(1), { stateful: true });
    const chained = a.gradients();
    const b = new SequenceModel(rt, lstm(5));
    const tb = new Trainer(b, { loss: 'cross_entropy' });
    b.carriedState = carried;
    tb.computeGradients(win(1), { stateful: true });
    expect(b.gradients()).toEqual(chained);
    tb.resetState();
    tb.computeGradients(win(1), { stateful: true });
    expect(b.gradients()['rnn.weight_hh_l0']).not.toEqual(chained['rnn.weight_hh_l0']);
  });

  it('refuses a carried state of another batch size and a bidirectional model', () => {
    const model = new SequenceModel(rt, lstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const batch = (B: number) => ({
      inputs: { data: new Int32Array(4 * B), shape: [4, B] },
      targets: { data: new Int32Array(4 * B), shape: [4, B] },
    });
    trainer.step(batch(2), { stateful: true });
    expect(() => trainer.step(batch(3), { stateful: true })).toThrow(
      /batch size of the carried state \(2 rows\) but got 3/,
    );
    trainer.resetState();
    expect(() => trainer.step(batch(3), { stateful: true })).not.toThrow();
    const bi = new SequenceModel(rt, {
      ...lstm(5),
      recurrent: { cell: 'gru', hiddenSize: 4, bidirectional: true },
    });
    expect(() => new Trainer(bi, { loss: 'cross_entropy' }).step(batch(2), { stateful: true })).toThrow(
      ValueError,
    );
    const stream = tbptt(ids(100, 5, 9), { tracks: 2, k1: 5 });
    return expect(new Trainer(bi, { loss: 'cross_entropy' }).fit(stream)).rejects.toThrow(ShapeError);
  });
});

describe('fit over a stream (truncated BPTT)', () => {
  const text = readFileSync(new URL('../data/tinyshakespeare.txt', import.meta.url), 'utf8');

  it('a char LSTM learns 8 KB of Shakespeare in 16 parallel tracks, k1 = k2 = 32: loss < 2.3 nats', async () => {
    const vocab = CharVocab.fromText(text.slice(0, 9216));
    const model = new SequenceModel(rt, { ...lstm(vocab.size, 64), seed: 1 });
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: 0.01 },
      clip: { norm: 5 },
    });
    const stream = tbptt(vocab.encode(text.slice(0, 8192)), { tracks: 16, k1: 32 });
    const validation = tbptt(vocab.encode(text.slice(8192, 9216)), { tracks: 4, k1: 32 });
    const history = await trainer.fit(stream, { epochs: 10, validation });
    const losses = history.epochs.map((e) => e.loss);
    expect(losses[losses.length - 1]).toBeLessThan(2.3);
    expect(history.epochs[history.epochs.length - 1].valLoss!).toBeLessThan(history.epochs[0].valLoss!);
    expect(trainer.steps).toBe(10 * stream.length);
  });

  it('k2 > k1 backpropagates through k2 steps but counts the loss of the k1 fresh ones', async () => {
    const x = ids(2 * 41, 6, 5);
    const run = async (k2: number) => {
      const model = new SequenceModel(rt, lstm(6));
      // An update below every weight's last bit: the weights stay put, so the runs can be compared step for step.
      const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: 1e-30 } });
      const steps: { loss: number; counted: number; grad: Float32Array }[] = [];
      await trainer.fit(tbptt(x, { tracks: 2, k1: 4, k2 }), {
        callbacks: {
          onStepEnd: (s) =>
            void steps.push({
              loss: s.loss,
              counted: trainer.loss.count,
              grad: model.slab.readGrad('rnn.weight_hh_l0'),
            }),
        },
      });
      return steps;
    };
    const plain = await run(4);
    const long = await run(10);
    expect(plain.length).toBe(10);
    expect(long.map((s) => s.counted)).toEqual(plain.map((s) => s.counted));
    expect(long.map((s) => s.counted)).toEqual([8, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    // Same state at each window start, same fresh steps: the same loss; more history: other gradients.
    expect(long.map((s) => s.loss)).toEqual(plain.map((s) => s.loss));
    expect(long[0].grad).toEqual(plain[0].grad);
    expect(long[5].grad).not.toEqual(plain[5].grad);
  });
});
