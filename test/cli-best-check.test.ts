// The best held-out check `wasm-rnn train` keeps on a text (bin/cli/best-check.ts): the lowest loss wins and the
// earlier wins a tie (as TextModel.fit); a checkpoint keeps only checks every run makes, so the check at the end
// of a cut run does not outlive it; stored weights come back bit for bit, and a tampered store is refused.

import { describe, expect, it } from 'vitest';
import { HeldOutBest, readBest, storeBest } from '../bin/cli/best-check.ts';

/** A stand-in for a model: weights that change with every step, so each check holds its own. */
function modelAt(step: number) {
  return {
    getWeights: () => ({
      'rnn.weight_hh_l0': Float32Array.from({ length: 6 }, (_, i) => Math.sin(step * 7 + i) / 3),
      'head.bias': Float32Array.of(step, -step / 3),
    }),
  };
}

describe('HeldOutBest', () => {
  it('keeps the lowest loss, the earlier of a tie, and no non-finite loss', () => {
    const best = new HeldOutBest();
    best.see(Number.NaN, 2, true, modelAt(2));
    expect(best.best).toBeUndefined();
    best.see(2.5, 4, true, modelAt(4));
    best.see(2.5, 8, true, modelAt(8));
    best.see(2.7, 12, true, modelAt(12));
    expect(best.best?.step).toBe(4);
    expect(best.best?.weights['head.bias']).toEqual(Float32Array.of(4, -4 / 3));
    best.see(2.1, 16, true, modelAt(16));
    expect(best.best?.step).toBe(16);
  });

  it("an unscheduled end check counts for the run's model but not for its checkpoint", () => {
    const best = new HeldOutBest();
    best.see(2, 4, true, modelAt(4));
    best.see(1.5, 7, false, modelAt(7));
    expect(best.best?.step).toBe(7);
    expect(best.scheduled?.step).toBe(4);
  });
});

describe('storeBest / readBest', () => {
  const check = { loss: 1.25, step: 4, weights: modelAt(4).getWeights() };

  it('round-trips the weights bit for bit through JSON', () => {
    const back = readBest(JSON.parse(JSON.stringify(storeBest(check))), modelAt(9), 9);
    expect(back.loss).toBe(1.25);
    expect(back.step).toBe(4);
    for (const [name, w] of Object.entries(check.weights)) expect(back.weights[name], name).toEqual(w);
    // A resumed run goes on from the stored check: a worse later check does not replace it.
    const resumed = new HeldOutBest(back);
    resumed.see(1.3, 8, true, modelAt(8));
    expect(resumed.best?.step).toBe(4);
  });

  it('refuses a store that does not fit the model, naming what is wrong', () => {
    const stored = storeBest(check);
    const nan = storeBest({
      ...check,
      weights: { ...check.weights, 'head.bias': Float32Array.of(Number.NaN, 0) },
    });
    const cases: [unknown, RegExp][] = [
      [{ ...stored, loss: Number.POSITIVE_INFINITY }, /no finite loss/],
      [{ ...stored, step: 12 }, /step 12, not one of its 9 steps/],
      [
        { ...stored, weights: { ...stored.weights, 'head.bias': 'AAAA' } },
        /head\.bias is not 2 float32 values/,
      ],
      [{ ...stored, weights: { 'head.bias': stored.weights['head.bias'] } }, /rnn\.weight_hh_l0 is not 6/],
      [nan, /head\.bias is not finite/],
      [{ ...stored, weights: { ...stored.weights, extra: 'AAAA' } }, /a weight "extra" the model has not/],
      [null, /no finite loss/],
    ];
    for (const [bad, message] of cases) expect(() => readBest(bad, modelAt(9), 9)).toThrow(message);
  });
});
