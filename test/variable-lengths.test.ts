// Variable-length sequences in one batch (lengths): padded steps contribute nothing to the loss or the
// gradients, and each sequence's final state is the one at its own last step, in both directions. A padded
// batch gives the loss and gradients of its sequences run one by one (the padding holds random values, so
// ignoring it is tested, not assumed); at the layer level the final states are bit-identical.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  type LossSpec,
  LSTM,
  type Runtime,
  SequenceModel,
  type SequenceModelOptions,
  Trainer,
} from '../bindings/index.node.ts';
import { EXACT_BACKENDS, loadRuntime } from './helpers/backends.ts';
import { rng, uniform } from './helpers/random.ts';

type Backend = (typeof EXACT_BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of EXACT_BACKENDS) runtimes[b] = await loadRuntime(b);
});

const LENGTHS = [5, 2, 4, 1];
const T = 5;
const B = LENGTHS.length;

interface Case {
  name: string;
  model: SequenceModelOptions;
  loss: LossSpec;
}

const CASES: Case[] = [
  {
    name: 'tokens, 2-layer bidirectional LSTM, per step, cross-entropy',
    model: {
      input: { tokens: 6 },
      recurrent: { cell: 'lstm', hiddenSize: 5, numLayers: 2, bidirectional: true },
      head: { outputSize: 6 },
    },
    loss: { kind: 'cross_entropy', reduction: 'sum' },
  },
  {
    name: 'features, bidirectional GRU, last state, MSE',
    model: {
      input: { features: 3 },
      recurrent: { cell: 'gru', hiddenSize: 4, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 2 },
    },
    loss: { kind: 'mse', reduction: 'sum' },
  },
  {
    name: 'features, 2-layer tanh RNN, attention, Huber',
    model: {
      input: { features: 2 },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 6, numLayers: 2 },
      pooling: 'attention',
      head: { outputSize: 3 },
    },
    loss: { kind: 'huber', reduction: 'sum' },
  },
  {
    name: 'embedding, relu RNN, per step, BCE with logits',
    model: {
      input: { embedding: { vocabSize: 7, dim: 3 } },
      recurrent: { cell: 'rnn_relu', hiddenSize: 4 },
      head: { outputSize: 2 },
    },
    loss: { kind: 'bce_with_logits', reduction: 'sum' },
  },
  {
    name: 'tokens, unidirectional LSTM, last state, cross-entropy',
    model: {
      input: { tokens: 5 },
      recurrent: { cell: 'lstm', hiddenSize: 7 },
      pooling: 'last',
      head: { outputSize: 4 },
    },
    loss: { kind: 'cross_entropy', reduction: 'sum' },
  },
];

/** Sequence b as time-major [len, 1, ·] inputs and targets, and the padded batch [T, B, ·] (random padding). */
function data(c: Case, seed: number) {
  const m = c.model;
  const ids = !('features' in m.input);
  const F = 'features' in m.input ? m.input.features : 1;
  const V = 'tokens' in m.input ? m.input.tokens : 'embedding' in m.input ? m.input.embedding.vocabSize : 0;
  const O = m.head.outputSize;
  const perStep = (m.pooling ?? 'none') === 'none';
  const classes = typeof c.loss !== 'string' && c.loss.kind === 'cross_entropy';
  const next = rng(seed);
  const x = ids
    ? Int32Array.from({ length: T * B }, () => Math.floor(next() * V))
    : uniform(T * B * F, seed, -1, 1);
  const yRows = perStep ? T * B : B;
  const y = classes
    ? Int32Array.from({ length: yRows }, () => Math.floor(next() * O))
    : c.loss !== 'mse' && typeof c.loss !== 'string' && c.loss.kind === 'bce_with_logits'
      ? uniform(yRows * O, seed + 1, 0, 1)
      : uniform(yRows * O, seed + 1, -1, 1);
  const xShape = ids ? [T, B] : [T, B, F];
  const yShape = (rows: number[]) => (classes ? rows : [...rows, O]);
  const padded = {
    inputs: { data: x, shape: xShape },
    targets: { data: y, shape: yShape(perStep ? [T, B] : [B]) },
    lengths: Int32Array.from(LENGTHS),
  };
  const one = (b: number) => {
    const len = LENGTHS[b];
    const w = ids ? 1 : F;
    const xb = ids ? new Int32Array(len) : new Float32Array(len * F);
    for (let t = 0; t < len; t++) for (let f = 0; f < w; f++) xb[t * w + f] = x[(t * B + b) * w + f];
    const yw = classes ? 1 : O;
    const yb = classes ? new Int32Array(perStep ? len : 1) : new Float32Array((perStep ? len : 1) * O);
    for (let t = 0; t < (perStep ? len : 1); t++) {
      for (let o = 0; o < yw; o++) yb[t * yw + o] = y[((perStep ? t * B : 0) + b) * yw + o];
    }
    return {
      inputs: { data: xb, shape: ids ? [len, 1] : [len, 1, F] },
      targets: { data: yb, shape: yShape(perStep ? [len, 1] : [1]) },
    };
  };
  return { padded, one };
}

describe.each(EXACT_BACKENDS)('padded batches on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: loss and gradients equal its sequences one by one',
    (_, c) => {
      const rt = runtimes[backend];
      const model = new SequenceModel(rt, { ...c.model, seed: 5 });
      const trainer = new Trainer(model, { loss: c.loss });
      const { padded, one } = data(c, 17);
      const loss = trainer.computeGradients(padded);
      const grads = model.gradients();
      let sum = 0;
      const acc: Record<string, Float64Array> = {};
      for (let b = 0; b < B; b++) {
        sum += trainer.computeGradients(one(b));
        for (const [name, g] of Object.entries(model.gradients())) {
          acc[name] ??= new Float64Array(g.length);
          for (let i = 0; i < g.length; i++) acc[name][i] += g[i];
        }
      }
      expect(Math.abs(loss - sum)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(sum)));
      for (const [name, g] of Object.entries(grads)) {
        for (let i = 0; i < g.length; i++) {
          expect(Math.abs(g[i] - acc[name][i]), `${name}[${i}]`).toBeLessThanOrEqual(
            2e-5 * (1 + Math.abs(acc[name][i])),
          );
        }
      }
      model.dispose();
    },
  );

  it('mean reduction divides by the real steps only', () => {
    const rt = runtimes[backend];
    const c = CASES[0];
    const model = new SequenceModel(rt, { ...c.model, seed: 5 });
    const { padded } = data(c, 3);
    const mean = new Trainer(model, { loss: 'cross_entropy' }).computeGradients(padded);
    const sum = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } }).computeGradients(
      padded,
    );
    expect(mean).toBeCloseTo(sum / LENGTHS.reduce((a, b) => a + b, 0), 6);
  });
});

describe('the recurrent layer with lengths', () => {
  it("hN is each row's state at its own last step, bit for bit, in both directions; padded outputs are 0", () => {
    const rt = runtimes['wasm-simd'];
    const layer = new LSTM(rt, { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 2 });
    const x = uniform(T * B * 3, 8);
    const out = layer.forward({ data: x, shape: [T, B, 3] }, {}, { lengths: LENGTHS });
    for (let b = 0; b < B; b++) {
      const len = LENGTHS[b];
      const xb = new Float32Array(len * 3);
      for (let t = 0; t < len; t++) xb.set(x.subarray((t * B + b) * 3, (t * B + b + 1) * 3), t * 3);
      const alone = layer.forward({ data: xb, shape: [len, 1, 3] });
      for (let u = 0; u < 4; u++) {
        expect(out.hN.data.subarray((u * B + b) * 4, (u * B + b + 1) * 4)).toEqual(
          alone.hN.data.subarray(u * 4, u * 4 + 4),
        );
        expect(out.cN!.data.subarray((u * B + b) * 4, (u * B + b + 1) * 4)).toEqual(
          alone.cN!.data.subarray(u * 4, u * 4 + 4),
        );
      }
      for (let t = 0; t < T; t++) {
        const row = out.outputs.data.subarray((t * B + b) * 8, (t * B + b + 1) * 8);
        if (t < len) expect(row).toEqual(alone.outputs.data.subarray(t * 8, t * 8 + 8));
        else expect([...row]).toEqual(Array(8).fill(0));
      }
    }
    expect(() => layer.forward({ data: x, shape: [T, B, 3] }, {}, { lengths: [5, 2, 0, 1] })).toThrow(
      /lengths\[2\]/,
    );
    expect(() => layer.forward({ data: x, shape: [T, B, 3] }, {}, { lengths: [5, 2] })).toThrow(/4 values/);
  });
});
