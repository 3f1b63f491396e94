// Seq2Seq with attention against PyTorch (scripts/fixtures/attention_seq2seq.py): the same nn modules under the
// same names (uni- and bidirectional encoders), one padded teacher-forced batch; logits, attention weights, the
// summed loss and every gradient agree within 1e-5 (relative to 1 + |value|) on every backend. The feed_*
// fixtures are input feeding (feed 'input', 'both'): a step-by-step nn.LSTM/nn.GRU decoder in PyTorch.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, Seq2Seq, type Seq2SeqOptions, Trainer } from '../bindings/index.node.ts';
import { BACKENDS, loadRuntime } from './helpers/backends.ts';

interface Fixture {
  options: Seq2SeqOptions;
  source: { data: number[]; shape: [number, number]; lengths: number[] };
  targets: { data: number[]; shape: [number, number]; lengths: number[] };
  weights: Record<string, number[]>;
  logits: number[];
  attention: number[];
  loss: number;
  gradients: Record<string, number[]>;
}

const DIR = join(import.meta.dirname, 'fixtures', 'attention');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture] as const);

const runtimes = {} as Record<(typeof BACKENDS)[number], Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      1e-5 * (1 + Math.abs(want[i])),
    );
  }
}

describe.each(BACKENDS)('Seq2Seq attention vs PyTorch on %s', (backend) => {
  it('has every score, and bidirectional encoders', () => {
    const names = FIXTURES.map(([f]) => f);
    for (const score of ['additive', 'general', 'dot'])
      expect(names.some((f) => f.startsWith(score))).toBe(true);
    expect(names.filter((f) => f.includes('_bi')).length).toBeGreaterThanOrEqual(2);
  });

  for (const [file, f] of FIXTURES) {
    it(`${file}: logits, weights, loss and every gradient`, () => {
      const rt = runtimes[backend];
      const model = new Seq2Seq(rt, f.options);
      expect(Object.keys(model.getWeights()).sort()).toEqual(Object.keys(f.weights).sort());
      model.setWeights(f.weights);
      const source = { data: Int32Array.from(f.source.data), shape: f.source.shape };
      const targets = { data: Int32Array.from(f.targets.data), shape: f.targets.shape };
      const pass = { sourceLengths: f.source.lengths, targetLengths: f.targets.lengths };
      const [Tt, B] = f.targets.shape;
      model.load(source, model.check(source), targets.data, Tt, pass);
      model.forward();
      const V = model.outputSize;
      close(new Float32Array(rt.memory.buffer, model.output, Tt * B * V).slice(), f.logits, 'logits');
      const weights = model.attentionWeights()!;
      expect(weights.shape).toEqual([Tt, f.source.shape[0], B]);
      close(weights.data, f.attention, 'attention');
      const trainer = new Trainer(model, { loss: { kind: 'cross_entropy', reduction: 'sum' } });
      const loss = trainer.computeGradients({
        inputs: source,
        targets,
        lengths: Int32Array.from(f.source.lengths),
        targetLengths: Int32Array.from(f.targets.lengths),
      });
      expect(Math.abs(loss - f.loss)).toBeLessThanOrEqual(1e-5 * (1 + f.loss));
      const grads = model.gradients();
      for (const [name, want] of Object.entries(f.gradients)) close(grads[name], want, name);
      model.dispose();
    });
  }
});
