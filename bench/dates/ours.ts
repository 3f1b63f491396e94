// Our side of bench/dates: the Seq2Seq of docs/attention.md trained for exactly `steps` steps, timed over
// training only, then greedy exact match on the held-out dates. Tokens are the teacher-forced target tokens
// (ISO date and eos), counted as PyTorch's side counts them.

import { dateFromTokens, greedyDecode, type Runtime, Seq2Seq, Trainer } from 'wasm-rnn';
import { CONFIG, type DatesData } from './config.ts';

export interface DatesResult {
  exactMatch: number;
  loss: number;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
}

export async function trainOurs(
  rt: Runtime,
  data: DatesData,
  attention: boolean,
  steps: number,
  seed: number,
): Promise<DatesResult> {
  const { train, test } = data;
  const model = new Seq2Seq(rt, {
    source: { embedding: { vocabSize: train.sourceVocab.length, dim: CONFIG.dim } },
    target: { embedding: { vocabSize: train.targetVocab.length, dim: CONFIG.dim } },
    recurrent: { cell: 'gru', hiddenSize: CONFIG.hidden, bidirectional: attention },
    ...(attention ? { attention: { score: 'additive' as const } } : {}),
    bos: train.bos,
    eos: train.eos,
    seed,
  });
  try {
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: CONFIG.lr },
      clip: { norm: CONFIG.clip },
      seed,
    });
    const n = train.inputs.length;
    const perPair = train.targets[0].length;
    const perEpoch = Math.ceil(n / CONFIG.batchSize);
    let tokens = 0;
    let loss = Number.NaN;
    const started = performance.now();
    await trainer.fit(
      { inputs: train.inputs, targets: train.targets },
      {
        epochs: Math.ceil(steps / perEpoch),
        batchSize: CONFIG.batchSize,
        yieldEveryMs: 1000,
        callbacks: {
          onStepEnd: (e) => {
            const rows = e.batch === e.batches ? n - (e.batches - 1) * CONFIG.batchSize : CONFIG.batchSize;
            tokens += rows * perPair;
            loss = e.loss;
            if (e.step >= steps) trainer.stop();
          },
        },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const B = test.inputs.length;
    const T = Math.max(...test.inputs.map((s) => s.length));
    const src = new Int32Array(T * B);
    test.inputs.forEach((s, b) => {
      for (let t = 0; t < s.length; t++) src[t * B + b] = s[t];
    });
    const out = greedyDecode(
      model,
      { data: src, shape: [T, B] },
      {
        sourceLengths: test.inputs.map((s) => s.length),
        maxSteps: CONFIG.maxSteps,
      },
    );
    const right = out.tokens.filter((t, i) => dateFromTokens(t) === test.isos[i]).length;
    return { exactMatch: right / B, loss, steps: trainer.steps, seconds, tokensPerSecond: tokens / seconds };
  } finally {
    model.dispose();
  }
}
