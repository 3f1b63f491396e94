// Streaming stepper: T single steps give bit for bit the outputs and final state of forward() over the sequence.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, ShapeError, ValueError } from '../bindings/index.node.ts';
import { BACKENDS, loadRuntime, type TestBackend } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';
import { makeLayer, type RefCell } from './helpers/recurrent-ref.ts';

const runtimes = {} as Record<TestBackend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const CELLS: RefCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

describe.each(BACKENDS)('stepper on %s', (backend) => {
  it.each(CELLS.flatMap((cell) => [1, 2].map((L) => ({ cell, L }))))(
    '$cell L=$L equals forward',
    ({ cell, L }) => {
      const rt = runtimes[backend];
      const [T, B, I, H] = [5, 3, 4, 6];
      const layer = makeLayer(rt, { cell, I, H, L, D: 1 });
      const x = uniform(T * B * I, 1);
      const h0 = uniform(L * B * H, 2);
      const c0 = cell === 'lstm' ? uniform(L * B * H, 3) : undefined;
      const want = layer.forward({ data: x, shape: [T, B, I] }, { h0, c0 });
      const stepper = layer.stepper({ batchSize: B });
      stepper.setState({ h: h0, c: c0 });
      const first = stepper.step(x.subarray(0, B * I));
      expect(first).toEqual(want.outputs.data.subarray(0, B * H));
      for (let t = 1; t < T; t++) {
        const out = stepper.step(x.subarray(t * B * I, (t + 1) * B * I));
        expect(out).toBe(first); // one reused array
        expect(out).toEqual(want.outputs.data.subarray(t * B * H, (t + 1) * B * H));
      }
      const state = stepper.getState();
      expect(state.h).toEqual(want.hN.data);
      if (cell === 'lstm') expect(state.c).toEqual(want.cN!.data);
      stepper.reset();
      expect(stepper.getState().h.every((v) => v === 0)).toBe(true);
      stepper.dispose();
      layer.dispose();
    },
  );

  it('token ids, zero allocation per step, and bad input', () => {
    const rt = runtimes[backend];
    const layer = makeLayer(rt, { cell: 'gru', I: 7, H: 8, L: 2, D: 1 });
    const ids = Int32Array.of(3, 0, 6, 2);
    const want = layer.forward({ data: ids, shape: [2, 2] });
    const stepper = layer.stepper({ batchSize: 2 });
    expect(stepper.step(ids.subarray(0, 2))).toEqual(want.outputs.data.subarray(0, 16));
    const high = rt.arena.highWater;
    expect(stepper.step(ids.subarray(2, 4))).toEqual(want.outputs.data.subarray(16, 32));
    for (let i = 0; i < 20; i++) stepper.step(Int32Array.of(i % 7, 1));
    expect(rt.arena.highWater).toBe(high);
    expect(() => stepper.step(new Float32Array(3))).toThrow(ShapeError);
    expect(() => stepper.step(Int32Array.of(7, 0))).toThrow(
      'step: x[0] must be a token id in [0, 7) but is 7',
    );
    expect(() => stepper.setState({ h: new Float32Array(3) })).toThrow(
      'setState: h must be a Float32Array of [2, 2, 8] (32 values) but got Float32Array(3)',
    );
    const bi = makeLayer(rt, { cell: 'lstm', I: 2, H: 2, L: 1, D: 2 });
    expect(() => bi.stepper()).toThrow(ValueError);
    expect(() => layer.stepper({ batchSize: 0 })).toThrow(ValueError);
    stepper.dispose();
    layer.dispose();
    bi.dispose();
  });
});
