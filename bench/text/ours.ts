// Our side of `npm run bench:text`: TextModel with its defaults (LSTM 128, one-hot input, Adam 2e-3, clip 5,
// batchSize 32, seqLength 64) trained for a number of steps on the text's first 95 %, in either training mode,
// then scored on the last 5 % with the state carried (and, for the stateless model, also window by window).

import { type Runtime, TextModel } from 'wasm-rnn';

export type Training = 'stateful' | 'stateless';

export interface OursResult {
  training: Training;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  /** Held-out bits per character, streams read with the state carried. */
  bitsPerChar: number;
  /** Held-out bits per character, every window from a zero state. */
  bitsPerCharFresh: number;
}

export async function trainOurs(
  rt: Runtime,
  text: string,
  steps: number,
  training: Training,
): Promise<OursResult> {
  const cut = Math.floor(text.length * 0.95);
  const [train, held] = [text.slice(0, cut), text.slice(cut)];
  // The vocabulary of the whole text, as the PyTorch script builds it (the held-out part adds no character here).
  const model = new TextModel(rt, text, { seed: 0 });
  try {
    const started = performance.now();
    let seconds = 0;
    // validateEvery = steps: one held-out check, after the last step (the PyTorch side keeps its last weights
    // too); the clock stops before it, as PyTorch's does.
    await model.fit(train, {
      steps,
      training,
      validation: held,
      validateEvery: steps,
      onProgress: (p) => {
        if (p.step === steps) seconds = (performance.now() - started) / 1000;
      },
    });
    return {
      training,
      steps,
      seconds,
      tokensPerSecond: (steps * 32 * 64) / seconds,
      bitsPerChar: model.evaluate(held).bitsPerCharacter,
      bitsPerCharFresh: model.evaluate(held, { state: 'fresh' }).bitsPerCharacter,
    };
  } finally {
    model.dispose();
  }
}
