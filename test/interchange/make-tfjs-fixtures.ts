// Writes test/fixtures/tfjs/<name>/: model.json + weights.bin saved by @tensorflow/tfjs (cpu backend) from real
// layers models with weights set from a formula, and expected.json (the input and TF.js's predict output).
// Run: npx tsx test/interchange/make-tfjs-fixtures.ts. TF.js's GRU is Keras's reset_after=False; the Keras GRU
// with reset_after=True (which TF.js cannot build) is written by test/fixtures/onnx/make_fixtures.py from PyTorch
// weights.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const root = new URL('../fixtures/tfjs/', import.meta.url);

interface Case {
  name: string;
  build: () => tf.LayersModel;
  /** [B, T] token ids or [B, T, F] floats. */
  input: number[];
  ids?: number;
}

const sigmoid = { recurrentActivation: 'sigmoid' } as const;

const CASES: Case[] = [
  {
    name: 'lstm_seq_timedistributed_softmax',
    input: [2, 6, 4],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ units: 5, returnSequences: true, batchInputShape: [null, null, 4], ...sigmoid }),
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'softmax' }) }),
        ],
      }),
  },
  {
    name: 'emb_bilstm_last_sigmoid',
    input: [3, 5],
    ids: 9,
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 9, outputDim: 4, batchInputShape: [null, null] }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, ...sigmoid }) as tf.RNN }),
          tf.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
  },
  {
    name: 'simplernn_relu_stack_dropout',
    input: [2, 7, 3],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.simpleRNN({
            units: 4,
            activation: 'relu',
            returnSequences: true,
            batchInputShape: [null, null, 3],
          }),
          tf.layers.simpleRNN({ units: 4, activation: 'relu' }),
          tf.layers.dropout({ rate: 0.3 }),
          tf.layers.dense({ units: 2 }),
        ],
      }),
  },
  {
    name: 'bisimplernn_seq_dense_tanh',
    input: [2, 4, 3],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.bidirectional({
            layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.RNN,
            batchInputShape: [null, null, 3],
          }),
          tf.layers.dense({ units: 2 }),
          tf.layers.activation({ activation: 'tanh' }),
        ],
      }),
  },
  {
    name: 'lstm_no_dense',
    input: [2, 5, 3],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ units: 3, returnSequences: true, batchInputShape: [null, null, 3], ...sigmoid }),
        ],
      }),
  },
  {
    name: 'lstm_nobias_fixed_steps',
    input: [3, 5, 3],
    build: () => {
      const input = tf.layers.inputLayer({ batchInputShape: [null, 5, 3] });
      return tf.sequential({
        layers: [
          input,
          tf.layers.lstm({ units: 4, useBias: false, ...sigmoid }),
          tf.layers.dense({ units: 2, useBias: false }),
        ],
      });
    },
  },
  // TF.js's GRU is Keras's reset_after=False (one bias row): our gru: { resetAfter: false }.
  {
    name: 'gru_reset_before_seq_timedistributed',
    input: [3, 6, 3],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.gru({ units: 5, returnSequences: true, batchInputShape: [null, null, 3], ...sigmoid }),
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
        ],
      }),
  },
  {
    name: 'bigru_reset_before_stack_last_sigmoid',
    input: [2, 5, 4],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.bidirectional({
            layer: tf.layers.gru({ units: 3, returnSequences: true, ...sigmoid }) as tf.RNN,
            batchInputShape: [null, null, 4],
          }),
          tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, ...sigmoid }) as tf.RNN }),
          tf.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
  },
  {
    name: 'emb_gru_reset_before_nobias',
    input: [3, 4],
    ids: 7,
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 7, outputDim: 3, batchInputShape: [null, null] }),
          tf.layers.gru({ units: 4, useBias: false, ...sigmoid }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
  // Functional models (tf.model) that are one chain read as the Sequential model of the same layers.
  {
    name: 'functional_gru_reset_before_dropout_seq',
    input: [2, 5, 3],
    build: () => {
      const x = tf.input({ batchShape: [null, null, 3] });
      const h = tf.layers.gru({ units: 4, returnSequences: true, ...sigmoid }).apply(x) as tf.SymbolicTensor;
      const d = tf.layers.dropout({ rate: 0.2 }).apply(h) as tf.SymbolicTensor;
      const y = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }).apply(d);
      return tf.model({ inputs: x, outputs: y as tf.SymbolicTensor });
    },
  },
  {
    name: 'functional_emb_bilstm_last_softmax',
    input: [3, 4],
    ids: 8,
    build: () => {
      const x = tf.input({ batchShape: [null, null], dtype: 'int32' });
      const e = tf.layers.embedding({ inputDim: 8, outputDim: 3 }).apply(x) as tf.SymbolicTensor;
      const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, ...sigmoid }) as tf.RNN });
      const y = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(bi.apply(e) as tf.SymbolicTensor);
      return tf.model({ inputs: x, outputs: y as tf.SymbolicTensor });
    },
  },
];

/** Models the importer must refuse, and the layer it must name. */
const REFUSALS: { name: string; layer: string; message: string; build: () => tf.LayersModel }[] = [
  {
    name: 'refuse_gru_hard_sigmoid',
    layer: 'GRU',
    message: 'hard_sigmoid',
    build: () => tf.sequential({ layers: [tf.layers.gru({ units: 3, batchInputShape: [null, null, 2] })] }),
  },
  {
    name: 'refuse_lstm_hard_sigmoid',
    layer: 'LSTM',
    message: 'hard_sigmoid',
    build: () => tf.sequential({ layers: [tf.layers.lstm({ units: 3, batchInputShape: [null, null, 2] })] }),
  },
  {
    name: 'refuse_mask_zero',
    layer: 'Embedding',
    message: 'mask_zero',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, batchInputShape: [null, null] }),
          tf.layers.lstm({ units: 2, ...sigmoid }),
        ],
      }),
  },
  {
    name: 'refuse_conv1d',
    layer: 'Conv1D',
    message: 'not supported',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv1d({ filters: 2, kernelSize: 2, batchInputShape: [null, 6, 2] }),
          tf.layers.lstm({ units: 2, ...sigmoid }),
        ],
      }),
  },
  {
    name: 'refuse_go_backwards',
    layer: 'SimpleRNN',
    message: 'go_backwards',
    build: () =>
      tf.sequential({
        layers: [tf.layers.simpleRNN({ units: 2, goBackwards: true, batchInputShape: [null, null, 2] })],
      }),
  },
  {
    name: 'refuse_functional_branches',
    layer: 'Concatenate',
    message: 'only a single chain is supported',
    build: () => {
      const x = tf.input({ batchShape: [null, null, 2] });
      const a = tf.layers.lstm({ units: 2, ...sigmoid }).apply(x) as tf.SymbolicTensor;
      const b = tf.layers.gru({ units: 2, ...sigmoid }).apply(x) as tf.SymbolicTensor;
      const y = tf.layers.concatenate().apply([a, b]);
      return tf.model({ inputs: x, outputs: y as tf.SymbolicTensor });
    },
  },
];

/** Weights from a formula of each weight's index and position, in [-0.7, 0.7]. */
function setWeights(model: tf.LayersModel): void {
  model.setWeights(
    model.getWeights().map((w, k) => {
      const values = Float32Array.from(
        { length: w.size },
        (_, i) => 0.7 * Math.sin(0.61 * i + 1.3 * k + 0.2),
      );
      return tf.tensor(values, w.shape);
    }),
  );
}

async function save(model: tf.LayersModel, folder: URL): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(new URL('model.json', folder), `${JSON.stringify(json, null, 1)}\n`);
      writeFileSync(new URL('weights.bin', folder), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

await tf.setBackend('cpu');
for (const c of CASES) {
  const model = c.build();
  setWeights(model);
  const folder = new URL(`${c.name}/`, root);
  await save(model, folder);
  const n = c.input.reduce((a, b) => a * b, 1);
  const data = c.ids
    ? Array.from({ length: n }, (_, i) => (i * 7 + 3) % c.ids!)
    : Array.from({ length: n }, (_, i) => Math.cos(0.9 * i + 0.4));
  const x = c.ids ? tf.tensor(data, c.input, 'int32') : tf.tensor(data, c.input);
  const y = model.predict(x) as tf.Tensor;
  const expected = {
    input: { shape: c.input, data },
    output: { shape: y.shape, data: [...(await y.data())] },
  };
  writeFileSync(new URL('expected.json', folder), `${JSON.stringify(expected)}\n`);
  console.log(`tfjs/${c.name}`);
}
const refusals = [];
for (const r of REFUSALS) {
  const model = r.build();
  setWeights(model);
  await save(model, new URL(`${r.name}/`, root));
  refusals.push({ name: r.name, className: r.layer, message: r.message });
  console.log(`tfjs/${r.name}`);
}
writeFileSync(new URL('refuse.json', root), `${JSON.stringify(refusals, null, 1)}\n`);
