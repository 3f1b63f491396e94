// Valid SequenceModel files (saveModel) for the fuzzer: every input kind, cell, pooling and a few depths,
// with small random sizes. Building a model needs a runtime (its weights come from the model's own init).

import { saveModel } from '../../bindings/io/model-save.ts';
import { SequenceModel, type SequenceModelOptions } from '../../bindings/model/index.ts';
import type { Random } from '../../bindings/random.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import type { BaseSource } from './bases.ts';
import { pick } from './mutate-bytes.ts';

const size = (rng: Random, max: number) => 1 + rng.int(max);

export function randomModelOptions(rng: Random): SequenceModelOptions {
  const vocab = 2 + rng.int(7);
  const input = pick(rng, [
    { tokens: vocab },
    { embedding: { vocabSize: vocab, dim: size(rng, 4), ...(rng.next() < 0.3 ? { paddingIdx: 0 } : {}) } },
    { features: size(rng, 4) },
    { vector: size(rng, 3), feed: pick(rng, ['every', 'first'] as const) },
  ]);
  const recurrent = {
    cell: pick(rng, ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const),
    hiddenSize: size(rng, 5),
    numLayers: size(rng, 2),
    bidirectional: rng.next() < 0.3,
    dropout: rng.next() < 0.3 ? 0.2 : 0,
  };
  const pooling = 'vector' in input ? 'none' : pick(rng, ['none', 'last', 'attention'] as const);
  return { input, recurrent, pooling, head: { outputSize: size(rng, 4) }, seed: rng.int(1000) };
}

/** saveModel files of small random SequenceModels, built on `rt` and disposed at once. */
export function modelFiles(rt: Runtime): BaseSource {
  return {
    name: 'SequenceModel files',
    make(rng) {
      const options = randomModelOptions(rng);
      const model = new SequenceModel(rt, options);
      try {
        const extra = rng.next() < 0.5 ? { vocabulary: ['a', 'b'], note: 'fuzz base' } : undefined;
        return {
          kind: 'SequenceModel',
          options: { ...options },
          weights: model.getWeights(),
          bytes: saveModel(model, extra),
        };
      } finally {
        model.dispose();
      }
    },
  };
}
