// SequenceClassifier on a synthetic task with a known answer: rising, falling and alternating sequences (plus
// noise) are told apart on held-out samples, and the confusion matrix accounts for every sample.

import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, init, Random, type Runtime, SequenceClassifier } from 'wasm-rnn';

let rt: Runtime;
beforeAll(async () => {
  rt = await init({ backend: 'wasm-simd' });
});

function samples(
  n: number,
  seed: number,
  lengths?: [number, number],
): { sequences: Float32Array[]; labels: Int32Array } {
  const r = new Random(seed);
  const sequences: Float32Array[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    labels[i] = k;
    const start = r.uniform(-1, 1);
    sequences.push(
      Float32Array.from(
        { length: lengths ? lengths[0] + r.int(lengths[1] - lengths[0] + 1) : 12 },
        (_, t) => {
          const shape =
            k === 0 ? start + 0.15 * t : k === 1 ? start - 0.15 * t : start + (t % 2 === 0 ? 0.5 : -0.5);
          return shape + r.normal(0, 0.1);
        },
      ),
    );
  }
  return { sequences, labels };
}

describe('SequenceClassifier', () => {
  it('tells rising, falling and alternating sequences apart on held-out samples', async () => {
    const train = samples(240, 1);
    const test = samples(90, 2);
    const c = await SequenceClassifier.fit(train.sequences, train.labels, {
      runtime: rt,
      classNames: ['rising', 'falling', 'alternating'],
      hiddenSize: 16,
      epochs: 15,
      seed: 3,
    });
    const e = c.evaluate(test.sequences, test.labels);
    expect(e.accuracy).toBeGreaterThan(0.95);
    expect(e.confusion.counts.reduce((a, b) => a + b, 0)).toBe(90);
    const p = c.predictProba(test.sequences.slice(0, 4));
    expect(p.shape).toEqual([4, 3]);
    for (let i = 0; i < 4; i++)
      expect(p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2]).toBeCloseTo(1, 5);
    const loaded = SequenceClassifier.load(rt, c.save());
    expect(loaded.classNames).toEqual(['rising', 'falling', 'alternating']);
    expect([...loaded.predict(test.sequences)]).toEqual([...c.predict(test.sequences)]);
    c.dispose();
    loaded.dispose();
  });

  it('learns from sequences of different lengths, each read to its own last step', async () => {
    const train = samples(300, 5, [6, 16]);
    const test = samples(90, 6, [6, 16]);
    expect(new Set(train.sequences.map((s) => s.length)).size).toBeGreaterThan(8);
    const c = await SequenceClassifier.fit(train.sequences, train.labels, {
      runtime: rt,
      hiddenSize: 16,
      epochs: 25,
      seed: 3,
    });
    const accuracy = c.evaluate(test.sequences, test.labels).accuracy;
    expect(accuracy).toBeGreaterThan(0.9);
    // A padded batch predicts what each sequence predicts alone.
    const alone = test.sequences.slice(0, 12).map((s) => c.predictProba([s]).data);
    const together = c.predictProba(test.sequences.slice(0, 12)).data;
    alone.forEach((p, i) => {
      for (let k = 0; k < 3; k++) expect(together[i * 3 + k]).toBeCloseTo(p[k], 6);
    });
    c.dispose();
  });

  it('names bad labels', async () => {
    const { sequences, labels } = samples(6, 4);
    await expect(SequenceClassifier.fit(sequences, labels.slice(0, 5), { runtime: rt })).rejects.toThrow(
      /6 sequences but 5 labels/,
    );
    await expect(
      SequenceClassifier.fit([...sequences.slice(0, 5), new Float32Array(0)], labels, { runtime: rt }),
    ).rejects.toThrow(DataError);
    await expect(
      SequenceClassifier.fit(sequences, Int32Array.of(0, 1, 2, 0, 1, -1), { runtime: rt }),
    ).rejects.toThrow(/labels\[5\] = -1/);
  });
});
