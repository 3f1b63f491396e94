// The text tab's training: a character LSTM on the page's text, with a sample from the prompt every sixth of the
// run, so the page can show the text getting better, and a last one from the model as fit leaves it (the
// weights of the best validation loss, which are also what "Download model" saves).

import type { Runtime, TextModel as TextModelType } from 'wasm-rnn';
import { TextModel } from 'wasm-rnn';
import { progressSender } from './progress.ts';
import type { FromWorker, TextJob } from './protocol.ts';

export const SAMPLE_LENGTH = 300;

export async function trainText(
  rt: Runtime,
  job: TextJob,
  signal: AbortSignal,
  send: (m: FromWorker) => void,
): Promise<TextModelType> {
  const model = new TextModel(rt, job.text, { hiddenSize: 128, seed: 1 });
  const every = Math.max(25, Math.round(job.steps / 6));
  const progress = progressSender(send);
  // The seed is the step, so `wasm-rnn generate --seed <step>` on the downloaded model writes the same text.
  const sample = (step: number, final: boolean) =>
    send({
      type: 'sample',
      step,
      final,
      prompt: job.prompt,
      text: model.generate(job.prompt, { length: SAMPLE_LENGTH, temperature: job.temperature, seed: step }),
    });
  try {
    await model.fit(job.text, {
      steps: job.steps,
      seqLength: 48,
      batchSize: 16,
      signal,
      onProgress: async (p) => {
        if (p.step % every === 0 && p.step !== p.totalSteps) sample(p.step, false);
        await progress(p);
      },
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  sample(model.stepsTrained, true);
  return model;
}
