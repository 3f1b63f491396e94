// ONNX export of Seq2Seq models: onnxruntime-node runs each exported teacher-forced graph (LSTM, GRU and RNN;
// tokens, embeddings and features; one and two layers; one- and bidirectional encoders; no attention, each
// score kind, and input feeding as an ONNX Loop) and its logits equal our forward()'s within 1e-5 relative, on
// every backend, with full-length sources and with padded ones fed as source_lengths (encoder sequence_lens and
// the attention mask); bad export options are refused by name.

import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, Seq2Seq, type Seq2SeqOptions, SequenceModel } from '../../bindings/index.node.ts';
import { exportOnnx } from '../../bindings/interchange/onnx-export.ts';
import { Random } from '../../bindings/random.ts';
import { BACKENDS, loadRuntime } from '../helpers/backends.ts';
import { relError, TOLERANCE } from './compare.ts';
import { loadOrt, type OrtTensor, SESSION_OPTIONS } from './ort.ts';

const TS = 6;
const TT = 5;
const B = 3;
const SV = 9;
const TV = 11;
const BOS = 0;
const EOS = 1;

const CASES: { name: string; options: Seq2SeqOptions }[] = [
  {
    name: 'LSTM, embeddings, no attention, 2 layers',
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 7, numLayers: 2 },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'GRU, one-hot tokens, no attention',
    options: {
      source: { tokens: SV },
      target: { tokens: TV },
      recurrent: { cell: 'gru', hiddenSize: 6 },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'LSTM, additive attention',
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 8 },
      attention: { score: 'additive' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'GRU, general attention, 2 layers',
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 6, numLayers: 2 },
      attention: { score: 'general' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'GRU, feature source, dot attention',
    options: {
      source: { features: 4 },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 6 },
      attention: { score: 'dot' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'LSTM, tokens, dot attention',
    options: {
      source: { tokens: SV },
      target: { tokens: TV },
      recurrent: { cell: 'lstm', hiddenSize: 5 },
      attention: { score: 'dot' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'RNN tanh, embeddings, additive attention',
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 6 },
      attention: { score: 'additive' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'LSTM, bidirectional encoder, additive attention, 2 layers',
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 2, bidirectional: true },
      attention: { score: 'additive' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'GRU, bidirectional encoder, feature source, general attention',
    options: {
      source: { features: 4 },
      target: { tokens: TV },
      recurrent: { cell: 'gru', hiddenSize: 5, bidirectional: true },
      attention: { score: 'general' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: 'RNN relu, bidirectional encoder, tokens, general attention, 2 layers',
    options: {
      source: { tokens: SV },
      target: { embedding: { vocabSize: TV, dim: 3 } },
      recurrent: { cell: 'rnn_relu', hiddenSize: 4, numLayers: 2, bidirectional: true },
      attention: { score: 'general' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: "LSTM, input feeding (feed 'input'), additive attention, 2 layers",
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 2 },
      attention: { score: 'additive', feed: 'input' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: "GRU, input feeding (feed 'both'), bidirectional encoder, general attention",
    options: {
      source: { features: 4 },
      target: { embedding: { vocabSize: TV, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 5, bidirectional: true },
      attention: { score: 'general', feed: 'both' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: "RNN tanh, input feeding (feed 'both'), tokens, dot attention, 2 layers",
    options: {
      source: { tokens: SV },
      target: { tokens: TV },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 5, numLayers: 2 },
      attention: { score: 'dot', feed: 'both' },
      bos: BOS,
      eos: EOS,
    },
  },
  {
    name: "LSTM, input feeding (feed 'both'), bidirectional encoder, additive attention",
    options: {
      source: { embedding: { vocabSize: SV, dim: 5 } },
      target: { tokens: TV },
      recurrent: { cell: 'lstm', hiddenSize: 4, bidirectional: true },
      attention: { score: 'additive', feed: 'both' },
      bos: BOS,
      eos: EOS,
    },
  },
];

const int64 = (ids: Int32Array) => BigInt64Array.from(ids, (v) => BigInt(v));

describe.each(BACKENDS)('exportOnnx(Seq2Seq) on %s', (backend) => {
  const ort = loadOrt();
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime(backend);
  });

  it.each(CASES)('$name: onnxruntime gives our teacher-forced logits', async ({ options }) => {
    await compare(options, undefined);
  });

  it.each(CASES)('$name, padded sources: with source_lengths too', async ({ options }) => {
    await compare(options, Int32Array.of(TS, 2, 4));
  });

  /** Our logits for one random batch against onnxruntime's on the exported file. */
  async function compare(options: Seq2SeqOptions, sourceLengths: Int32Array | undefined): Promise<void> {
    const model = new Seq2Seq(rt, { ...options, seed: 7 });
    try {
      const rng = new Random(13);
      const c = model.config;
      const features = c.source.kind === 'features';
      const source = features
        ? {
            data: Float32Array.from({ length: TS * B * c.source.size }, () => rng.uniform(-1, 1)),
            shape: [TS, B, c.source.size],
          }
        : { data: Int32Array.from({ length: TS * B }, () => rng.int(SV)), shape: [TS, B] };
      const targets = Int32Array.from({ length: TT * B }, () => rng.int(TV));
      model.load(source, model.check(source), targets, TT, { sourceLengths });
      model.forward();
      const ours = new Float32Array(rt.memory.buffer, model.output, TT * B * TV).slice();
      // The decoder's input: bos, then the targets shifted right by one step.
      const targetIn = new Int32Array(TT * B).fill(BOS);
      targetIn.set(targets.subarray(0, (TT - 1) * B), B);
      const feeds: Record<string, OrtTensor> = {
        source: features
          ? new ort.Tensor('float32', source.data as Float32Array, source.shape)
          : new ort.Tensor('int64', int64(source.data as Int32Array), source.shape),
        target_in: new ort.Tensor('int64', int64(targetIn), [TT, B]),
      };
      if (sourceLengths) feeds.source_lengths = new ort.Tensor('int32', sourceLengths, [B]);
      const bytes = exportOnnx(model, { sourceLengths: sourceLengths !== undefined });
      const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
      const theirs = (await session.run(feeds)).logits;
      await session.release();
      expect(theirs.dims).toEqual([TT, B, TV]);
      const err = relError(theirs.data as Float32Array, ours);
      expect(err).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      model.dispose();
    }
  }
});

describe('exportOnnx(Seq2Seq) refusals', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });
  const base = CASES[2].options;

  it('refuses a non-boolean sourceLengths, and sourceLengths for a SequenceModel', () => {
    const model = new Seq2Seq(rt, base);
    const seq = new SequenceModel(rt, {
      input: { features: 3 },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      head: { outputSize: 2 },
    });
    try {
      const bad = { sourceLengths: 1 } as unknown as { sourceLengths: boolean };
      expect(() => exportOnnx(model, bad)).toThrow(/options\.sourceLengths must be a boolean but got/);
      expect(() => exportOnnx(seq, { sourceLengths: true })).toThrow(/sourceLengths is for a Seq2Seq/);
    } finally {
      model.dispose();
      seq.dispose();
    }
  });

  it('refuses what is neither a SequenceModel nor a Seq2Seq', () => {
    expect(() => exportOnnx({} as Seq2Seq)).toThrow(/model must be a SequenceModel or a Seq2Seq but got/);
  });
});
