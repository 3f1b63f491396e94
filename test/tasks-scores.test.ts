// Anomaly scores, classification scores and language-model units on cases whose answer is known.

import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix } from '../bindings/data/classification.ts';
import { bitsPerCharacter, perplexity } from '../bindings/data/text-metrics.ts';
import { DataError, ShapeError, ValueError } from '../bindings/errors.ts';
import { Random } from '../bindings/random.ts';
import { anomalyScores } from '../bindings/tasks/anomaly.ts';

describe('anomalyScores', () => {
  const rng = new Random(7);
  const n = 400;
  const clean = Float32Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / 50));
  const actual = clean.map((v) => v + rng.normal(0, 0.05));
  const spikes = [37, 150, 151, 333];
  for (const i of spikes) actual[i] += i === 150 ? -1 : 1;

  it('flags exactly the points a forecast could not see coming', () => {
    // Gaussian noise passes 3σ about once in 370 points; 5σ practically never, the spikes are 20σ.
    const r = anomalyScores(actual, clean, { threshold: 5 });
    expect([...r.anomalies]).toEqual(spikes);
    // The spread is the noise's (0.05), not inflated by the spikes; signs follow actual − forecast.
    expect(r.scale).toBeGreaterThan(0.04);
    expect(r.scale).toBeLessThan(0.06);
    expect(r.scores[150]).toBeLessThan(-10);
    expect(r.scores[37]).toBeGreaterThan(10);
  });

  it('scores against a reference, honours the threshold and skips masked points', () => {
    const reference = Float32Array.from({ length: 200 }, () => rng.normal(0, 0.05));
    const mask = new Float32Array(n).fill(1);
    mask[333] = 0;
    const r = anomalyScores(actual, clean, { reference, mask, threshold: 5 });
    expect([...r.anomalies]).toEqual([37, 150, 151]);
    expect(r.scores[333]).toBe(0);
    expect(anomalyScores(actual, clean, { threshold: 1000 }).anomalies.length).toBe(0);
  });

  it('names what is wrong', () => {
    expect(() => anomalyScores([1, 2], [1])).toThrow(ShapeError);
    expect(() => anomalyScores([1, Number.NaN], [1, 2])).toThrow(/actual holds NaN at index 1/);
    expect(() => anomalyScores([1, 2, 3], [0, 1, 2])).toThrow(/no spread/);
    expect(() => anomalyScores([1, 2], [1, 2], { threshold: 0 })).toThrow(ValueError);
    expect(() => anomalyScores([1, 2], [1, 2], { mask: [0, 0] })).toThrow(DataError);
  });
});

describe('classification scores', () => {
  // scikit-learn: confusion_matrix([0,0,1,1,2,2,2], [0,1,1,1,2,0,2]) = [[1,1,0],[0,2,0],[1,0,2]].
  const actual = [0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0, 2];

  it('counts a confusion matrix with rows = true class', () => {
    const c = confusionMatrix(actual, predicted, 3);
    expect([...c.counts]).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 2]);
    expect(c.accuracy).toBeCloseTo(5 / 7, 12);
    expect(accuracy(actual, predicted)).toBeCloseTo(5 / 7, 12);
    expect([...c.precision]).toEqual([0.5, 2 / 3, 1]);
    expect([...c.recall]).toEqual([0.5, 1, 2 / 3]);
    expect(c.f1[1]).toBeCloseTo(0.8, 12);
  });

  it('marks a class never seen nor predicted as NaN, and names bad labels', () => {
    const c = confusionMatrix([0, 1], [0, 1], 3);
    expect(Number.isNaN(c.precision[2]) && Number.isNaN(c.recall[2]) && Number.isNaN(c.f1[2])).toBe(true);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/actual\[1\] = 3 is not a class id in 0..2/);
    expect(() => accuracy([0], [0, 1])).toThrow(ShapeError);
    expect(() => accuracy([], [])).toThrow(/empty/);
  });
});

describe('language-model units', () => {
  it('a uniform guess over V characters is log2 V bits and perplexity V', () => {
    const V = 65;
    expect(bitsPerCharacter(Math.log(V))).toBeCloseTo(Math.log2(V), 12);
    expect(perplexity(Math.log(V))).toBeCloseTo(V, 9);
    expect(() => perplexity(-1)).toThrow(ValueError);
    expect(() => bitsPerCharacter(Number.NaN)).toThrow(ValueError);
  });
});
