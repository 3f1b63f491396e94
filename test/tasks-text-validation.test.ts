// Held-out text, stateful: TextModel.evaluate (and fit's checks, through the public evaluateStream) read the
// held-out text as parallel streams with the state carried, checked against an independent reference that
// feeds each stream one character at a time through the layer's stepper. fit checks every validateEvery steps
// and after the last, keeps the best check's weights, refuses option combinations that cannot work by name,
// and converges on real text.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataError,
  evaluateStream,
  init,
  type Runtime,
  TextModel,
  Trainer,
  tbptt,
  ValueError,
} from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

const shakespeare = readFileSync(new URL('../data/samples/shakespeare-100k.txt', import.meta.url), 'utf8');

/** Mean next-character cross-entropy (nats) of `text` read as `tracks` streams, one character at a time. */
function steppedLoss(model: TextModel, text: string, tracks: number): number {
  const ids = model.vocab.encode(text);
  const L = Math.floor(ids.length / tracks);
  const stepper = model.model.rnn.stepper({ batchSize: 1 });
  const H = model.model.config.recurrent.hiddenSize;
  const x = new Int32Array(1);
  let sum = 0;
  let count = 0;
  for (let b = 0; b < tracks; b++) {
    stepper.reset();
    for (let t = 0; t + 1 < L; t++) {
      x[0] = ids[b * L + t];
      const logits = model.model.head.forward({ data: stepper.step(x), shape: [1, H] }).data;
      const max = Math.max(...logits);
      const z = logits.reduce((s, v) => s + Math.exp(v - max), 0);
      sum += Math.log(z) + max - logits[ids[b * L + t + 1]];
      count++;
    }
  }
  stepper.dispose();
  return sum / count;
}

describe('TextModel held-out evaluation with the state carried', () => {
  it('checks every validateEvery steps and after the last; each check is the stepped reference', async () => {
    const text = shakespeare.slice(0, 6000);
    const held = text.slice(Math.floor(text.length * 0.95));
    const model = new TextModel(rt, text, { hiddenSize: 16, seed: 5 });
    const seen: { step: number; loss: number; stepped: number; evaluated: number }[] = [];
    const summary = await model.fit(text, {
      steps: 10,
      batchSize: 4,
      seqLength: 8,
      lr: 1e-2,
      validateEvery: 4,
      onValidation: (v) => {
        // 300 held-out characters in min(4, ⌊300 / 9⌋) = 4 streams.
        const evaluated = model.evaluate(held, { seqLength: 8, batchSize: 4 }).loss;
        seen.push({ step: v.step, loss: v.loss, stepped: steppedLoss(model, held, 4), evaluated });
        expect(v.bitsPerCharacter).toBeCloseTo(v.loss / Math.LN2, 12);
      },
    });
    expect(seen.map((s) => s.step)).toEqual([4, 8, 10]);
    expect(summary.validations.map((v) => v.step)).toEqual([4, 8, 10]);
    for (const s of seen) {
      expect(Math.abs(s.evaluated - s.stepped)).toBeLessThan(1e-5 * s.stepped);
      expect(Math.abs(s.loss - s.stepped)).toBeLessThan(1e-5 * s.stepped);
    }
    // The best check's weights are the ones kept.
    const best = Math.min(...seen.map((s) => s.loss));
    expect(summary.valLoss).toBe(best);
    expect(model.evaluate(held, { seqLength: 8, batchSize: 4 }).loss).toBeCloseTo(best, 5);
    // Carrying the state is not a no-op: windows from a zero state score differently.
    const fresh = model.evaluate(held, { seqLength: 8, batchSize: 4, state: 'fresh' }).loss;
    expect(Math.abs(fresh - best)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('leaves training as it was: checks every 3 steps, or samples, change no step of the trajectory', async () => {
    const text = shakespeare.slice(0, 4000);
    const held = shakespeare.slice(4000, 4600);
    const run = async (validateEvery: number, sample: boolean) => {
      const model = new TextModel(rt, shakespeare, { hiddenSize: 16, seed: 5 });
      const losses: number[] = [];
      await model.fit(text, {
        steps: 12,
        batchSize: 4,
        seqLength: 8,
        validation: held,
        validateEvery,
        onProgress: (p) => {
          losses.push(p.loss);
          if (sample) model.generate('th', { length: 5 });
        },
      });
      model.dispose();
      return losses;
    };
    const quiet = await run(12, false);
    expect(await run(3, true)).toEqual(quiet);
  });

  it('without validateEvery, checks at the end of every pass and after the last step', async () => {
    const text = shakespeare.slice(0, 6000);
    const model = new TextModel(rt, text, { hiddenSize: 16, seed: 5 });
    const train = model.vocab.encode(text.slice(0, 5700));
    const perPass = tbptt(train, { tracks: 8, k1: 8 }).length;
    const summary = await model.fit(text, { steps: perPass + 5, batchSize: 8, seqLength: 8, lr: 1e-2 });
    expect(summary.validations.map((v) => v.step)).toEqual([perPass, perPass + 5]);
    model.dispose();
  });

  it('patience counts held-out checks: it stops that many checks after the best one', async () => {
    const text = shakespeare.slice(0, 6000);
    const model = new TextModel(rt, text, { hiddenSize: 16, seed: 5 });
    // A learning rate far too high makes the held-out loss climb after a few checks.
    const summary = await model.fit(text, {
      steps: 200,
      batchSize: 4,
      seqLength: 8,
      lr: 0.3,
      validateEvery: 2,
      patience: 2,
    });
    const losses = summary.validations.map((v) => v.loss);
    const bestAt = losses.indexOf(Math.min(...losses));
    expect(summary.earlyStopped).toBe(true);
    expect(losses.length - 1 - bestAt).toBe(2);
    expect(summary.steps).toBe(summary.validations.at(-1)!.step);
    expect(summary.steps).toBeLessThan(200);
    expect(summary.valLoss).toBe(losses[bestAt]);
    model.dispose();
  });

  it('evaluateStream is public: the loss of a tbptt stream with the state carried, and refuses what is not one', () => {
    const held = shakespeare.slice(50_000, 50_600);
    const model = new TextModel(rt, shakespeare, { hiddenSize: 16, seed: 2 });
    const trainer = new Trainer(model.model, { loss: 'cross_entropy' });
    const stream = tbptt(model.vocab.encode(held), { tracks: 5, k1: 16 });
    const e = evaluateStream(trainer, stream);
    expect(e.samples).toBe(stream.length);
    expect(Math.abs(e.loss - steppedLoss(model, held, 5))).toBeLessThan(1e-5 * e.loss);
    expect(() => evaluateStream(trainer, { k1: 3 } as never)).toThrow(ValueError);
    expect(() => evaluateStream(trainer, { k1: 3 } as never)).toThrow(/stream must be a stream from tbptt/);
    trainer.dispose();
    model.dispose();
  });

  it('refuses options that cannot work, naming the option, before any step', async () => {
    const text = shakespeare.slice(0, 2000);
    const model = new TextModel(rt, text, { hiddenSize: 8 });
    const before = model.model.getWeights();
    const refused: [object, RegExp, string?][] = [
      [{ training: 'carried' }, /training must be 'stateful' or 'stateless' but got "carried"/],
      [{ validateEvery: 0 }, /validateEvery must be an integer > 0 but got 0/],
      [{ validation: 0, validateEvery: 10 }, /validateEvery needs held-out text but validation is 0/],
      [{ validation: 0, patience: 2 }, /patience needs held-out text but validation is 0/],
      [{ onValidation: 5 }, /onValidation must be a function but got 5/],
      [{ batchSize: 1500 }, /2000 tokens, too few for batchSize 1500 parallel streams/],
      [
        { validateEvery: 5 },
        /validateEvery needs held-out text but the text's end is too short/,
        'abcd'.repeat(10),
      ],
    ];
    for (const [options, message, other] of refused) {
      const call = model.fit(other ?? text, { steps: 3, ...options });
      await expect(call).rejects.toThrow(ValueError);
      await expect(model.fit(other ?? text, { steps: 3, ...options })).rejects.toThrow(message);
    }
    await expect(model.fit('abc', { batchSize: 2, seqLength: 2, validation: 0 })).rejects.toThrow(DataError);
    expect(() => model.evaluate(text, { state: 'warm' as never })).toThrow(
      /state must be 'carried' or 'fresh' but got "warm"/,
    );
    expect(model.stepsTrained).toBe(0);
    expect(model.model.getWeights()).toEqual(before);
    // The smallest text two streams can train on: 2 tokens each, one window of one step.
    await expect(model.fit('abab', { batchSize: 2, seqLength: 1, validation: 0 })).resolves.toBeDefined();
    expect(model.stepsTrained).toBe(1);
    model.dispose();
  });
});

describe('TextModel on real text', () => {
  it('converges: held-out bits/char far below the unigram entropy after 150 steps', async () => {
    const cut = Math.floor(shakespeare.length * 0.95);
    const held = shakespeare.slice(cut);
    const counts = new Map<string, number>();
    for (const ch of shakespeare.slice(0, cut)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let unigram = 0;
    for (const ch of held) unigram -= Math.log2((counts.get(ch) ?? 0.5) / cut);
    unigram /= held.length;
    const model = new TextModel(rt, shakespeare, { hiddenSize: 64, seed: 1 });
    const start = model.evaluate(held).bitsPerCharacter;
    const summary = await model.fit(shakespeare, { steps: 150, lr: 4e-3 });
    const end = model.evaluate(held).bitsPerCharacter;
    expect(summary.validations.at(-1)!.step).toBe(150);
    expect(start).toBeGreaterThan(5.5);
    expect(unigram).toBeGreaterThan(4.3);
    expect(end).toBeLessThan(unigram - 1);
    model.dispose();
  });
});
