// Seq2Seq: the encoder's final state initialises the decoder, teacher forcing in training, greedy and beam
// decoding. Learns to reverse sequences (≥ 95 % of tokens right, decoded greedily and by beam search);
// gradients match finite differences through the state hand-over; a padded batch equals its pairs one by one;
// beam search's scores are the model's own log-probabilities; files and checkpoints round-trip.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  beamSearch,
  greedyDecode,
  loadModel,
  loadSeq2Seq,
  type Runtime,
  resumeTrainer,
  Seq2Seq,
  type Seq2SeqOptions,
  saveModel,
  Trainer,
  ValueError,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { pad, reversals } from './helpers/reversal.ts';

let rt: Runtime;
let ts: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
  ts = await loadRuntime('ts');
});

const V = 10;
const BOS = 0;
const EOS = 1;

const reversal = reversals({ vocab: V, eos: EOS, lo: 3, hi: 6 });

const options = (cell: 'gru' | 'lstm', layers = 1): Seq2SeqOptions => ({
  source: { embedding: { vocabSize: V, dim: 16 } },
  target: { embedding: { vocabSize: V, dim: 16 } },
  recurrent: { cell, hiddenSize: 64, numLayers: layers },
  bos: BOS,
  eos: EOS,
  seed: 1,
});

describe('Seq2Seq', () => {
  it('learns to reverse sequences: ≥ 95 % of tokens right, greedy and beam search', async () => {
    const model = new Seq2Seq(rt, options('gru'));
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: 0.006 },
      schedule: { kind: 'cosine', tMax: 10 },
      clip: { norm: 1 },
    });
    const test = reversal(200, 99);
    await trainer.fit(reversal(2000, 1), { epochs: 10, batchSize: 32 });
    const teacherForced = trainer.evaluate(test).accuracy!;
    expect(teacherForced).toBeGreaterThanOrEqual(0.95);
    const src = pad(test.inputs);
    for (const decoded of [
      greedyDecode(model, src.tensor, { sourceLengths: src.lengths }),
      beamSearch(model, src.tensor, { sourceLengths: src.lengths, beamWidth: 3 }),
    ]) {
      let right = 0;
      let total = 0;
      test.targets.forEach((y, b) => {
        for (let t = 0; t < y.length - 1; t++) {
          total++;
          if (decoded.tokens[b][t] === y[t]) right++;
        }
      });
      expect(right / total).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('gradients match central differences through the encoder → decoder hand-over (2-layer LSTM, padding)', () => {
    const model = new Seq2Seq(ts, {
      ...options('lstm', 2),
      recurrent: { cell: 'lstm', hiddenSize: 5, numLayers: 2 },
    });
    const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
    const d = reversal(3, 5);
    const src = pad(d.inputs);
    const tgt = pad(d.targets);
    const batch = {
      inputs: src.tensor,
      targets: tgt.tensor,
      lengths: src.lengths,
      targetLengths: tgt.lengths,
    };
    trainer.computeGradients(batch);
    const grads = model.gradients();
    const w = model.getWeights();
    for (const name of [
      'encoder.rnn.weight_hh_l0',
      'encoder.rnn.bias_ih_l1',
      'encoder.embedding.weight',
      'decoder.rnn.weight_ih_l0',
      'decoder.head.weight',
    ]) {
      for (const i of [1, 8, 17]) {
        const at = (delta: number) => {
          const p = { ...w, [name]: w[name].slice() };
          p[name][i] += delta;
          model.setWeights(p);
          return trainer.computeGradients(batch);
        };
        const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
        model.setWeights(w);
        expect(Math.abs(grads[name][i] - fd), `${name}[${i}]`).toBeLessThanOrEqual(3e-3 * (1 + Math.abs(fd)));
      }
    }
  });

  it('a padded batch gives the loss and gradients of its pairs one by one', () => {
    const model = new Seq2Seq(rt, {
      ...options('gru', 2),
      recurrent: { cell: 'gru', hiddenSize: 6, numLayers: 2 },
    });
    const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
    const d = reversal(4, 8);
    const src = pad(d.inputs);
    const tgt = pad(d.targets);
    const loss = trainer.computeGradients({
      inputs: src.tensor,
      targets: tgt.tensor,
      lengths: src.lengths,
      targetLengths: tgt.lengths,
    });
    const padded = model.gradients();
    let sum = 0;
    const acc: Record<string, Float64Array> = {};
    for (let b = 0; b < 4; b++) {
      sum += trainer.computeGradients({
        inputs: pad([d.inputs[b]]).tensor,
        targets: pad([d.targets[b]]).tensor,
      });
      for (const [name, g] of Object.entries(model.gradients())) {
        acc[name] ??= new Float64Array(g.length);
        for (let i = 0; i < g.length; i++) acc[name][i] += g[i];
      }
    }
    expect(Math.abs(loss - sum)).toBeLessThanOrEqual(1e-5 * sum);
    for (const [name, g] of Object.entries(padded)) {
      for (let i = 0; i < g.length; i++) {
        const want = acc[name][i];
        expect(Math.abs(g[i] - want), `${name}[${i}]`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(want)));
      }
    }
  });

  it('beam search of width 1 is greedy; its scores are the model’s log-probabilities of what it returns', () => {
    const model = new Seq2Seq(rt, { ...options('gru'), seed: 3 });
    const d = reversal(5, 4);
    const src = pad(d.inputs);
    const greedy = greedyDecode(model, src.tensor, { sourceLengths: src.lengths, maxSteps: 7 });
    const one = beamSearch(model, src.tensor, { sourceLengths: src.lengths, beamWidth: 1, maxSteps: 7 });
    expect(one.tokens).toEqual(greedy.tokens);
    const beam = beamSearch(model, src.tensor, {
      sourceLengths: src.lengths,
      beamWidth: 4,
      maxSteps: 7,
      lengthPenalty: 0,
    });
    const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
    for (let b = 0; b < 5; b++) {
      // Teacher-forced on the beam's answer (eos appended when it finished before maxSteps): loss = −log p.
      const y = beam.tokens[b].length < 7 ? Int32Array.from([...beam.tokens[b], EOS]) : beam.tokens[b];
      const loss = trainer.evaluate({ inputs: [d.inputs[b]], targets: [y] }).loss;
      expect(-beam.logProbs[b]).toBeCloseTo(loss, 4);
      expect(beam.logProbs[b]).toBeGreaterThanOrEqual(greedy.logProbs[b] - 1e-9);
    }
  });

  it('saves, loads and resumes from a checkpoint bit for bit', async () => {
    const model = new Seq2Seq(rt, {
      ...options('lstm'),
      recurrent: { cell: 'lstm', hiddenSize: 8, dropout: 0 },
    });
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: 0.01 },
      seed: 2,
    });
    const data = reversal(20, 6);
    const checkpoints: Uint8Array[] = [];
    await trainer.fit(data, {
      epochs: 2,
      batchSize: 6,
      checkpoint: { every: 3, save: (b) => void checkpoints.push(b) },
    });
    const { trainer: resumed } = resumeTrainer(await loadRuntime('wasm-simd'), checkpoints[0]);
    await resumed.fit(data, { epochs: 2 - resumed.epochs, batchSize: 6 });
    expect(resumed.model.getWeights()).toEqual(model.getWeights());
    const loaded = loadSeq2Seq(rt, saveModel(model)).model;
    expect(loaded.getWeights()).toEqual(model.getWeights());
    expect(Object.keys(loaded.getWeights())).toContain('decoder.head.weight');
    expect(() => loadModel(rt, saveModel(model))).toThrow(/holds a Seq2Seq; load it with loadSeq2Seq/);
  });

  it('refuses what cannot work', async () => {
    expect(() => new Seq2Seq(rt, { ...options('gru'), bos: 10 })).toThrow(/bos must be a target token id/);
    expect(
      () =>
        new Seq2Seq(rt, {
          ...options('gru'),
          recurrent: { cell: 'gru', hiddenSize: 4, bidirectional: true } as never,
        }),
    ).toThrow(/bidirectional/);
    const model = new Seq2Seq(rt, options('gru'));
    expect(() =>
      new Trainer(model, { loss: 'mse' }).step({
        inputs: pad([Int32Array.of(2)]).tensor,
        targets: pad([Int32Array.of(1)]).tensor,
      }),
    ).toThrow(/must be cross_entropy/);
    const trainer = new Trainer(model, { loss: 'cross_entropy' });
    const two = pad([Int32Array.of(2, 3), Int32Array.of(4)]);
    expect(() => trainer.step({ inputs: two.tensor, targets: pad([Int32Array.of(1)]).tensor })).toThrow(
      /\[Tt, 2\]/,
    );
    expect(() =>
      trainer.step({ inputs: two.tensor, targets: pad([Int32Array.of(1), Int32Array.of(12)]).tensor }),
    ).toThrow(/token id 12/);
    expect(() =>
      trainer.step(
        { inputs: two.tensor, targets: pad([Int32Array.of(1), Int32Array.of(1)]).tensor },
        { stateful: true },
      ),
    ).toThrow(ValueError);
    await expect(trainer.fit({ inputs: [Int32Array.of(2)], targets: [] })).rejects.toThrow(
      /same number of samples/,
    );
    await expect(trainer.fit({ inputs: [Int32Array.of(2)], targets: [Int32Array.of(11)] })).rejects.toThrow(
      /targets\[0\] holds 11/,
    );
    expect(() => trainer.predict(two.tensor)).toThrow(/greedyDecode/);
    expect(() => beamSearch(model, two.tensor, { beamWidth: 0 })).toThrow(/beamWidth/);
  });
});
