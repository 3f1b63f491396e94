// The workloads built the way TF.js documents them: tf.sequential models of tf.layers, compiled with TF.js's own
// optimizer and trained with model.trainOnBatch (its Keras-style fast path). W4 needs clipping by value, which
// TF.js optimizers do not offer, so it is the documented custom loop: tf.variableGrads, tf.clipByValue,
// optimizer.applyGradients. Inputs are one-hot float tensors [B, T, V] (TF.js layers are batch-first), made once.
// W6 (two stateful LSTM layers, Adam, clip by global norm) is that custom loop too: TF.js optimizers have no
// clipnorm, so the gradients are scaled by min(1, 5 / ‖g‖) as torch.nn.utils.clip_grad_norm_ does.

import type { Optimizer, Sequential, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from './tfjs.ts';
import { INFERENCE, seriesData, type TrainWorkload, tokenData } from './workloads.ts';

export interface PeerStep {
  run: () => unknown;
  dispose: () => void;
}

/** Time-major [T, B] → batch-first [B, T]. */
function batchFirst<A extends Int32Array | Float32Array>(a: A, T: number, B: number): A {
  const out = a.slice();
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out[b * T + t] = a[t * B + b];
  return out as A;
}

function recurrentLayer(tf: Tf, w: TrainWorkload, returnSequences: boolean) {
  const args = { units: w.H, returnSequences, inputShape: [w.T, w.I] };
  if (w.cell === 'lstm') return tf.layers.lstm(args);
  if (w.cell === 'gru') return tf.layers.gru(args);
  return tf.layers.simpleRNN({ ...args, activation: 'tanh' });
}

/** One training step of workload `w` on TF.js's active backend. */
export function tfjsTrainStep(tf: Tf, w: TrainWorkload): PeerStep {
  if ((w.layers ?? 1) > 1 || w.clipNorm !== undefined) return tfjsDeepCharLm(tf, w);
  const { T, B, I } = w;
  const model = tf.sequential();
  let x: Tensor;
  let y: Tensor;
  if (w.task === 'series') {
    model.add(recurrentLayer(tf, w, false));
    model.add(tf.layers.dense({ units: 1 }));
    const d = seriesData(T, B);
    x = tf.tensor3d(batchFirst(d.x, T, B), [B, T, 1]);
    y = tf.tensor2d(d.y, [B, 1]);
  } else {
    model.add(recurrentLayer(tf, w, true));
    const d = tokenData(T, B, I);
    x = tf.oneHot(tf.tensor2d(batchFirst(d.ids, T, B), [B, T], 'int32'), I).toFloat();
    y = tf.oneHot(tf.tensor2d(batchFirst(d.targets, T, B), [B, T], 'int32'), I).toFloat();
  }
  if (w.optimizer.kind === 'adagrad') {
    // Logits head; the loss applies the softmax (tf.losses.softmaxCrossEntropy, mean over B·T).
    model.add(tf.layers.dense({ units: I }));
    const clip = w.optimizer.clip;
    const optimizer = tf.train.adagrad(w.optimizer.lr);
    const vars = model.trainableWeights.map((v) => v.read() as Variable);
    const run = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor) as never,
          vars,
        );
        const clipped = Object.entries(grads).map(([name, g]) => ({
          name,
          tensor: tf.clipByValue(g, -clip, clip),
        }));
        optimizer.applyGradients(clipped);
        return value.dataSync()[0];
      });
    return { run, dispose: () => disposeAll(tf, model, optimizer, x, y) };
  }
  if (w.task === 'tokens') model.add(tf.layers.dense({ units: I, activation: 'softmax' }));
  const optimizer = tf.train.adam(w.optimizer.lr);
  model.compile({
    optimizer,
    loss: w.task === 'tokens' ? 'categoricalCrossentropy' : 'meanSquaredError',
  });
  return { run: () => model.trainOnBatch(x, y), dispose: () => disposeAll(tf, model, optimizer, x, y) };
}

/**
 * W6: stacked stateful LSTMs (the state carried from batch to batch, as Keras's stateful RNNs do), a logits head,
 * softmax CE over B·T, gradients clipped by their global norm, Adam. A stateful layer called in training keeps
 * every old state for backprop until its states are reset; they are released after each step here, as the
 * next step no longer needs them.
 */
function tfjsDeepCharLm(tf: Tf, w: TrainWorkload): PeerStep {
  const { T, B, I, H } = w;
  const model = tf.sequential();
  const lstms = Array.from({ length: w.layers ?? 1 }, (_, k) =>
    tf.layers.lstm({
      units: H,
      returnSequences: true,
      stateful: w.stateful === true,
      ...(k === 0 ? { batchInputShape: [B, T, I] } : {}),
    }),
  );
  for (const l of lstms) model.add(l);
  model.add(tf.layers.dense({ units: I }));
  const d = tokenData(T, B, I);
  const x = tf.oneHot(tf.tensor2d(batchFirst(d.ids, T, B), [B, T], 'int32'), I).toFloat();
  const y = tf.oneHot(tf.tensor2d(batchFirst(d.targets, T, B), [B, T], 'int32'), I).toFloat();
  const optimizer = tf.train.adam(w.optimizer.lr);
  const vars = model.trainableWeights.map((v) => v.read() as Variable);
  const maxNorm = w.clipNorm ?? Number.POSITIVE_INFINITY;
  const run = () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor) as never,
        vars,
      );
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
      optimizer.applyGradients(
        Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })),
      );
      return value.dataSync()[0];
    });
    for (const l of lstms) {
      const held = l as unknown as { keptStates: Tensor[][] };
      tf.dispose(held.keptStates.flat());
      held.keptStates = [];
    }
    return loss;
  };
  return { run, dispose: () => disposeAll(tf, model, optimizer, x, y) };
}

function disposeAll(tf: Tf, model: Sequential, optimizer: Optimizer, ...tensors: Tensor[]): void {
  model.dispose();
  optimizer.dispose();
  tf.dispose(tensors);
}

/** W5a: a stateful LSTM (batch 1) stepped with model.predict on one time step, its output read each time. */
export function tfjsStreaming(tf: Tf): PeerStep {
  const { I, H, streamSteps } = INFERENCE;
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: H, stateful: true, batchInputShape: [1, 1, I] }));
  const ids = tokenData(streamSteps, 1, I).ids;
  const xs = Array.from(ids, (id) =>
    tf
      .oneHot(tf.tensor1d([id], 'int32'), I)
      .toFloat()
      .reshape([1, 1, I]),
  );
  const run = () => {
    for (const x of xs) {
      const h = model.predict(x) as Tensor;
      h.dataSync();
      h.dispose();
    }
  };
  return {
    run,
    dispose: () => {
      model.dispose();
      tf.dispose(xs);
    },
  };
}

/** W5b: model.predict of an LSTM over [B, T, I] one-hot inputs, every step's output read back. */
export function tfjsBatched(tf: Tf): PeerStep {
  const { I, H, B, T } = INFERENCE;
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: H, returnSequences: true, inputShape: [T, I] }));
  const d = tokenData(T, B, I);
  const x = tf.oneHot(tf.tensor2d(batchFirst(d.ids, T, B), [B, T], 'int32'), I).toFloat();
  const run = () => {
    const out = model.predict(x) as Tensor;
    out.dataSync();
    out.dispose();
  };
  return {
    run,
    dispose: () => {
      model.dispose();
      x.dispose();
    },
  };
}
