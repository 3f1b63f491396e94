// Bad input to models and trainers: a typed error before training starts (no step taken, weights untouched),
// naming the argument or the sample; a non-finite loss or gradient stops training naming the step and the
// parameter, with the weights of the last good step in place.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataError,
  makeDataset,
  NonFiniteError,
  type Runtime,
  SequenceModel,
  ShapeError,
  Trainer,
  ValueError,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { charLstm, countingTask, sumGru, sumTask, timeMajorIds } from './helpers/tasks.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

describe('model options', () => {
  it.each([
    [{ ...charLstm(5), recurrent: { cell: 'lstmx', hiddenSize: 4 } }, /recurrent.cell/],
    [{ ...charLstm(5), recurrent: { cell: 'gru', hiddenSize: 0 } }, /hiddenSize/],
    [{ ...charLstm(5), recurrent: { cell: 'gru', hiddenSize: 4, numLayers: 1.5 } }, /numLayers/],
    [{ ...charLstm(5), recurrent: { cell: 'gru', hiddenSize: 4, dropout: 1 } }, /dropout/],
    [{ ...charLstm(5), pooling: 'max' }, /pooling/],
    [{ ...charLstm(5), input: {} }, /input must be/],
    [{ ...charLstm(5), input: { tokens: -1 } }, /input.tokens/],
    [{ ...charLstm(5), input: { embedding: { vocabSize: 4, dim: 2, paddingIdx: 9 } } }, /paddingIdx/],
    [{ ...charLstm(5), head: { outputSize: 0 } }, /head.outputSize/],
    [{ ...charLstm(5), seed: 0.5 }, /seed/],
  ])('%o → ValueError', (options, message) => {
    expect(() => new SequenceModel(rt, options as never)).toThrow(ValueError);
    expect(() => new SequenceModel(rt, options as never)).toThrow(message);
  });
});

describe('trainer options', () => {
  it.each([
    [
      { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0 } },
      /lr must be a finite number > 0 but got 0/,
    ],
    [{ loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: -1 } }, /lr/],
    [
      { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: Number.NaN } },
      /lr must be a finite number > 0 but got NaN/,
    ],
    [{ loss: 'cross_entropy', optimizer: 'sgd' }, /sgd needs lr/],
    [{ loss: 'cross_entropy', optimizer: { kind: 'lbfgs' } }, /optimizer kind/],
    [{ loss: 'hinge' }, /loss must be one of/],
    [{ loss: 'mse', clip: { norm: 0 } }, /clip.norm/],
    [{ loss: 'mse', clip: { value: Number.NaN } }, /clip.value/],
    [{ loss: 'mse', schedule: { kind: 'cosine', tMax: 0 } }, /tMax/],
    [{ loss: 'mse', schedule: { kind: 'plateau' }, scheduleStep: 'step' }, /plateau/],
  ])('%o → ValueError', (options, message) => {
    const model = new SequenceModel(rt, charLstm(5));
    expect(() => new Trainer(model, options as never)).toThrow(ValueError);
    expect(() => new Trainer(model, options as never)).toThrow(message);
    model.dispose();
  });
});

describe('bad data is refused before the first step', () => {
  const cases: [string, unknown, unknown, RegExp, typeof ValueError][] = [
    [
      'inputs and targets of different lengths',
      countingTask(4, 5, 5).inputs,
      countingTask(3, 5, 5).targets,
      /same number of samples/,
      ShapeError,
    ],
    ['an empty dataset', [], [], /empty/, DataError],
    [
      'a step target out of range',
      countingTask(4, 5, 5).inputs,
      [...countingTask(3, 5, 5).targets, Int32Array.of(0, 1, 9, 1, 2)],
      /class 9 at sample 3, step 2 .* 5 classes/,
      ValueError,
    ],
    [
      'a negative token id',
      [Int32Array.of(0, -2, 1)],
      [Int32Array.of(0, 1, 2)],
      /inputs\[0\] holds -2 at step 1/,
      DataError,
    ],
    [
      'a token id beyond the vocabulary',
      [Int32Array.of(0, 7, 1)],
      [Int32Array.of(0, 1, 2)],
      /inputs\[0\] holds token id 7 at step 1/,
      ValueError,
    ],
    [
      'targets with another number of steps',
      [Int32Array.of(0, 1, 2)],
      [Int32Array.of(0, 1)],
      /targets\[0\] has 2 steps/,
      ShapeError,
    ],
  ];
  it.each(cases)('%s', async (_, inputs, targets, message, kind) => {
    const model = new SequenceModel(rt, charLstm(5));
    const before = model.getWeights();
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const run = trainer.fit({ inputs: inputs as Int32Array[], targets: targets as Int32Array[] });
    await expect(run).rejects.toThrow(kind);
    await expect(
      trainer.fit({ inputs: inputs as Int32Array[], targets: targets as Int32Array[] }),
    ).rejects.toThrow(message);
    expect(trainer.steps).toBe(0);
    expect(model.getWeights()).toEqual(before);
  });

  it('NaN in float inputs or targets names the sample', async () => {
    const model = new SequenceModel(rt, { ...sumGru(), head: { outputSize: 1 } });
    const trainer = new Trainer(model, { loss: 'mse' });
    const { inputs } = sumTask(4, 3);
    const targets = inputs.map(() => Float32Array.of(0.5));
    const bad = inputs.map((x) => x.slice());
    bad[2][3] = Number.NaN;
    await expect(trainer.fit({ inputs: bad, targets })).rejects.toThrow(
      /inputs\[2\] holds NaN at step 1, feature 1/,
    );
    const badY = targets.map((y) => y.slice());
    badY[1][0] = Number.POSITIVE_INFINITY;
    await expect(trainer.fit({ inputs, targets: badY })).rejects.toThrow(/targets\[1\] holds Infinity/);
    expect(trainer.steps).toBe(0);
  });

  it('batch sizes, epochs and options that cannot work', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const data = countingTask(4, 5, 5);
    await expect(trainer.fit(data, { batchSize: 0 })).rejects.toThrow(
      /batchSize must be an integer > 0 but got 0/,
    );
    await expect(trainer.fit(data, { batchSize: -3 })).rejects.toThrow(ValueError);
    await expect(trainer.fit(data, { batchSize: 2.5 })).rejects.toThrow(ValueError);
    await expect(trainer.fit(data, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(trainer.fit(data, { batchSize: 8, dropLast: true })).rejects.toThrow(/leaves no batch/);
    await expect(trainer.fit(data, { shuffle: 'yes' as never })).rejects.toThrow(/shuffle/);
    expect(() => trainer.evaluate(data, { batchSize: 0 })).toThrow(ValueError);
    expect(trainer.steps).toBe(0);
  });

  it('data that does not fit the model: kind, features, targets per step or per sequence, target sizes', async () => {
    const tokens = new Trainer(new SequenceModel(rt, charLstm(5)), { loss: 'cross_entropy' });
    const floats = sumTask(4, 3);
    const perStep = floats.inputs.map(() => new Int32Array(3));
    await expect(tokens.fit({ inputs: floats.inputs, targets: perStep, features: 2 })).rejects.toThrow(
      /takes token ids/,
    );
    const pooled = new Trainer(new SequenceModel(rt, sumGru()), { loss: 'cross_entropy' });
    await expect(pooled.fit({ ...floats, targetsPer: 'step' } as never)).rejects.toThrow(ShapeError);
    const three = floats.inputs.map((x) => x.subarray(0, 3));
    await expect(pooled.fit({ inputs: three, targets: floats.targets, features: 3 })).rejects.toThrow(
      /3 features per step but the model takes 2/,
    );
    const regress = new Trainer(new SequenceModel(rt, sumGru()), { loss: 'mse' });
    const y3 = floats.inputs.map(() => new Float32Array(3));
    await expect(regress.fit({ inputs: floats.inputs, targets: y3, targetFeatures: 3 })).rejects.toThrow(
      /3 values per sequence but the model outputs 2/,
    );
    await expect(regress.fit({ inputs: floats.inputs, targets: floats.targets })).rejects.toThrow(
      /mse targets must be a Float32Array/,
    );
  });

  it('step() checks its batch: shapes, kinds and ranges', () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const d = countingTask(3, 4, 5);
    const inputs = timeMajorIds(d.inputs);
    const targets = timeMajorIds(d.targets);
    expect(() => trainer.step({ inputs: { data: new Float32Array(12), shape: [4, 3] }, targets })).toThrow(
      ShapeError,
    );
    expect(() =>
      trainer.step({
        inputs: { data: inputs.data, shape: [3, 4] },
        targets: { data: targets.data.subarray(0, 9), shape: [3, 3] },
      }),
    ).toThrow(ShapeError);
    const bad = targets.data.slice();
    bad[7] = 5;
    expect(() => trainer.step({ inputs, targets: { data: bad, shape: targets.shape } })).toThrow(
      /class 5 at batch row 1, step 2/,
    );
    const badX = inputs.data.slice();
    badX[4] = 8;
    expect(() => trainer.step({ inputs: { data: badX, shape: inputs.shape }, targets })).toThrow(
      /token id 8 at batch row 1, step 1/,
    );
    expect(trainer.steps).toBe(0);
  });
});

describe('NaN/Inf guard', () => {
  it('a non-finite gradient names the step and the parameter; the weights stay those of the last good step', () => {
    const model = new SequenceModel(rt, { ...sumGru(), head: { outputSize: 1 } });
    const trainer = new Trainer(model, { loss: 'mse', optimizer: { kind: 'sgd', lr: 0.1 } });
    const d = sumTask(3, 4);
    const x = new Float32Array(4 * 3 * 2);
    for (let b = 0; b < 3; b++)
      for (let t = 0; t < 4; t++) x.set(d.inputs[b].subarray(t * 2, t * 2 + 2), (t * 3 + b) * 2);
    const batch = {
      inputs: { data: x, shape: [4, 3, 2] },
      targets: { data: Float32Array.of(1, 0, 1), shape: [3, 1] },
    };
    trainer.step(batch);
    const good = model.getWeights();
    // A huge head weight: the output overflows to Inf and the loss with it.
    const w = model.getWeights();
    w['head.weight'] = w['head.weight'].map(() => 3e38);
    model.setWeights(w);
    const poisoned = model.getWeights();
    let error: unknown;
    try {
      trainer.step(batch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as NonFiniteError).step).toBe(2);
    expect((error as NonFiniteError).parameter).toBe('loss');
    expect(String((error as Error).message)).toMatch(/step 2: the loss is (Infinity|NaN)/);
    expect(model.getWeights()).toEqual(poisoned);
    expect(trainer.steps).toBe(1);
    expect(good['head.weight']).not.toEqual(poisoned['head.weight']);
  });

  it('a finite loss with a NaN gradient is found by parameter name', () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: 0.1 } });
    const d = countingTask(2, 3, 5);
    const batch = { inputs: timeMajorIds(d.inputs), targets: timeMajorIds(d.targets) };
    const before = model.getWeights();
    // Poison one gradient through a tiny custom loop: computeGradients, then corrupt, then the guard of step.
    trainer.computeGradients(batch);
    const e = model.slab.entry('rnn.weight_hh_l0');
    new Float32Array(rt.memory.buffer, model.slab.grads.ptr, model.slab.size)[e.offset + 5] = Number.NaN;
    expect(() => trainer.checkGradients()).toThrow(
      /step 1: the gradient of rnn.weight_hh_l0 is NaN at index 5/,
    );
    expect(model.getWeights()).toEqual(before);
  });
});

describe('datasets made by hand pass through unchanged', () => {
  it('fit takes a Dataset from makeDataset', async () => {
    const d = countingTask(6, 4, 5);
    const ds = makeDataset(d.inputs, d.targets);
    const trainer = new Trainer(new SequenceModel(rt, charLstm(5)), { loss: 'cross_entropy' });
    const h = await trainer.fit(ds, { batchSize: 3 });
    expect(h.epochs).toHaveLength(1);
    expect(trainer.steps).toBe(2);
  });
});
