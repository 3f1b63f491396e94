// EarlyStopping: stops after `patience` epochs without an improvement of more than minDelta, and puts back the
// weights of the best epoch (a scripted validation curve makes the best epoch known in advance).

import { beforeAll, describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  type EpochEvent,
  type Runtime,
  SequenceModel,
  Trainer,
  ValueError,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { charLstm, countingTask } from './helpers/tasks.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

/** Overwrites each epoch's valLoss with a scripted curve and keeps a copy of the weights after every epoch. */
function script(curve: number[], model: SequenceModel, snapshots: Record<string, Float32Array>[]) {
  return {
    onEpochEnd: (e: EpochEvent) => {
      e.valLoss = curve[e.epoch - 1];
      snapshots[e.epoch] = model.getWeights();
    },
  };
}

describe('EarlyStopping', () => {
  it('stops after patience epochs without improvement and restores the best epoch’s weights', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.05 } });
    const snapshots: Record<string, Float32Array>[] = [];
    const stopper = new EarlyStopping({ patience: 2, minDelta: 0.01 });
    const data = countingTask(16, 5, 5);
    // Epoch 4 improves by less than minDelta: epoch 3 stays the best, and epochs 4 and 5 exhaust the patience.
    const history = await trainer.fit(data, {
      epochs: 10,
      batchSize: 8,
      validation: data,
      callbacks: [script([5, 4, 3, 2.995, 3.5, 1, 1], model, snapshots), stopper],
    });
    expect(history.stopReason).toBe('stopped');
    expect(history.epochs).toHaveLength(5);
    expect(stopper.bestEpoch).toBe(3);
    expect(stopper.best).toBe(3);
    expect(stopper.stoppedEpoch).toBe(5);
    expect(model.getWeights()).toEqual(snapshots[3]);
    expect(model.getWeights()).not.toEqual(snapshots[5]);
  });

  it('monitors accuracy in max mode, and without restore leaves the last weights', async () => {
    const model = new SequenceModel(rt, charLstm(5));
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const snapshots: Record<string, Float32Array>[] = [];
    const stopper = new EarlyStopping({ monitor: 'valAccuracy', patience: 0, restoreBestWeights: false });
    const acc = [0.5, 0.7, 0.6];
    await trainer.fit(countingTask(8, 4, 5), {
      epochs: 5,
      validation: countingTask(4, 4, 5, 3),
      callbacks: [
        {
          onEpochEnd: (e) => {
            e.valAccuracy = acc[e.epoch - 1];
            snapshots[e.epoch] = model.getWeights();
          },
        },
        stopper,
      ],
    });
    expect(stopper.mode).toBe('max');
    expect(stopper.bestEpoch).toBe(2);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(model.getWeights()).toEqual(snapshots[3]);
  });

  it('refuses options that cannot work', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(ValueError);
    expect(() => new EarlyStopping({ monitor: 'acc' as never })).toThrow(/monitor/);
    expect(() => new EarlyStopping({ minDelta: Number.NaN })).toThrow(/minDelta/);
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(/mode/);
  });
});
