// fit({ validationSplit }) as Keras's validation_split: a run with the split is bit for bit the run that trains
// on the first samples and validates on the last ones given explicitly (arrays, a Dataset, Seq2Seq pairs), every
// epoch reports valLoss to the history and the callbacks, and what cannot be split is refused before training.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataError,
  type EpochEvent,
  makeDataset,
  type Runtime,
  Seq2Seq,
  SequenceModel,
  Trainer,
  tbptt,
  ValueError,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { charLstm, countingTask, sumGru, sumTask } from './helpers/tasks.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const xent = { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.02 }, seed: 4 } as const;

/** The history of a fresh model and trainer fit on `data` with `options`; and the trainer, for evaluate(). */
async function run(
  make: () => SequenceModel | Seq2Seq,
  data: Parameters<Trainer['fit']>[0],
  options: Parameters<Trainer['fit']>[1],
) {
  const model = make();
  const trainer = new Trainer(model, xent);
  const events: EpochEvent[] = [];
  const history = await trainer.fit(data, {
    epochs: 3,
    batchSize: 8,
    ...options,
    callbacks: { onEpochEnd: (e) => void events.push(e) },
  });
  return { history, events, trainer, model };
}

/** Equal in everything but the timings. */
const losses = (epochs: EpochEvent[]) =>
  epochs.map(({ epoch, loss, valLoss, valAccuracy, lr }) => ({ epoch, loss, valLoss, valAccuracy, lr }));

describe('fit validationSplit', () => {
  it('holds out the last 20 % of arrays: the same run as explicit validation data', async () => {
    const data = countingTask(30, 6, 5);
    const split = await run(() => new SequenceModel(rt, charLstm(5)), data, { validationSplit: 0.2 });
    // Keras's cut: floor(30 · 0.8) = 24 train, the last 6 validate.
    const explicit = await run(
      () => new SequenceModel(rt, charLstm(5)),
      { inputs: data.inputs.slice(0, 24), targets: data.targets.slice(0, 24) },
      { validation: { inputs: data.inputs.slice(24), targets: data.targets.slice(24) } },
    );
    expect(split.history.epochs).toHaveLength(3);
    expect(losses(split.history.epochs)).toEqual(losses(explicit.history.epochs));
    expect(split.events).toEqual(split.history.epochs);
    for (const e of split.history.epochs) expect(Number.isFinite(e.valLoss)).toBe(true);
    // 24 samples in batches of 8: 3 steps per epoch, so the split really left 6 samples out of training.
    expect(split.trainer.steps).toBe(9);
    // The last epoch's valLoss is the loss of the final weights on exactly the held-out samples.
    const held = { inputs: data.inputs.slice(24), targets: data.targets.slice(24) };
    expect(split.history.epochs[2].valLoss).toBe(split.trainer.evaluate(held).loss);
    expect(split.history.epochs[2].valLoss).not.toBe(split.trainer.evaluate(data).loss);
    split.model.dispose();
    explicit.model.dispose();
  });

  it('splits a Dataset and keeps its layout (float features, one class per sequence)', async () => {
    const raw = sumTask(21, 4);
    const ds = makeDataset(raw.inputs, raw.targets, { features: 2, targetsPer: 'sequence' });
    const split = await run(() => new SequenceModel(rt, sumGru()), ds, { validationSplit: 0.3 });
    // floor(21 · 0.7) = 14 train (2 steps of 8), 7 validate.
    const explicit = await run(
      () => new SequenceModel(rt, sumGru()),
      makeDataset(raw.inputs.slice(0, 14), raw.targets.slice(0, 14), { features: 2, targetsPer: 'sequence' }),
      {
        validation: makeDataset(raw.inputs.slice(14), raw.targets.slice(14), {
          features: 2,
          targetsPer: 'sequence',
        }),
      },
    );
    expect(split.trainer.steps).toBe(6);
    expect(losses(split.history.epochs)).toEqual(losses(explicit.history.epochs));
    expect(split.history.epochs.every((e) => e.valAccuracy !== undefined)).toBe(true);
    split.model.dispose();
    explicit.model.dispose();
  });

  it('splits Seq2Seq pairs', async () => {
    const inputs = Array.from({ length: 10 }, (_, i) => Int32Array.of(2 + (i % 5), 3, 4));
    const targets = inputs.map((x) => Int32Array.from([...x].reverse().concat([1])));
    const s2s = () =>
      new Seq2Seq(rt, {
        source: { tokens: 8 },
        target: { tokens: 8 },
        recurrent: { cell: 'gru', hiddenSize: 6 },
        bos: 0,
        eos: 1,
        seed: 2,
      });
    const split = await run(s2s, { inputs, targets }, { validationSplit: 0.5 });
    const explicit = await run(
      s2s,
      { inputs: inputs.slice(0, 5), targets: targets.slice(0, 5) },
      { validation: { inputs: inputs.slice(5), targets: targets.slice(5) } },
    );
    expect(losses(split.history.epochs)).toEqual(losses(explicit.history.epochs));
    expect(split.history.epochs[0].valLoss).toBeGreaterThan(0);
    split.model.dispose();
    explicit.model.dispose();
  });

  it('refuses explicit validation too, a stream, an empty part and a split outside (0, 1)', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, xent);
    const data = countingTask(10, 4, 5);
    await expect(trainer.fit(data, { validationSplit: 0.2, validation: data })).rejects.toThrow(
      'validationSplit and validation were both given; pass one',
    );
    const stream = tbptt(
      Int32Array.from({ length: 200 }, (_, i) => i % 5),
      { tracks: 2, k1: 8 },
    );
    await expect(trainer.fit(stream, { validationSplit: 0.2 })).rejects.toThrow(
      'validationSplit cannot apply to a stream',
    );
    await expect(trainer.fit(data, { validationSplit: 0.95 })).rejects.toThrow(
      'validationSplit 0.95 of 10 samples leaves 0 to train on and 10 to validate; each needs at least 1',
    );
    await expect(
      trainer.fit(
        { inputs: data.inputs.slice(0, 1), targets: data.targets.slice(0, 1) },
        { validationSplit: 0.5 },
      ),
    ).rejects.toThrow(DataError);
    for (const bad of [0, 1, -0.2, Number.NaN, '0.2', null]) {
      await expect(trainer.fit(data, { validationSplit: bad as number })).rejects.toThrow(
        /validationSplit must be a fraction strictly between 0 and 1/,
      );
    }
    await expect(trainer.fit(data, { validationSplit: 2 })).rejects.toThrow(ValueError);
    // Nothing trained: every refusal came before the first step.
    expect(trainer.steps).toBe(0);
    model.dispose();
  });
});
