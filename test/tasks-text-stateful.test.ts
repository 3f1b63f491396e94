// TextModel.fit's default is char-rnn's training: the text cut into batchSize contiguous streams, windows of
// seqLength read in order, the state carried from window to window and reset at every pass. Checked against a
// hand-written loop over tbptt() windows with trainer.step(..., { stateful: true }) — bit for bit, step losses
// and weights — and against the same loop without carrying or without the reset, which must differ.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime, type SequenceModel, TextModel, Trainer, tbptt } from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

const shakespeare = readFileSync(new URL('../data/samples/shakespeare-100k.txt', import.meta.url), 'utf8');
// 4 streams of 297 characters: 296 targets each, 37 whole windows of 8. (A shorter last window is trained by fit
// over the last k2 = 8 steps with the loss on its new ones, as tbptt's history says; step() has no such option.)
const text = shakespeare.slice(0, 1188);
const B = 4;
const T = 8;
const LR = 1e-2;

/** The loop PyTorch's word_language_model writes, over our tbptt windows: `steps` steps, state handled by `carry`. */
function handLoop(
  model: SequenceModel,
  ids: Int32Array,
  steps: number,
  carry: { stateful: boolean; resetEachPass: boolean },
): number[] {
  const trainer = new Trainer(model, {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', lr: LR },
    clip: { norm: 5 },
  });
  const stream = tbptt(ids, { tracks: B, k1: T });
  const losses: number[] = [];
  while (losses.length < steps) {
    if (carry.resetEachPass) trainer.resetState();
    for (const w of stream) {
      if (losses.length === steps) break;
      losses.push(trainer.step({ inputs: w.inputs, targets: w.targets }, { stateful: carry.stateful }));
    }
  }
  trainer.dispose();
  return losses;
}

describe('TextModel.fit, stateful (the default)', () => {
  it('is a hand-written TBPTT loop with the state carried and reset each pass, bit for bit', async () => {
    const fitted = new TextModel(rt, text, { hiddenSize: 16, seed: 3 });
    const ids = fitted.vocab.encode(text);
    const perPass = tbptt(ids, { tracks: B, k1: T }).length;
    const steps = perPass + Math.floor(perPass / 2);
    const seen: number[] = [];
    const summary = await fitted.fit(text, {
      steps,
      batchSize: B,
      seqLength: T,
      lr: LR,
      validation: 0,
      onProgress: (p) => {
        seen.push(p.loss);
      },
    });
    expect(summary.steps).toBe(steps);
    expect(summary.epochs).toBe(1);

    const run = (carry: { stateful: boolean; resetEachPass: boolean }) => {
      const m = new TextModel(rt, text, { hiddenSize: 16, seed: 3 });
      const losses = handLoop(m.model, ids, steps, carry);
      const weights = m.model.getWeights();
      m.dispose();
      return { losses, weights };
    };
    const hand = run({ stateful: true, resetEachPass: true });
    expect(seen).toEqual(hand.losses);
    expect(fitted.model.getWeights()).toEqual(hand.weights);

    // Could fail: the 2nd window's loss depends on the state the 1st left, and the 2nd pass starts from zeros.
    const fresh = run({ stateful: false, resetEachPass: true });
    expect(fresh.losses[0]).toBe(seen[0]);
    expect(fresh.losses[1]).not.toBe(seen[1]);
    const noReset = run({ stateful: true, resetEachPass: false });
    expect(noReset.losses.slice(0, perPass)).toEqual(seen.slice(0, perPass));
    expect(noReset.losses[perPass]).not.toBe(seen[perPass]);
    fitted.dispose();
  });

  it("keeps today's shuffled stateless windows as training: 'stateless' (another trajectory)", async () => {
    const a = new TextModel(rt, text, { hiddenSize: 16, seed: 3 });
    const b = new TextModel(rt, text, { hiddenSize: 16, seed: 3 });
    const options = { steps: 20, batchSize: B, seqLength: T, lr: LR, validation: 0 } as const;
    await a.fit(text, { ...options, training: 'stateless' });
    await b.fit(text, options);
    expect(a.model.getWeights()).not.toEqual(b.model.getWeights());
    // The file format is unchanged: a stateless-trained model saves and loads as before.
    const loaded = TextModel.load(rt, a.save());
    expect(loaded.generate('th', { length: 30, seed: 2 })).toBe(a.generate('th', { length: 30, seed: 2 }));
    for (const m of [a, b, loaded]) m.dispose();
  });
});
