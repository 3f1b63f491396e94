// Seed splitting (bindings/seed.ts): every component of a model or a run draws from a stream of its own, and
// no two components of nearby seeds share draws. With `seed + k` offsets, model s's head drew exactly what
// model s + 2's recurrent layer drew (the fault these tests would have caught).

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { Seq2Seq } from '../bindings/model/seq2seq.ts';
import { seq2seqConfig, seq2seqLayers } from '../bindings/model/seq2seq-config.ts';
import { layerOptions, modelConfig, type SequenceModelOptions } from '../bindings/model/sequence-config.ts';
import { SequenceModel } from '../bindings/model/sequence-model.ts';
import { Random } from '../bindings/random.ts';
import { deriveSeed } from '../bindings/seed.ts';
import { loadRuntime } from './helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

const SEEDS = [0, 1, 2, 3, 4, 5, -1, 2 ** 32, 2 ** 32 + 1];

/** Keys of every two consecutive values (their bits), so one shared draw by chance is not a shared stream. */
function pairKeys(values: ArrayLike<number>, bits: (v: number) => number): string[] {
  const keys: string[] = [];
  for (let i = 0; i + 1 < values.length; i++) keys.push(`${bits(values[i])}:${bits(values[i + 1])}`);
  return keys;
}

/** Fails naming the two components when any key occurs in both. */
function expectNoSharedDraws(streams: Map<string, string[]>): void {
  const owner = new Map<string, string>();
  const shared: string[] = [];
  for (const [name, keys] of streams) {
    for (const key of new Set(keys)) {
      const other = owner.get(key);
      if (other !== undefined && other !== name) shared.push(`${other} and ${name}`);
      owner.set(key, name);
    }
  }
  expect(shared.slice(0, 5)).toEqual([]);
}

const MODEL: SequenceModelOptions = {
  input: { embedding: { vocabSize: 6, dim: 4 } },
  recurrent: { cell: 'gru', hiddenSize: 4, dropout: 0.2, numLayers: 2 },
  pooling: 'attention',
  head: { outputSize: 4 },
};

describe('seed splitting', () => {
  it('derives a distinct uint32 for every (seed, path), the same in every run', () => {
    const paths = ['embedding', 'rnn', 'attention', 'head', 'dropout', 'shuffle/0', 'shuffle/1', 'sample'];
    const seen = new Set<number>();
    for (const seed of SEEDS) {
      for (const path of paths) {
        const s = deriveSeed(seed, path);
        expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
        seen.add(s);
      }
    }
    expect(seen.size).toBe(SEEDS.length * paths.length);
    expect(deriveSeed(7, 'head')).toBe(deriveSeed(7, 'head'));
    expect(() => deriveSeed(1.5, 'head')).toThrow(/seed must be an integer/);
  });

  it('no two components of nearby seeds share a stream: layers, dropout, shuffling (256 draws each)', () => {
    const streams = new Map<string, string[]>();
    const draws = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 256 }, () => r.nextUint32());
    };
    const add = (name: string, seed: number) =>
      streams.set(
        name,
        pairKeys(draws(seed), (v) => v),
      );
    for (const seed of SEEDS) {
      const layers = layerOptions(modelConfig({ ...MODEL, seed }));
      for (const [part, o] of Object.entries(layers)) if (o) add(`model ${seed} ${part}`, o.seed);
      const s2s = seq2seqLayers(
        seq2seqConfig({
          source: { embedding: { vocabSize: 5, dim: 3 } },
          target: { embedding: { vocabSize: 5, dim: 3 } },
          recurrent: { cell: 'lstm', hiddenSize: 4 },
          bos: 0,
          eos: 1,
          seed,
        }),
      );
      for (const [part, o] of Object.entries(s2s)) if (o) add(`seq2seq ${seed} ${part}`, o.seed);
      add(`dropout ${seed}`, deriveSeed(seed, 'dropout'));
      for (const epoch of [0, 1, 2])
        add(`shuffle ${seed} epoch ${epoch}`, deriveSeed(seed, `shuffle/${epoch}`));
    }
    expectNoSharedDraws(streams);
  });

  it('no weight pair of one model component appears in another, over nearby seeds (same init bounds)', () => {
    // The recurrent layer, attention and head all draw uniform(±1/√H): a shared stream shows as equal values.
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const bits = (v: number) => {
      f32[0] = v;
      return u32[0];
    };
    const streams = new Map<string, string[]>();
    for (const seed of SEEDS.slice(0, 6)) {
      const model = new SequenceModel(rt, { ...MODEL, seed });
      const w = model.getWeights();
      for (const [name, values] of Object.entries(w))
        if (!name.startsWith('embedding.')) streams.set(`seed ${seed} ${name}`, pairKeys(values, bits));
      const state = model.dropout.getState();
      expect(state).toEqual(new Random(deriveSeed(seed, 'dropout')).getState().slice(0, 4));
      model.dispose();
    }
    // Within one model each tensor continues its layer's stream; across models and layers nothing repeats.
    expectNoSharedDraws(streams);
  });

  it('a Seq2Seq draws each of its five parts from its own stream', () => {
    const model = new Seq2Seq(rt, {
      source: { embedding: { vocabSize: 5, dim: 4 } },
      target: { embedding: { vocabSize: 5, dim: 4 } },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 4 },
      bos: 0,
      eos: 1,
      seed: 3,
    });
    const w = model.getWeights();
    const [enc, dec] = [w['encoder.rnn.weight_hh_l0'], w['decoder.rnn.weight_hh_l0']];
    expect(Array.from(enc)).not.toEqual(Array.from(dec));
    model.dispose();
  });
});
