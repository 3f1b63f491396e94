// Seq2Seq attention with input feeding (feed 'input', 'both'): gradients match central differences (one-hot and
// embedded targets, 2 layers, padding, and dropout between layers with its masks replayed); a padded batch
// equals its pairs one by one; greedy and beam decoding give the log-probabilities and attention weights of
// teacher forcing on the tokens they return; it learns; ts and wasm-simd train bit for bit; steady training
// and decoding allocate nothing; files round-trip with their feed. PyTorch agreement is in
// seq2seq-attention-pytorch.test.ts (the feed_* fixtures).

import { beforeAll, describe, expect, it } from 'vitest';
import {
  beamSearch,
  greedyDecode,
  loadSeq2Seq,
  type Runtime,
  Seq2Seq,
  type Seq2SeqOptions,
  saveModel,
  Trainer,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { batchOf, pad, reversals } from './helpers/reversal.ts';

let rt: Runtime;
let ts: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
  ts = await loadRuntime('ts');
});

const V = 9;
const BOS = 0;
const EOS = 1;

const reversal = reversals({ vocab: V, eos: EOS, lo: 2, hi: 4 });

interface Variant {
  feed: 'input' | 'both';
  score: 'additive' | 'general' | 'dot';
  cell: 'lstm' | 'gru' | 'rnn_tanh';
  layers: number;
  bidirectional: boolean;
  oneHot: boolean;
  dropout?: number;
}

const options = (v: Variant, hiddenSize = 5): Seq2SeqOptions => ({
  source: { embedding: { vocabSize: V, dim: 4 } },
  target: v.oneHot ? { tokens: V } : { embedding: { vocabSize: V, dim: 4 } },
  recurrent: {
    cell: v.cell,
    hiddenSize,
    numLayers: v.layers,
    bidirectional: v.bidirectional,
    dropout: v.dropout ?? 0,
  },
  attention: { score: v.score, feed: v.feed },
  bos: BOS,
  eos: EOS,
  seed: 3,
});

const VARIANTS: Variant[] = [
  { feed: 'input', score: 'additive', cell: 'lstm', layers: 2, bidirectional: false, oneHot: true },
  { feed: 'both', score: 'general', cell: 'gru', layers: 1, bidirectional: true, oneHot: false },
  { feed: 'both', score: 'dot', cell: 'rnn_tanh', layers: 2, bidirectional: false, oneHot: true },
  {
    feed: 'input',
    score: 'general',
    cell: 'lstm',
    layers: 2,
    bidirectional: true,
    oneHot: false,
    dropout: 0.3,
  },
];

describe('Seq2Seq attention with input feeding', () => {
  for (const v of VARIANTS) {
    it(`gradients match central differences: ${JSON.stringify(v)}`, () => {
      const model = new Seq2Seq(ts, options(v));
      const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
      const batch = batchOf(reversal(3, 5));
      // The same dropout masks in every pass: the stream restarts from one state.
      const state = model.dropout.getState();
      const loss = () => {
        model.dropout.setState(state);
        return trainer.computeGradients(batch);
      };
      loss();
      const grads = model.gradients();
      const w = model.getWeights();
      const names = Object.keys(w).filter((n) => !n.startsWith('encoder.rnn.weight_hh'));
      expect(names).toContain('decoder.rnn.weight_ih_l0');
      let checked = 0;
      for (const name of names) {
        for (const i of [0, 7, 13].filter((j) => j < w[name].length)) {
          const at = (delta: number) => {
            const p = { ...w, [name]: w[name].slice() };
            p[name][i] += delta;
            model.setWeights(p);
            return loss();
          };
          const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
          model.setWeights(w);
          const got = grads[name][i];
          expect(Math.abs(got - fd), `${name}[${i}]: ${got} vs ${fd}`).toBeLessThanOrEqual(
            4e-3 * (1 + Math.abs(fd)),
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
      // The fed context carries gradient: the decoder's input weights over the context columns are not zero.
      const wih = grads['decoder.rnn.weight_ih_l0'];
      const I = wih.length / ((v.cell === 'lstm' ? 4 : v.cell === 'gru' ? 3 : 1) * 5);
      const E = v.oneHot ? V : 4;
      let fed = 0;
      for (let r = 0; r < wih.length / I; r++) for (let c = E; c < I; c++) fed += Math.abs(wih[r * I + c]);
      expect(I).toBe(E + (v.bidirectional ? 10 : 5));
      expect(fed).toBeGreaterThan(1e-3);
      model.dispose();
    });
  }

  for (const v of VARIANTS.slice(0, 3)) {
    it(`greedy and beam decoding score and attend as teacher forcing: ${v.feed} ${v.score} ${v.cell}`, () => {
      const model = new Seq2Seq(rt, options(v, 8));
      const d = reversal(4, 11);
      const src = pad(d.inputs);
      const Ts = src.tensor.shape[0];
      const o = { sourceLengths: src.lengths, maxSteps: 6 };
      const greedy = greedyDecode(model, src.tensor, o);
      const decoded = model.attentionWeights()!;
      const one = beamSearch(model, src.tensor, { ...o, beamWidth: 1 });
      expect(one.tokens).toEqual(greedy.tokens);
      expect([...one.logProbs]).toEqual([...greedy.logProbs]);
      const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
      const forcedLoss = (b: number, tokens: Int32Array) => {
        const y = tokens.length < 6 ? Int32Array.from([...tokens, EOS]) : tokens;
        return { y, loss: trainer.evaluate({ inputs: [d.inputs[b]], targets: [y] }).loss };
      };
      for (let b = 0; b < 4; b++) {
        const { y, loss } = forcedLoss(b, greedy.tokens[b]);
        expect(-greedy.logProbs[b]).toBeCloseTo(loss, 4);
        const forced = model.attentionWeights()!;
        const S = d.inputs[b].length;
        expect(forced.shape).toEqual([y.length, S, 1]);
        for (let t = 0; t < y.length; t++) {
          for (let s = 0; s < Ts; s++) {
            const want = s < S ? forced.data[t * S + s] : 0;
            expect(decoded.data[(t * Ts + s) * 4 + b]).toBeCloseTo(want, 6);
          }
        }
      }
      // Beam search's hypotheses carry their own fed contexts: its score is teacher forcing's on its tokens.
      const beam = beamSearch(model, src.tensor, { ...o, beamWidth: 3 });
      for (let b = 0; b < 4; b++) {
        expect(beam.logProbs[b]).toBeGreaterThanOrEqual(greedy.logProbs[b] - 1e-9);
        expect(-beam.logProbs[b]).toBeCloseTo(forcedLoss(b, beam.tokens[b]).loss, 4);
      }
      model.dispose();
    });
  }

  it('a padded batch gives the loss and gradients of its pairs one by one (padded steps change no real one)', () => {
    const model = new Seq2Seq(rt, options(VARIANTS[0]));
    const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
    const d = reversal(4, 8);
    const loss = trainer.computeGradients(batchOf(d));
    const padded = model.gradients();
    let sum = 0;
    const acc: Record<string, Float64Array> = {};
    for (let b = 0; b < 4; b++) {
      sum += trainer.computeGradients(batchOf({ inputs: [d.inputs[b]], targets: [d.targets[b]] }));
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
    model.dispose();
  });

  it('learns: the training loss falls by half on reversal', () => {
    const model = new Seq2Seq(rt, options(VARIANTS[1], 16));
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.02 } });
    const data = reversal(32, 2);
    const batch = batchOf(data);
    const first = trainer.evaluate(data).loss;
    for (let s = 0; s < 60; s++) trainer.step(batch);
    expect(trainer.evaluate(data).loss).toBeLessThan(first / 2);
    model.dispose();
  });

  it('ts and wasm-simd train bit for bit (dropout included)', () => {
    const weights = [rt, ts].map((runtime) => {
      const model = new Seq2Seq(runtime, options(VARIANTS[3]));
      const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.01 } });
      const batch = batchOf(reversal(6, 3));
      for (let s = 0; s < 3; s++) trainer.step(batch);
      const w = model.getWeights();
      model.dispose();
      return w;
    });
    expect(weights[1]).toEqual(weights[0]);
  });

  it('steady-state training and repeated decoding allocate nothing in linear memory', () => {
    const model = new Seq2Seq(rt, options(VARIANTS[3]));
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.01 } });
    const batch = batchOf(reversal(6, 12));
    const src = pad(reversal(3, 13).inputs);
    const decode = () =>
      beamSearch(model, src.tensor, { sourceLengths: src.lengths, beamWidth: 2, maxSteps: 5 });
    for (let i = 0; i < 3; i++) trainer.step(batch);
    decode();
    const { highWater, usedBytes } = rt.arena;
    for (let i = 0; i < 20; i++) trainer.step(batch);
    decode();
    expect(rt.arena.highWater).toBe(highWater);
    expect(rt.arena.usedBytes).toBe(usedBytes);
    model.dispose();
  });

  it('saves and loads with its feed, and decodes the same', () => {
    const model = new Seq2Seq(rt, options(VARIANTS[0]));
    const bytes = saveModel(model);
    expect(new TextDecoder().decode(bytes)).toContain('\\"feed\\":\\"input\\"');
    const loaded = loadSeq2Seq(rt, bytes).model;
    expect(loaded.config.options).toEqual(model.config.options);
    expect(loaded.getWeights()).toEqual(model.getWeights());
    const src = pad(reversal(3, 5).inputs);
    const o = { sourceLengths: src.lengths, beamWidth: 2 };
    expect(beamSearch(loaded, src.tensor, o)).toEqual(beamSearch(model, src.tensor, o));
    expect(loaded.attentionWeights()).toEqual(model.attentionWeights());
    for (const m of [model, loaded]) m.dispose();
  });
});
