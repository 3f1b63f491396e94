// model.summary(): parameter counts per layer and in total equal PyTorch's sum(p.numel()) over the same modules
// (test/fixtures/summary/params.json, written by scripts/fixtures/summary_params.py), shapes follow the data
// through the layers, and the table prints every layer, the totals and the backend.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ModelSummary,
  type Runtime,
  Seq2Seq,
  type Seq2SeqOptions,
  SequenceModel,
  type SequenceModelOptions,
} from '../bindings/index.node.ts';
import fixture from './fixtures/summary/params.json' with { type: 'json' };
import { loadRuntime } from './helpers/backends.ts';

interface Case {
  kind: 'SequenceModel' | 'Seq2Seq';
  options: unknown;
  modules: Record<string, number>;
  total: number;
}

const cases = fixture as unknown as Case[];

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

function summarise(c: Case): ModelSummary {
  const model =
    c.kind === 'Seq2Seq'
      ? new Seq2Seq(rt, c.options as Seq2SeqOptions)
      : new SequenceModel(rt, c.options as SequenceModelOptions);
  try {
    return model.summary();
  } finally {
    model.dispose();
  }
}

describe('summary parameter counts against PyTorch', () => {
  it.each(cases.map((c, i) => ({ ...c, name: `${i}: ${c.kind} ${JSON.stringify(c.options)}` })))(
    '$name',
    (c) => {
      const s = summarise(c);
      expect(s.totalParams).toBe(c.total);
      expect(s.trainableParams).toBe(c.total);
      expect(s.nonTrainableParams).toBe(0);
      expect(s.weightBytes).toBe(4 * c.total);
      expect(s.layers.reduce((n, l) => n + l.params, 0)).toBe(c.total);
      // Every torch module that holds parameters directly is one summary layer with the same count.
      const leaves = Object.keys(c.modules).filter(
        (name) => !Object.keys(c.modules).some((other) => other.startsWith(`${name}.`)),
      );
      for (const name of leaves) {
        const layer = s.layers.find((l) => l.name === name);
        expect(layer, name).toBeDefined();
        expect(layer!.params, name).toBe(c.modules[name]);
      }
      for (const l of s.layers) if (l.params > 0) expect(leaves).toContain(l.name);
    },
  );

  it('covers bidirectional, stacked, embedding, one-hot, GRU, RNN, attention and Seq2Seq cases', () => {
    const all = JSON.stringify(cases);
    for (const needle of [
      '"bidirectional":true',
      '"numLayers":3',
      'embedding',
      'tokens',
      'gru',
      'rnn_relu',
    ]) {
      expect(all.replace(/\s/g, '')).toContain(needle);
    }
    expect(cases.filter((c) => c.kind === 'Seq2Seq').length).toBeGreaterThanOrEqual(2);
  });

  it('agrees with the LSTM formula written out: 4H(I + H + 2) per layer and direction', () => {
    // 2 layers, bidirectional, H 6, I 5: layer 0 reads 5, layer 1 reads 2H = 12; head Linear(12, 3).
    const H = 6;
    const rnn = 2 * 4 * H * (5 + H + 2) + 2 * 4 * H * (2 * H + H + 2);
    const head = 2 * H * 3 + 3;
    const s = summarise({
      kind: 'SequenceModel',
      options: {
        input: { features: 5 },
        recurrent: { cell: 'lstm', hiddenSize: H, numLayers: 2, bidirectional: true },
        pooling: 'last',
        head: { outputSize: 3 },
      },
      modules: {},
      total: 0,
    });
    expect(s.layers.map((l) => [l.name, l.params])).toEqual([
      ['rnn', rnn],
      ['pooling', 0],
      ['head', head],
    ]);
  });
});

describe('summary shapes and table', () => {
  it('follows the shapes of an embedding → bidirectional GRU → attention → head model', () => {
    const model = new SequenceModel(rt, {
      input: { embedding: { vocabSize: 100, dim: 8 } },
      recurrent: { cell: 'gru', hiddenSize: 9, numLayers: 2, bidirectional: true },
      pooling: 'attention',
      head: { outputSize: 2 },
    });
    const s = model.summary();
    model.dispose();
    expect(s.model).toBe('SequenceModel');
    expect(s.layout).toBe('time-major');
    expect(s.backend).toBe('wasm-simd');
    expect(s.layers.map((l) => [l.kind, l.inputShape, l.outputShape])).toEqual([
      ['Embedding', ['time', 'batch'], ['time', 'batch', 8]],
      ['GRU', ['time', 'batch', 8], ['time', 'batch', 18]],
      ['AttentionPooling', ['time', 'batch', 18], ['batch', 18]],
      ['Dense', ['batch', 18], ['batch', 2]],
    ]);
    // Each layer's output is the next layer's input.
    for (let i = 1; i < s.layers.length; i++)
      expect(s.layers[i].inputShape).toEqual(s.layers[i - 1].outputShape);
    expect(s.layers[1].detail).toBe('hidden 9, 2 layers, bidirectional');
  });

  it('prints a Keras-like table with every layer, the totals and the backend', async () => {
    const ts = await loadRuntime('ts');
    const model = new SequenceModel(ts, {
      input: { tokens: 65 },
      recurrent: { cell: 'lstm', hiddenSize: 256, numLayers: 2 },
      head: { outputSize: 65 },
    });
    const s = model.summary();
    model.dispose();
    const text = String(s);
    expect(text).toBe(s.toString());
    const lines = text.split('\n');
    expect(lines[0]).toBe('SequenceModel (shapes time-major: [time, batch, ...])');
    expect(text).toMatch(
      /rnn \(LSTM\)\s+\(time, batch\)\s+\(time, batch, 256\)\s+857,088\s+hidden 256, 2 layers, one-hot of 65/,
    );
    expect(text).toMatch(/head \(Dense\)\s+\(time, batch, 256\)\s+\(time, batch, 65\)\s+16,705/);
    // 4·256·(65 + 256 + 2) + 4·256·(256 + 256 + 2) + 256·65 + 65 = 873,793 floats = 3.33 MiB.
    expect(lines).toContain('Total params: 873,793 (3.33 MiB)');
    expect(lines).toContain('Trainable params: 873,793');
    expect(lines).toContain('Non-trainable params: 0');
    expect(lines.at(-1)).toBe('Backend: ts');
    // Rules span the widest row.
    const widest = Math.max(...lines.slice(2, 6).map((l) => l.length));
    expect(lines[1]).toBe('_'.repeat(widest));
  });

  it('names a Seq2Seq encoder and decoder and a one-to-many input', () => {
    const s2s = new Seq2Seq(rt, {
      source: { features: 4 },
      target: { embedding: { vocabSize: 20, dim: 6 } },
      recurrent: { cell: 'lstm', hiddenSize: 7 },
      bos: 0,
      eos: 1,
    });
    const s = s2s.summary();
    s2s.dispose();
    expect(s.model).toBe('Seq2Seq');
    expect(s.layers.map((l) => `${l.name} ${l.kind} ${l.outputShape.join('x')}`)).toEqual([
      'encoder.rnn LSTM timexbatchx7',
      'decoder.embedding Embedding timexbatchx6',
      'decoder.rnn LSTM timexbatchx7',
      'decoder.head Dense timexbatchx20',
    ]);
    expect(s.layers[2].detail).toContain('starts from the encoder state');
    const one = new SequenceModel(rt, {
      input: { vector: 3, feed: 'first' },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      head: { outputSize: 3 },
    });
    const first = one.summary().layers[0];
    one.dispose();
    expect(first).toMatchObject({ kind: 'RepeatVector', inputShape: ['batch', 3], params: 0 });
    expect(first.outputShape).toEqual(['time', 'batch', 3]);
  });
  it('shows a Seq2Seq with attention: the bidirectional encoder, the fed decoder, the attention and the head', () => {
    const H = 8;
    const s2s = new Seq2Seq(rt, {
      source: { embedding: { vocabSize: 12, dim: 5 } },
      target: { embedding: { vocabSize: 9, dim: 6 } },
      recurrent: { cell: 'gru', hiddenSize: H, bidirectional: true },
      attention: { score: 'general', feed: 'both' },
      bos: 0,
      eos: 1,
    });
    const weights = s2s.getWeights();
    const s = s2s.summary();
    s2s.dispose();
    const K = 2 * H; // the encoder's output width, both directions
    const byLayer = (prefix: string) =>
      Object.entries(weights)
        .filter(([name]) => name.startsWith(`${prefix}.`))
        .reduce((n, [, w]) => n + w.length, 0);
    expect(s.layers.map((l) => [l.name, l.inputShape.join('x'), l.outputShape.join('x')])).toEqual([
      ['encoder.embedding', 'timexbatch', 'timexbatchx5'],
      ['encoder.rnn', 'timexbatchx5', `timexbatchx${K}`],
      ['decoder.embedding', 'timexbatch', 'timexbatchx6'],
      ['decoder.rnn', `timexbatchx${6 + K}`, `timexbatchx${H}`],
      ['decoder.attention', `timexbatchx${H}`, `timexbatchx${K}`],
      ['decoder.head', `timexbatchx${H + K}`, 'timexbatchx9'],
    ]);
    for (const l of s.layers) expect(l.params, l.name).toBe(byLayer(l.name));
    expect(s.totalParams).toBe(Object.values(weights).reduce((n, w) => n + w.length, 0));
    // GRU: 3H rows over the input and the hidden state, two biases; general score: W_a [K, H] (bias-free).
    expect(s.layers[3].params).toBe(3 * H * (6 + K) + 3 * H * H + 6 * H);
    expect(s.layers[4].params).toBe(K * H);
    expect(s.layers[4].kind).toBe('Attention (general)');
  });
});
