// The models the exporter tests run through onnxruntime, and the subset whose exported bytes are kept as golden
// files in test/fixtures/onnx/exported/ (written by write-exports.ts, checked by onnx.checker in the fixture
// script). Weights are set from a formula, not drawn, so the golden bytes change only when the exporter does.

import type { SequenceModel, SequenceModelOptions } from '../../bindings/index.node.ts';

export interface ExportCase {
  name: string;
  options: SequenceModelOptions;
  /** Kept as a golden file. */
  golden?: boolean;
}

export const EXPORT_CASES: ExportCase[] = [
  {
    name: 'lstm_features',
    options: { input: { features: 5 }, recurrent: { cell: 'lstm', hiddenSize: 4 }, head: { outputSize: 3 } },
    golden: true,
  },
  {
    name: 'gru_bi_l2',
    options: {
      input: { features: 3 },
      recurrent: { cell: 'gru', hiddenSize: 4, numLayers: 2, bidirectional: true },
      head: { outputSize: 2 },
    },
    golden: true,
  },
  {
    name: 'rnn_relu_tokens_last',
    options: {
      input: { tokens: 7 },
      recurrent: { cell: 'rnn_relu', hiddenSize: 5, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 2 },
    },
    golden: true,
  },
  {
    name: 'lstm_embedding_attention',
    options: {
      input: { embedding: { vocabSize: 9, dim: 3 } },
      recurrent: { cell: 'lstm', hiddenSize: 4, numLayers: 2 },
      pooling: 'attention',
      head: { outputSize: 2 },
    },
    golden: true,
  },
  {
    name: 'gru_vector_every',
    options: {
      input: { vector: 3, feed: 'every' },
      recurrent: { cell: 'gru', hiddenSize: 4 },
      head: { outputSize: 3 },
    },
    golden: true,
  },
  {
    name: 'rnn_tanh_vector_first',
    options: {
      input: { vector: 2, feed: 'first' },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 3, numLayers: 2 },
      head: { outputSize: 2 },
    },
    golden: true,
  },
  {
    name: 'lstm_bi_l3_last',
    options: {
      input: { features: 4 },
      recurrent: { cell: 'lstm', hiddenSize: 6, numLayers: 3, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 3 },
    },
  },
  {
    name: 'gru_embedding_last',
    options: {
      input: { embedding: { vocabSize: 12, dim: 5 } },
      recurrent: { cell: 'gru', hiddenSize: 7 },
      pooling: 'last',
      head: { outputSize: 4 },
    },
  },
  {
    name: 'rnn_tanh_bi_attention',
    options: {
      input: { features: 3 },
      recurrent: { cell: 'rnn_tanh', hiddenSize: 4, bidirectional: true },
      pooling: 'attention',
      head: { outputSize: 2 },
    },
  },
  {
    name: 'lstm_tokens_l2',
    options: {
      input: { tokens: 11 },
      recurrent: { cell: 'lstm', hiddenSize: 8, numLayers: 2 },
      head: { outputSize: 11 },
    },
  },
  {
    name: 'gru_reset_before_bi_l2',
    options: {
      input: { features: 3 },
      recurrent: {
        cell: 'gru',
        hiddenSize: 5,
        numLayers: 2,
        bidirectional: true,
        gru: { resetAfter: false },
      },
      head: { outputSize: 2 },
    },
    golden: true,
  },
  {
    name: 'gru_reset_before_tokens_last',
    options: {
      input: { tokens: 9 },
      recurrent: { cell: 'gru', hiddenSize: 6, gru: { resetAfter: false } },
      pooling: 'last',
      head: { outputSize: 3 },
    },
  },
  {
    name: 'gru_bi_attention_embedding',
    options: {
      input: { embedding: { vocabSize: 6, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 3, numLayers: 2, bidirectional: true },
      pooling: 'attention',
      head: { outputSize: 3 },
    },
  },
  {
    name: 'lstm_vector_first_bi',
    options: {
      input: { vector: 4, feed: 'first' },
      recurrent: { cell: 'lstm', hiddenSize: 5, bidirectional: true },
      head: { outputSize: 2 },
    },
  },
  {
    name: 'rnn_relu_features_l2_last',
    options: {
      input: { features: 6 },
      recurrent: { cell: 'rnn_relu', hiddenSize: 9, numLayers: 2 },
      pooling: 'last',
      head: { outputSize: 1 },
    },
  },
];

/** Weights from a formula of each tensor's name and index, in [-0.6, 0.6]. */
export function setFormulaWeights(model: SequenceModel): void {
  const record: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(model.getWeights())) {
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 1009;
    record[name] = Float32Array.from(w, (_, i) => 0.6 * Math.sin(0.37 * i + h));
  }
  model.setWeights(record);
}
