// Losses through lossValue(): torch.nn.functional fixtures (scripts/fixtures/losses.py) on every backend, masked
// rows, and typed errors for bad options and for targets out of range for the loss.

import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type Runtime, ShapeError, ValueError } from '../bindings/index.node.ts';
import { type LossSpec, lossValue } from '../bindings/train/index.ts';
import cases from './fixtures/losses/losses.json' with { type: 'json' };
import { BACKENDS, loadRuntime } from './helpers/backends.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

interface Case {
  name: string;
  options: LossSpec;
  shape: number[];
  pred: number[];
  target: number[];
  mask?: number[];
  loss: number;
  grad: number[];
}

describe.each(BACKENDS)('losses against torch.nn.functional on %s', (backend) => {
  it.each((cases as Case[]).map((c) => [c.name, c] as const))('%s', (_, c) => {
    const classes = typeof c.options !== 'string' && c.options.kind === 'cross_entropy';
    const targets = classes ? Int32Array.from(c.target) : Float32Array.from(c.target);
    const mask = c.mask ? Float32Array.from(c.mask) : undefined;
    const r = lossValue(
      runtimes[backend],
      c.options,
      { data: Float32Array.from(c.pred), shape: c.shape },
      targets,
      mask,
    );
    expect(Math.abs(r.loss - c.loss)).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(c.loss)));
    for (let i = 0; i < c.grad.length; i++) {
      expect(Math.abs(r.grad[i] - c.grad[i]), `grad[${i}]`).toBeLessThanOrEqual(
        1e-6 * (1 + Math.abs(c.grad[i])),
      );
    }
  });
});

describe('bad loss options and targets', () => {
  const pred = { data: new Float32Array(6), shape: [2, 3] };
  it('unknown kinds, reductions, deltas and misplaced options are ValueErrors', () => {
    const rt = runtimes.ts;
    const t = new Float32Array(6);
    expect(() => lossValue(rt, 'hinge' as never, pred, t)).toThrow(ValueError);
    expect(() => lossValue(rt, { kind: 'mse', reduction: 'avg' as never }, pred, t)).toThrow(/reduction/);
    expect(() => lossValue(rt, { kind: 'huber', delta: 0 }, pred, t)).toThrow(/delta/);
    expect(() => lossValue(rt, { kind: 'huber', delta: Number.NaN }, pred, t)).toThrow(/delta/);
    expect(() => lossValue(rt, { kind: 'mse', ignoreIndex: 0 }, pred, t)).toThrow(/only for cross_entropy/);
    expect(() =>
      lossValue(rt, { kind: 'cross_entropy', classWeights: [1, -1, 1] }, pred, new Int32Array(2)),
    ).toThrow(/classWeights\[1\]/);
  });
  it('class ids out of range, wrong counts and types, NaN and BCE targets outside [0, 1] name the row', () => {
    const rt = runtimes.ts;
    expect(() => lossValue(rt, 'cross_entropy', pred, Int32Array.from([0, 3]))).toThrow(
      /class 3 at row 1 .* 3 classes/,
    );
    expect(() => lossValue(rt, 'cross_entropy', pred, Int32Array.from([-1, 0]))).toThrow(ValueError);
    expect(() => lossValue(rt, 'cross_entropy', pred, Int32Array.from([0]))).toThrow(ShapeError);
    expect(() => lossValue(rt, 'cross_entropy', pred, new Float32Array(2))).toThrow(ShapeError);
    expect(() =>
      lossValue(rt, { kind: 'cross_entropy', classWeights: [1, 1] }, pred, Int32Array.from([0, 1])),
    ).toThrow(/classWeights must hold 3/);
    expect(() => lossValue(rt, 'mse', pred, new Float32Array(5))).toThrow(ShapeError);
    expect(() => lossValue(rt, 'mse', pred, Float32Array.from([0, 0, 0, 0, Number.NaN, 0]))).toThrow(
      DataError,
    );
    expect(() => lossValue(rt, 'bce_with_logits', pred, Float32Array.from([0, 0, 1.5, 0, 0, 0]))).toThrow(
      /\[0, 1\].*row 0/,
    );
  });
  it('a masked row is neither checked nor counted; every target ignored gives loss 0 and zero gradients', () => {
    const rt = runtimes.ts;
    const y = Float32Array.from([1, 1, 1, Number.NaN, 0, 0]);
    const r = lossValue(rt, 'mse', pred, y, Float32Array.from([1, 0]));
    expect(r.loss).toBeCloseTo(1, 6);
    expect([...r.grad]).toEqual([-2 / 3, -2 / 3, -2 / 3, 0, 0, 0].map(Math.fround));
    const none = lossValue(rt, 'cross_entropy', pred, Int32Array.from([-100, -100]));
    expect(none.loss).toBe(0);
    expect(none.grad.every((v) => v === 0)).toBe(true);
  });
});
