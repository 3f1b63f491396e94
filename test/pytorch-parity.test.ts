// RNN, LSTM and GRU against torch.nn on every backend: forward (outputs, hN, cN) and backward (dX, dH0, dC0 and every
// parameter gradient) replayed from test/fixtures/rnn/*.json, written by scripts/fixtures/rnn_parity.py.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import { RNN } from '../bindings/model/rnn.ts';
import type { Tensor } from '../bindings/tensor.ts';
import { BACKENDS, loadRuntime } from './helpers/backends.ts';

/**
 * Error of a tensor against the float64 PyTorch result: max|a − b| / max(max|b|, 1e-3), over the whole tensor.
 * Float32 rounding in a sum grows with the size of its terms, not of the result, so an element that cancels to
 * near zero carries an error set by the tensor's scale; an elementwise ratio would flag such elements although
 * they are as accurate as their neighbours. The floor keeps an all-but-zero tensor from dividing by ~0. PyTorch's
 * own float32 run scores about 4e-7 on these fixtures (printed as "torch-f32"), every backend here at most 6.6e-7
 * (wasm-relaxed, whose FMAs round differently); a wrong formula scores ~1e-1, a wrong f32 rounding step ~1e-5.
 */
const TOLERANCE = 2e-6;
const relError = (got: ArrayLike<number>, want: readonly number[]): number => {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale; // NaN anywhere makes this NaN, which fails `<= TOLERANCE`
};

type Values = number[];
interface Results {
  outputs: Values;
  hN: Values;
  cN?: Values;
  dX: Values;
  dH0: Values;
  dC0?: Values;
  grads: Record<string, Values>;
}
interface Fixture {
  name: string;
  cell: 'RNN' | 'LSTM' | 'GRU';
  options: {
    inputSize: number;
    hiddenSize: number;
    numLayers: number;
    bidirectional: boolean;
    batchFirst: boolean;
    nonlinearity?: 'tanh' | 'relu';
  };
  shapes: { x: number[]; outputs: number[]; state: number[] };
  inputs: { x: Values; h0?: Values; c0?: Values; dOutputs: Values; dHn: Values; dCn?: Values };
  weights: Record<string, Values>;
  float32: Results;
  float64: Results;
}

/** The layer API the three classes share, as far as this test uses it. */
interface Layer {
  setWeights(record: Record<string, Float32Array>): void;
  forward(
    x: Tensor,
    state: { h0?: Float32Array; c0?: Float32Array },
  ): { outputs: Tensor; hN: Tensor; cN?: Tensor };
  backward(grads: { dOutputs?: Float32Array; dHn?: Float32Array; dCn?: Float32Array }): {
    dX?: Tensor; // absent for token (Int32Array) inputs; asserted present below
    dH0: Tensor;
    dC0?: Tensor;
  };
  gradients(): Record<string, Float32Array>;
}

function build(rt: Runtime, f: Fixture): Layer {
  if (f.cell === 'LSTM') return new LSTM(rt, f.options);
  if (f.cell === 'GRU') return new GRU(rt, f.options);
  return new RNN(rt, f.options);
}

const DIR = new URL('./fixtures/rnn/', import.meta.url);
const files = existsSync(DIR) ? readdirSync(DIR).filter((name) => name.endsWith('.json')) : [];
const fixtures: Fixture[] = files.sort().map((name) => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')));
const f32 = (values: Values): Float32Array => Float32Array.from(values);

/** Worst error and where it occurred, keyed "backend cell"; printed after the suite. */
const worst = new Map<string, { err: number; where: string }>();
function note(backend: string, cell: string, err: number, where: string) {
  const key = `${backend.padEnd(12)} ${cell.padEnd(8)}`;
  const prev = worst.get(key);
  if (!prev || Number.isNaN(err) || err > prev.err) worst.set(key, { err, where }); // a NaN sticks
}

it('finds the PyTorch fixtures (regenerate: /usr/bin/python3 scripts/fixtures/rnn_parity.py)', () => {
  expect(fixtures.length).toBe(40); // {RNN tanh, RNN relu, LSTM, GRU} x 10 cases
});

/** A result set as [label, values] pairs: the state and input gradients, then "grad <name>" per parameter. */
const entries = ({ grads, ...rest }: Results): [string, Values][] => [
  ...Object.entries(rest),
  ...Object.entries(grads).map(([k, v]): [string, Values] => [`grad ${k}`, v]),
];
const kindOf = (f: Fixture) => (f.options.nonlinearity ? `RNN-${f.options.nonlinearity}` : f.cell);

for (const f of fixtures) {
  const want = new Map(entries(f.float64));
  for (const [label, values] of entries(f.float32)) {
    note('torch-f32', kindOf(f), relError(values, want.get(label)!), `${f.name} ${label}`);
  }
}

describe.each(BACKENDS)('%s matches PyTorch', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime(backend);
  });

  it.each(fixtures)('$name', (f) => {
    const { inputs, shapes } = f;
    const layer = build(rt, f);
    layer.setWeights(Object.fromEntries(Object.entries(f.weights).map(([k, v]) => [k, f32(v)])));

    const state = inputs.h0 ? { h0: f32(inputs.h0), ...(inputs.c0 && { c0: f32(inputs.c0) }) } : {};
    const out = layer.forward({ data: f32(inputs.x), shape: shapes.x }, state);
    const back = layer.backward({
      dOutputs: f32(inputs.dOutputs),
      dHn: f32(inputs.dHn),
      ...(inputs.dCn && { dCn: f32(inputs.dCn) }),
    });
    const grads = layer.gradients();
    expect(Object.keys(grads).sort()).toEqual(Object.keys(f.weights).sort());

    const got: Record<string, Tensor | undefined> = { ...out, ...back };
    const failures: string[] = [];
    for (const [label, expected] of entries(f.float64)) {
      const name = label.replace(/^grad /, '');
      const data = label === name ? got[label]?.data : grads[name];
      expect(data, label).toBeInstanceOf(Float32Array);
      if (label === name) {
        const shape = { outputs: shapes.outputs, dX: shapes.x }[label] ?? shapes.state;
        expect([...got[label]!.shape], `${label} shape`).toEqual(shape);
      }
      expect(data!.length, `${label} length`).toBe(expected.length);
      const err = relError(data!, expected);
      note(backend, kindOf(f), err, `${f.name} ${label}`);
      if (!(err <= TOLERANCE)) failures.push(`${label}: ${err.toExponential(2)}`);
    }
    expect(failures, `relative error above ${TOLERANCE}`).toEqual([]);
  });
});

afterAll(() => {
  const lines = [...worst].map(([key, w]) => `${key} ${w.err.toExponential(2)}  ${w.where}`);
  console.log(`max relative error vs float64 PyTorch (tolerance ${TOLERANCE}):\n${lines.join('\n')}`);
});
