// Valid files of every other kind the library saves, for the fuzzer: checkpoints (a few real training steps with
// every optimizer, some LR schedules, clipping and carried state), TextModel, SequenceClassifier and Seq2Seq
// files. Each is built on a runtime of its own and disposed at once, so a target's arena counts only its loads.

import { saveModel } from '../../bindings/io/model-save.ts';
import { Seq2Seq } from '../../bindings/model/seq2seq.ts';
import type { SequenceModelOptions } from '../../bindings/model/sequence-config.ts';
import { SequenceModel } from '../../bindings/model/sequence-model.ts';
import type { Random } from '../../bindings/random.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { TextModel } from '../../bindings/tasks/text-model.ts';
import { saveTask } from '../../bindings/tasks/training.ts';
import { Trainer, type TrainerOptions } from '../../bindings/train/trainer.ts';
import type { BaseSource } from './bases.ts';
import { randomModelOptions } from './model-bases.ts';
import { pick } from './mutate-bytes.ts';

const size = (rng: Random, max: number) => 1 + rng.int(max);

/** A batch for `model`: T steps of B rows, float targets for an MSE loss of any head. */
function batchFor(rng: Random, model: SequenceModel, T: number, B: number) {
  const c = model.config;
  const O = c.head.outputSize;
  const inputs =
    c.input.kind === 'features'
      ? { data: rng.fillUniform(new Float32Array(T * B * c.input.size), -1, 1), shape: [T, B, c.input.size] }
      : { data: Int32Array.from({ length: T * B }, () => rng.int(c.input.size)), shape: [T, B] };
  const rows = model.perStep ? [T, B] : [B];
  const n = rows.reduce((a, b) => a * b, 1) * O;
  return { inputs, targets: { data: rng.fillUniform(new Float32Array(n), -1, 1), shape: [...rows, O] } };
}

function trainerOptions(rng: Random): TrainerOptions {
  const kind = pick(rng, ['sgd', 'adam', 'adamw', 'adagrad', 'rmsprop'] as const);
  const optimizer = (
    kind === 'sgd' ? { kind, lr: 0.01, momentum: pick(rng, [0, 0.9]) } : { kind, lr: 0.01 }
  ) as TrainerOptions['optimizer'];
  const schedule = pick(rng, [
    undefined,
    { kind: 'step' as const, stepSize: 2 },
    { kind: 'plateau' as const },
    { kind: 'cosine' as const, tMax: 5 },
  ]);
  return {
    loss: 'mse',
    optimizer,
    ...(schedule ? { schedule } : {}),
    ...(rng.next() < 0.5 ? { clip: { norm: 1 } } : {}),
  };
}

/** Checkpoints of small SequenceModels after one to three steps (stateful ones carry their state). */
export function checkpointFiles(rt: Runtime): BaseSource {
  return {
    name: 'checkpoints',
    make(rng) {
      let options = randomModelOptions(rng);
      if ('vector' in options.input) options = { ...options, input: { features: size(rng, 3) } };
      const model = new SequenceModel(rt, options);
      const trainer = new Trainer(model, trainerOptions(rng));
      try {
        const stateful = !options.recurrent.bidirectional && rng.next() < 0.4;
        const batch = batchFor(rng, model, 1 + rng.int(4), 1 + rng.int(3));
        for (let s = 0, n = 1 + rng.int(3); s < n; s++) trainer.step(batch, { stateful });
        if (rng.next() < 0.5) trainer.epochs = rng.int(4);
        const extra = rng.next() < 0.5 ? { note: 'fuzz base' } : undefined;
        return {
          kind: 'checkpoint',
          options: { ...options },
          weights: model.getWeights(),
          bytes: trainer.checkpoint(extra),
        };
      } finally {
        trainer.dispose();
        model.dispose();
      }
    },
  };
}

const CHARS = ['a', 'b', 'c', ' ', '\n', 'é', '中', '😀', '.', 'Z'];

/** TextModel files, character or word level, from a short random text. */
export function textFiles(rt: Runtime): BaseSource {
  return {
    name: 'TextModel files',
    make(rng) {
      const level = pick(rng, ['char', 'word'] as const);
      const text =
        level === 'char'
          ? Array.from({ length: 20 + rng.int(40) }, () => pick(rng, CHARS)).join('')
          : Array.from({ length: 10 + rng.int(20) }, () =>
              pick(rng, ['the', 'cat', 'sat', 'on', 'mat']),
            ).join(' ');
      const options = {
        level,
        hiddenSize: size(rng, 6),
        cell: pick(rng, ['lstm', 'gru', 'rnn'] as const),
        ...(rng.next() < 0.3 ? { embeddingDim: size(rng, 4) } : {}),
      };
      const m = new TextModel(rt, text, options);
      try {
        m.stepsTrained = rng.int(100);
        return { kind: 'text', options, weights: m.model.getWeights(), bytes: m.save() };
      } finally {
        m.dispose();
      }
    },
  };
}

/** SequenceClassifier files: a pooled network and its class names, as SequenceClassifier.save writes them. */
export function classifierFiles(rt: Runtime): BaseSource {
  return {
    name: 'SequenceClassifier files',
    make(rng) {
      const K = 2 + rng.int(4);
      const options: SequenceModelOptions = {
        input: pick(rng, [{ features: size(rng, 3) }, { tokens: 2 + rng.int(5) }]),
        recurrent: { cell: pick(rng, ['lstm', 'gru', 'rnn_tanh'] as const), hiddenSize: size(rng, 5) },
        pooling: pick(rng, ['last', 'attention'] as const),
        head: { outputSize: K },
        seed: rng.int(100),
      };
      const model = new SequenceModel(rt, options);
      try {
        const classNames = Array.from({ length: K }, (_, k) => pick(rng, ['cat', 'dog', `class ${k}`, '']));
        const bytes = saveTask(model, 'classify', { classNames });
        return { kind: 'classify', options: { ...options }, weights: model.getWeights(), bytes };
      } finally {
        model.dispose();
      }
    },
  };
}

/** Seq2Seq files of small random encoder-decoders. */
export function seq2seqFiles(rt: Runtime): BaseSource {
  return {
    name: 'Seq2Seq files',
    make(rng) {
      const V = 3 + rng.int(5);
      const side = () =>
        pick(rng, [{ tokens: V }, { embedding: { vocabSize: V, dim: size(rng, 4) } }] as const);
      const options = {
        source: rng.next() < 0.3 ? { features: size(rng, 3) } : side(),
        target: side(),
        recurrent: {
          cell: pick(rng, ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const),
          hiddenSize: size(rng, 5),
          numLayers: size(rng, 2),
        },
        bos: 0,
        eos: 1,
        seed: rng.int(100),
      };
      const model = new Seq2Seq(rt, options);
      try {
        return {
          kind: 'Seq2Seq',
          options: { ...options },
          weights: model.getWeights(),
          bytes: saveModel(model),
        };
      } finally {
        model.dispose();
      }
    },
  };
}
