// ParallelForward: a recurrent layer's forward with the batch shared out among threads gives layer.forward's
// outputs and final states bit for bit, for every cell, layout and option, any number of threads and shards
// (the workers do take part); it reads the layer's current weights; without shared memory it runs on one
// thread with a note; bad options and inputs are typed errors; dispose ends the workers and returns every block.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GRU,
  init,
  LSTM,
  ParallelForward,
  RNN,
  type Runtime,
  ShapeError,
  ValueError,
} from '../bindings/index.node.ts';
import type { RecurrentOutput } from '../bindings/model/recurrent-io.ts';
import { uniform } from './helpers/random.ts';

let relaxed: Runtime;
let simd: Runtime;
beforeAll(async () => {
  relaxed = await init({ shared: true, backend: 'wasm-relaxed' });
  simd = await init({ shared: true, backend: 'wasm-simd' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const bitsOf = (r: RecurrentOutput) => ({
  outputs: Array.from(
    new Uint32Array(r.outputs.data.buffer, r.outputs.data.byteOffset, r.outputs.data.length),
  ),
  outShape: r.outputs.shape,
  hN: Array.from(new Uint32Array(r.hN.data.buffer)),
  cN: r.cN ? Array.from(new Uint32Array(r.cN.data.buffer)) : undefined,
});

interface Case {
  name: string;
  make: (rt: Runtime) => LSTM | GRU | RNN;
  T: number;
  B: number;
  I: number;
  tokens?: boolean;
  batchFirst?: boolean;
  state?: boolean;
  lengths?: number[];
}

const CASES: Case[] = [
  {
    name: 'LSTM, token ids (W5b-like)',
    make: (rt) => new LSTM(rt, { inputSize: 11, hiddenSize: 24, seed: 1 }),
    T: 9,
    B: 7,
    I: 11,
    tokens: true,
  },
  {
    name: 'LSTM, 2 layers, bidirectional, batchFirst, initial states, lengths',
    make: (rt) =>
      new LSTM(rt, {
        inputSize: 5,
        hiddenSize: 9,
        numLayers: 2,
        bidirectional: true,
        batchFirst: true,
        seed: 2,
      }),
    T: 6,
    B: 5,
    I: 5,
    batchFirst: true,
    state: true,
    lengths: [6, 2, 5, 1, 6],
  },
  {
    name: 'GRU, floats, initial state',
    make: (rt) => new GRU(rt, { inputSize: 4, hiddenSize: 17, seed: 3 }),
    T: 8,
    B: 6,
    I: 4,
    state: true,
  },
  {
    name: 'RNN relu, 3 layers, token ids, lengths',
    make: (rt) => new RNN(rt, { inputSize: 13, hiddenSize: 8, numLayers: 3, nonlinearity: 'relu', seed: 4 }),
    T: 5,
    B: 4,
    I: 13,
    tokens: true,
    lengths: [5, 3, 4, 1],
  },
];

function inputsOf(c: Case, layer: LSTM | GRU | RNN) {
  const { T, B, I } = c;
  const x = c.tokens
    ? {
        data: Int32Array.from({ length: T * B }, (_, i) => (i * 7 + 3) % I),
        shape: c.batchFirst ? [B, T] : [T, B],
      }
    : { data: uniform(T * B * I, 5), shape: c.batchFirst ? [B, T, I] : [T, B, I] };
  const n = layer.config.L * layer.config.D * B * layer.config.H;
  const state = c.state
    ? { h0: uniform(n, 6, -0.5, 0.5), c0: layer.cell.hasCell ? uniform(n, 7, -0.5, 0.5) : undefined }
    : {};
  return { x, state, options: c.lengths ? { lengths: Int32Array.from(c.lengths) } : {} };
}

describe('bit-identical to layer.forward', () => {
  it.each(
    CASES.flatMap((c) => [
      { ...c, backend: 'wasm-relaxed' },
      { ...c, backend: 'wasm-simd' },
    ]),
  )('$name ($backend): threads 1, 2, 3 × shards 1, 2, 3, one a row', async (c) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {}); // threads 3 over fewer shards: a note each
    const rt = c.backend === 'wasm-simd' ? simd : relaxed;
    const layer = c.make(rt);
    const { x, state, options } = inputsOf(c, layer);
    const want = bitsOf(layer.forward(x as never, state, options));
    for (const threads of [1, 2, 3]) {
      for (const shards of [1, 2, 3, c.B]) {
        const pf = new ParallelForward(layer, { threads, shards });
        await pf.ready;
        expect(
          bitsOf(pf.forward(x as never, state, options)),
          `${threads} threads, ${shards} shards`,
        ).toEqual(want);
        await pf.dispose();
      }
    }
    layer.dispose();
  });

  it('the workers take part, and the weights read are the layer’s current ones', async () => {
    const layer = new LSTM(relaxed, { inputSize: 65, hiddenSize: 128, seed: 9 });
    const x = { data: Int32Array.from({ length: 32 * 32 }, (_, i) => (i * 31) % 65), shape: [32, 32] };
    const pf = new ParallelForward(layer, { threads: 2 });
    await pf.ready;
    expect(pf.threads).toBe(2);
    expect(pf.shards).toBe(2);
    for (let i = 0; i < 20; i++) pf.forward(x);
    expect(pf.workerTasks).toBeGreaterThan(0);
    const w = layer.getWeights();
    for (let i = 0; i < w.weight_hh_l0.length; i++) w.weight_hh_l0[i] *= -0.5;
    layer.setWeights(w);
    expect(bitsOf(pf.forward(x))).toEqual(bitsOf(layer.forward(x)));
    await pf.dispose();
    layer.dispose();
  });

  it('a batch of fewer rows than shards is cut one row a part', async () => {
    const layer = new GRU(relaxed, { inputSize: 3, hiddenSize: 5, seed: 2 });
    const x = { data: uniform(4 * 2 * 3, 8), shape: [4, 2, 3] };
    const pf = new ParallelForward(layer, { threads: 2, shards: 5 });
    expect(bitsOf(pf.forward(x))).toEqual(bitsOf(layer.forward(x)));
    await pf.dispose();
    layer.dispose();
  });
});

describe('without shared memory, errors, disposal', () => {
  it.each(['wasm-simd', 'ts'] as const)(
    'a %s runtime without shared memory: one thread, a note, the same outputs',
    async (backend) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const rt = await init({ backend });
      const layer = new LSTM(rt, { inputSize: 6, hiddenSize: 8, seed: 1 });
      const pf = new ParallelForward(layer, { threads: 2, shards: 2 });
      expect(pf.threads).toBe(1);
      expect(pf.notes).toEqual([
        "threads: 2 was asked for, but the layer's runtime has no shared memory (it was not made by init({ shared: true })); the forward runs on one thread, with the same results",
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      const x = { data: uniform(5 * 3 * 6, 1), shape: [5, 3, 6] };
      expect(bitsOf(pf.forward(x))).toEqual(bitsOf(layer.forward(x)));
      await pf.dispose();
      layer.dispose();
    },
  );

  it('refuses what is not a recurrent layer, bad threads and shards, and bad inputs, before any work', async () => {
    const layer = new LSTM(relaxed, { inputSize: 4, hiddenSize: 6, seed: 1 });
    expect(() => new ParallelForward({} as never)).toThrow(ValueError);
    expect(() => new ParallelForward({} as never)).toThrow(
      'ParallelForward runs an RNN, LSTM or GRU layer but got',
    );
    for (const threads of [0, 1.5, -1, '2', Number.NaN]) {
      expect(() => new ParallelForward(layer, { threads: threads as number })).toThrow(
        `threads must be an integer from 1 to 1024 but got`,
      );
    }
    expect(() => new ParallelForward(layer, { shards: 0 })).toThrow('shards must be an integer from 1 to');
    const pf = new ParallelForward(layer, { threads: 2 });
    const used = relaxed.arena.usedBytes;
    expect(() => pf.forward({ data: new Float32Array(7), shape: [1, 1, 7] })).toThrow(ShapeError);
    expect(() =>
      pf.forward({ data: new Float32Array(8), shape: [1, 2, 4] }, { h0: new Float32Array(3) }),
    ).toThrow('h0');
    expect(() =>
      pf.forward({ data: new Float32Array(8), shape: [2, 1, 4] }, {}, { lengths: Int32Array.of(3) }),
    ).toThrow('lengths');
    expect(relaxed.arena.usedBytes).toBe(used);
    await pf.dispose();
    layer.dispose();
  });

  it('dispose ends the workers and returns every block; a disposed one, or one over a disposed layer, refuses', async () => {
    const layer = new LSTM(relaxed, { inputSize: 4, hiddenSize: 6, seed: 1 });
    const before = relaxed.arena.usedBytes;
    const pf = new ParallelForward(layer, { threads: 2 });
    await pf.ready;
    const x = { data: uniform(3 * 4 * 4, 2), shape: [3, 4, 4] };
    pf.forward(x);
    expect(pf.liveWorkers).toBe(1);
    await pf.dispose();
    await pf.dispose();
    expect(pf.liveWorkers).toBe(0);
    expect(relaxed.arena.usedBytes).toBe(before);
    expect(() => pf.forward(x)).toThrow('forward: this ParallelForward was disposed');
    const other = new ParallelForward(layer, { threads: 1 });
    layer.dispose();
    expect(() => other.forward(x)).toThrow("forward: the ParallelForward's layer was disposed");
    expect(() => new ParallelForward(layer)).toThrow('ParallelForward: the layer was disposed');
    await other.dispose();
  });
});
