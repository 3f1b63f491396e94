// dX of a float input is computed only where something reads it. The Trainer's step over a SequenceModel skips it
// for feature input (nothing upstream) and keeps it for an embedding (its rows' gradient is built from dX); the
// layer API skips it on request. Skipping must change no gradient and must leave dX's buffer unwritten.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import type { CellType } from '../bindings/model/cells.ts';
import { SequenceModel, type SequenceModelOptions } from '../bindings/model/index.ts';
import type { RecurrentEngine } from '../bindings/model/recurrent-engine.ts';
import { Trainer } from '../bindings/train/index.ts';
import { BACKENDS, loadRuntime } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';
import { makeLayer } from './helpers/recurrent-ref.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

const CELLS: CellType[] = ['rnn_tanh', 'lstm', 'gru'];
const [T, B, I] = [4, 3, 5];

/** The engine's dX block ([T·B, I] floats at inputGrad), filled with NaN so a write shows. */
function poisonInputGrad(rt: Runtime, engine: RecurrentEngine, n: number): Float32Array {
  const view = new Float32Array(rt.memory.buffer, engine.inputGrad, n);
  view.fill(Number.NaN);
  return view;
}

/** Makes `engine.backward` run with `force` as its inputGrad (undefined: as asked) and records what was asked. */
function spyBackward(engine: RecurrentEngine): { asked: boolean[]; force?: boolean } {
  const spy: { asked: boolean[]; force?: boolean } = { asked: [] };
  const original = engine.backward.bind(engine);
  engine.backward = (dout: number, inputGrad: boolean) => {
    spy.asked.push(inputGrad);
    original(dout, spy.force ?? inputGrad);
  };
  return spy;
}

const copies = (grads: Record<string, Float32Array>) =>
  Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, Array.from(g)]));

describe.each(BACKENDS)('on %s', (backend) => {
  it.each(CELLS)('Recurrent %s: inputGrad false leaves dX unwritten, inputGrad true writes it', (cell) => {
    const rt = runtimes[backend];
    const layer = makeLayer(rt, { cell, I, H: 4, L: 2, D: 2 }, 3);
    const x = { data: uniform(T * B * I, 1), shape: [T, B, I] };
    const dOutputs = uniform(T * B * 2 * 4, 2);
    layer.forward(x);
    const view = poisonInputGrad(rt, layer.engine, T * B * I);
    expect(layer.backward({ dOutputs, inputGrad: false }).dX).toBeUndefined();
    expect(view.every(Number.isNaN)).toBe(true);
    layer.forward(x);
    const dX = layer.backward({ dOutputs }).dX;
    expect(dX?.data.every(Number.isFinite)).toBe(true);
    expect(new Float32Array(rt.memory.buffer, layer.engine.inputGrad, T * B * I).every(Number.isFinite)).toBe(
      true,
    );
    layer.dispose();
  });

  it.each(CELLS)(
    'Trainer step over features (%s, 2 layers, 2 directions): dX skipped, every gradient equal',
    (cell) => {
      const rt = runtimes[backend];
      const options: SequenceModelOptions = {
        input: { features: I },
        recurrent: { cell, hiddenSize: 4, numLayers: 2, bidirectional: true },
        pooling: 'last',
        head: { outputSize: 2 },
      };
      const model = new SequenceModel(rt, options);
      const trainer = new Trainer(model, { loss: { kind: 'mse' }, optimizer: { kind: 'sgd', lr: 0.1 } });
      const batch = {
        inputs: { data: uniform(T * B * I, 4), shape: [T, B, I] },
        targets: { data: uniform(B * 2, 5), shape: [B, 2] },
      };
      const spy = spyBackward(model.rnn.engine);
      spy.force = true;
      const lossFull = trainer.computeGradients(batch);
      const full = copies(model.gradients());
      expect(
        new Float32Array(rt.memory.buffer, model.rnn.engine.inputGrad, T * B * I).every(Number.isFinite),
      ).toBe(true);
      spy.force = undefined;
      const view = poisonInputGrad(rt, model.rnn.engine, T * B * I);
      const loss = trainer.computeGradients(batch);
      expect(view.every(Number.isNaN)).toBe(true);
      expect(spy.asked).toEqual([false, false]);
      expect(loss).toBe(lossFull);
      expect(copies(model.gradients())).toEqual(full);
      expect(Object.keys(full).length).toBeGreaterThan(8);
      model.dispose();
    },
  );

  it('Trainer step over an embedding asks for dX (the embedding rows need it)', () => {
    const rt = runtimes[backend];
    const model = new SequenceModel(rt, {
      input: { embedding: { vocabSize: 7, dim: I } },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      pooling: 'last',
      head: { outputSize: 7 },
    });
    const trainer = new Trainer(model, {
      loss: { kind: 'cross_entropy' },
      optimizer: { kind: 'sgd', lr: 0.1 },
    });
    const spy = spyBackward(model.rnn.engine);
    trainer.computeGradients({
      inputs: { data: Int32Array.from({ length: T * B }, (_, i) => i % 7), shape: [T, B] },
      targets: { data: Int32Array.from([1, 4, 6]), shape: [B] },
    });
    expect(spy.asked).toEqual([true]);
    const embedding = model.gradients()['embedding.weight'];
    expect(embedding.some((g) => g !== 0)).toBe(true);
    model.dispose();
  });
});
