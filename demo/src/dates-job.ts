// The dates tab's training: an attention Seq2Seq (bidirectional GRU, additive attention) reads generated dates in
// four languages and writes them as ISO dates. Every tenth of the run it reports the exact match on held-out dates
// and the attention matrix of one fixed example, so the page shows the heat map sharpen as the model learns.

import { dateFromTokens, datesTask, greedyDecode, type Runtime, Seq2Seq, Trainer } from 'wasm-rnn';
import { dateSourceIds, readDate } from './date-attention.ts';
import { progressSender } from './progress.ts';
import type { DatesJob, FromWorker } from './protocol.ts';

/** The fixed example: the day and the month come before the year, the month by name. */
export const DATES_EXAMPLE = 'le 14 juillet 1989';
const BATCH_SIZE = 32;
/** The characters the task writes, in the order of the model's source ids. */
export const DATE_SOURCE_VOCAB = datesTask({ count: 1 }).sourceVocab;
/** 2,000 pairs at batch 32 are 63 steps a pass; held-out dates come from another seed. */
export const datesData = () => ({
  train: datesTask({ count: 2000, seed: 1 }),
  heldOut: datesTask({ count: 200, seed: 2 }),
});

export async function trainDates(
  rt: Runtime,
  job: DatesJob,
  signal: AbortSignal,
  send: (m: FromWorker) => void,
): Promise<Seq2Seq> {
  const { train, heldOut } = datesData();
  const model = new Seq2Seq(rt, {
    source: { embedding: { vocabSize: train.sourceVocab.length, dim: 16 } },
    target: { embedding: { vocabSize: train.targetVocab.length, dim: 16 } },
    recurrent: { cell: 'gru', hiddenSize: 48, bidirectional: true },
    attention: { score: 'additive' },
    bos: train.bos,
    eos: train.eos,
    seed: 1,
  });
  const trainer = new Trainer(model, {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', lr: 0.01 },
    clip: { norm: 1 },
  });
  const example = dateSourceIds(DATES_EXAMPLE, train.sourceVocab);
  const batches = Math.ceil(train.inputs.length / BATCH_SIZE);
  const every = Math.max(10, Math.round(job.steps / 10));
  const progress = progressSender(send);
  let step = 0;
  const report = () =>
    send({
      type: 'dates',
      step,
      exactMatch: exactMatch(model, heldOut),
      heldOut: heldOut.pairs.length,
      example: readDate(model, example.text, example.ids),
    });
  try {
    await trainer.fit(
      { inputs: train.inputs, targets: train.targets },
      {
        epochs: Math.ceil(job.steps / batches),
        batchSize: BATCH_SIZE,
        signal,
        callbacks: {
          onStepEnd: (e) => {
            step = e.step;
            progress({ step, totalSteps: job.steps, loss: e.loss, tokensPerSecond: e.tokensPerSecond });
            if (step >= job.steps) trainer.stop();
            else if (step % every === 0) report();
          },
        },
      },
    );
  } catch (error) {
    // A stop keeps the weights of the last completed step; anything else is a failure.
    if (!signal.aborted) {
      model.dispose();
      throw error;
    }
  }
  report();
  return model;
}

/** The fraction of `data`'s dates decoded exactly (greedy), read one batch of all of them at once. */
function exactMatch(model: Seq2Seq, data: ReturnType<typeof datesTask>): number {
  const B = data.inputs.length;
  const T = Math.max(...data.inputs.map((s) => s.length));
  const ids = new Int32Array(T * B);
  data.inputs.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) ids[t * B + b] = s[t];
  });
  const sourceLengths = data.inputs.map((s) => s.length);
  const { tokens } = greedyDecode(model, { data: ids, shape: [T, B] }, { sourceLengths, maxSteps: 12 });
  return tokens.filter((t, i) => dateFromTokens(t) === data.pairs[i].iso).length / B;
}
