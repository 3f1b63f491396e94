// Numeric faults at the layer level (issue 8, item 5; through the Trainer: trainer-numeric-faults.test.ts):
// NaN/Inf in a layer's float input or incoming gradient is a DataError raised before any kernel runs, leaving
// weights and gradients as they were; an exploding learning rate is refused by the optimizer with the weights
// intact; and gradient clipping keeps a known exploding-gradient case (a ReLU RNN with recurrent weights 1.1·I
// over 120 steps, gradient norm ~10^14) finite, where the unclipped run overflows to Inf after one step.

import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, ValueError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { Dense } from '../bindings/model/dense.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import { AttentionPooling } from '../bindings/model/pooling.ts';
import { RNN } from '../bindings/model/rnn.ts';
import { clipGradNorm, clipGradValue } from '../bindings/train/clip.ts';
import { Adam, SGD } from '../bindings/train/optimizers.ts';
import { EXACT_BACKENDS, loadRuntime } from './helpers/backends.ts';

const bits = (record: Record<string, Float32Array>) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [...new Uint32Array(v.buffer)]]));

/** Counts every kernel call on a ts runtime (its kernel table is a plain object), to prove none ran. */
function countKernels(rt: Runtime): { calls: number; restore(): void } {
  const table = rt.kernels as unknown as Record<string, (...a: number[]) => number>;
  const original = { ...table };
  const counter = { calls: 0, restore: () => Object.assign(table, original) };
  for (const [name, fn] of Object.entries(original)) {
    table[name] = (...a: number[]) => {
      counter.calls++;
      return fn(...a);
    };
  }
  return counter;
}

const poison = (n: number, at: number, value: number) => {
  const a = new Float32Array(n).fill(0.25);
  a[at] = value;
  return a;
};

describe('NaN and Inf at a layer boundary are refused before any kernel runs', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });

  const T = 3;
  const B = 2;
  const cases: [
    string,
    () => {
      layer: { getWeights(): Record<string, Float32Array>; dispose(): void };
      call(v: number): unknown;
      name: RegExp;
    },
  ][] = [
    [
      'GRU x',
      () => {
        const layer = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
        return {
          layer,
          call: (v) => layer.forward({ data: poison(T * B * 2, 5, v), shape: [T, B, 2] }),
          name: /x \[T, B, inputSize\]\[5\]/,
        };
      },
    ],
    [
      'LSTM c0',
      () => {
        const layer = new LSTM(rt, { inputSize: 2, hiddenSize: 3 });
        const x = { data: new Float32Array(T * B * 2), shape: [T, B, 2] };
        return { layer, call: (v) => layer.forward(x, { c0: poison(B * 3, 4, v) }), name: /c0\[4\]/ };
      },
    ],
    [
      'RNN h0',
      () => {
        const layer = new RNN(rt, { inputSize: 2, hiddenSize: 3, numLayers: 2 });
        const x = { data: new Float32Array(T * B * 2), shape: [T, B, 2] };
        return { layer, call: (v) => layer.forward(x, { h0: poison(2 * B * 3, 7, v) }), name: /h0\[7\]/ };
      },
    ],
    [
      'Dense x',
      () => {
        const layer = new Dense(rt, { inFeatures: 4, outFeatures: 2 });
        return {
          layer,
          call: (v) => layer.forward({ data: poison(8, 0, v), shape: [2, 4] }),
          name: /x\[0\]/,
        };
      },
    ],
    [
      'AttentionPooling h',
      () => {
        const layer = new AttentionPooling(rt, { inputSize: 2 });
        return {
          layer,
          call: (v) => layer.forward({ data: poison(T * B * 2, 11, v), shape: [T, B, 2] }),
          name: /h \[T, B, D\]\[11\]/,
        };
      },
    ],
    [
      'Stepper.step x',
      () => {
        const layer = new LSTM(rt, { inputSize: 2, hiddenSize: 3 });
        const stepper = layer.stepper({ batchSize: 2 });
        return { layer, call: (v) => stepper.step(poison(4, 3, v)), name: /step: x\[3\]/ };
      },
    ],
  ];

  it.each(cases)('%s', (_, make) => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const { layer, call, name } = make();
      const before = bits(layer.getWeights());
      const counter = countKernels(rt);
      try {
        expect(() => call(value)).toThrow(DataError);
        expect(() => call(value)).toThrow(name);
        expect(counter.calls).toBe(0);
      } finally {
        counter.restore();
      }
      expect(bits(layer.getWeights())).toEqual(before);
      layer.dispose();
    }
  });

  it('a non-finite incoming gradient is refused by backward, gradients left as they were', () => {
    const lstm = new LSTM(rt, { inputSize: 2, hiddenSize: 3 });
    lstm.forward({ data: new Float32Array(T * B * 2).fill(0.5), shape: [T, B, 2] });
    lstm.zeroGrad();
    const zero = bits(lstm.gradients());
    const counter = countKernels(rt);
    try {
      expect(() => lstm.backward({ dOutputs: poison(T * B * 3, 2, Number.NaN) })).toThrow(
        /dOutputs\[2\] is NaN.*clip gradients/,
      );
      expect(() => lstm.backward({ dCn: poison(B * 3, 0, Number.POSITIVE_INFINITY) })).toThrow(DataError);
      expect(counter.calls).toBe(0);
    } finally {
      counter.restore();
    }
    expect(bits(lstm.gradients())).toEqual(zero);
    const dense = new Dense(rt, { inFeatures: 2, outFeatures: 2 });
    dense.forward({ data: Float32Array.of(1, 2), shape: [1, 2] });
    expect(() => dense.backward({ data: Float32Array.of(Number.NaN, 0), shape: [1, 2] })).toThrow(
      /dOut\[0\] is NaN/,
    );
    lstm.dispose();
    dense.dispose();
  });
});

describe('an exploding learning rate is refused with the weights intact', () => {
  it.each(EXACT_BACKENDS)(
    '%s: lr Infinity, NaN, or overflowing to Infinity in a schedule',
    async (backend) => {
      const rt = await loadRuntime(backend);
      const dense = new Dense(rt, { inFeatures: 3, outFeatures: 2, seed: 4 });
      dense.forward({ data: Float32Array.of(1, -1, 2), shape: [1, 3] });
      dense.backward({ data: Float32Array.of(1, 1), shape: [1, 2] });
      const before = bits(dense.getWeights());
      for (const Optim of [SGD, Adam]) {
        const opt = new Optim(dense.params.slab, { lr: 0.1 });
        for (const lr of [Number.POSITIVE_INFINITY, Number.NaN, -1, 0, 1e300 * 1e10]) {
          opt.lr = lr;
          expect(() => opt.step()).toThrow(ValueError);
          expect(() => opt.step()).toThrow(/lr must be a finite number > 0/);
        }
        expect(opt.stepCount).toBe(0);
        opt.dispose();
      }
      expect(bits(dense.getWeights())).toEqual(before);
      dense.dispose();
    },
  );
});

/**
 * A ReLU RNN whose recurrent weights are 1.1·I: the state grows as 1.1^t over T = 120 steps and so does the
 * gradient flowing back (Pascanu et al. 2013's exploding case), to a norm of ~10^14 at the first step.
 * The loss pulls the last state towards 10^6, so an unclipped SGD step makes W_hh ~10^12 and the next
 * forward overflows f32.
 */
function explodingCase(rt: Runtime) {
  const [H, I, T, B, target] = [8, 2, 120, 4, 1e6];
  const rnn = new RNN(rt, { inputSize: I, hiddenSize: H, nonlinearity: 'relu', seed: 1 });
  const w = rnn.getWeights();
  const recurrent = new Float32Array(H * H);
  for (let i = 0; i < H; i++) recurrent[i * H + i] = 1.1;
  rnn.setWeights({
    weight_ih_l0: w.weight_ih_l0.map(Math.abs),
    weight_hh_l0: recurrent,
    bias_ih_l0: new Float32Array(H).fill(0.05),
    bias_hh_l0: new Float32Array(H),
  });
  const x = { data: new Float32Array(T * B * I).fill(0.5), shape: [T, B, I] };
  /** One forward and backward of 0.5·Σ(h_T − target)²; returns the loss. */
  const lossAndGrad = () => {
    const { hN } = rnn.forward(x);
    rnn.zeroGrad();
    rnn.backward({ dHn: hN.data.map((v) => v - target) });
    return hN.data.reduce((sum, v) => sum + 0.5 * (v - target) ** 2, 0);
  };
  return { rnn, lossAndGrad };
}

describe('gradient clipping keeps a known exploding-gradient case finite', () => {
  it.each(EXACT_BACKENDS)(
    '%s: unclipped, one SGD step overflows to Inf; clipped to norm 1, 30 steps stay finite and the loss halves',
    async (backend) => {
      const rt = await loadRuntime(backend);
      const raw = explodingCase(rt);
      const sgd = new SGD(raw.rnn.slab, { lr: 0.01 });
      raw.lossAndGrad();
      const norm = Math.sqrt(
        Object.values(raw.rnn.gradients()).reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0),
      );
      expect(norm).toBeGreaterThan(1e13);
      sgd.step();
      const { hN } = raw.rnn.forward({ data: new Float32Array(120 * 4 * 2).fill(0.5), shape: [120, 4, 2] });
      expect(hN.data.some((v) => !Number.isFinite(v))).toBe(true);
      // The overflow is caught at the next layer boundary: backward refuses the Inf gradient by name.
      expect(() => raw.lossAndGrad()).toThrow(/dHn\[\d+\] is Infinity/);

      const clipped = explodingCase(rt);
      const opt = new SGD(clipped.rnn.slab, { lr: 0.01 });
      const losses: number[] = [];
      for (let step = 0; step < 30; step++) {
        losses.push(clipped.lossAndGrad());
        const before = clipGradNorm(clipped.rnn.slab, 1);
        expect(before).toBeGreaterThan(1);
        const after = Math.sqrt(
          Object.values(clipped.rnn.gradients()).reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0),
        );
        expect(after).toBeLessThanOrEqual(1 + 1e-5);
        opt.step();
        for (const [name, v] of Object.entries(clipped.rnn.getWeights()))
          expect(v.every(Number.isFinite), name).toBe(true);
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[29]).toBeLessThan(losses[0] / 2);
      // Element-wise clipping bounds every gradient to the clip value in the same case.
      clipped.lossAndGrad();
      clipGradValue(clipped.rnn.slab, 0.5);
      for (const g of Object.values(clipped.rnn.gradients()))
        expect(g.every((v) => Math.abs(v) <= 0.5)).toBe(true);
      sgd.dispose();
      opt.dispose();
      raw.rnn.dispose();
      clipped.rnn.dispose();
    },
  );
});
