// Learning-rate schedules against torch.optim.lr_scheduler (test/fixtures/schedules, made by
// scripts/fixtures/schedules.py), plus their argument checks.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../bindings/errors.ts';
import {
  CosineAnnealingLR,
  ExponentialLR,
  type HasLearningRate,
  LinearWarmup,
  ReduceLROnPlateau,
  StepLR,
} from '../bindings/train/schedules.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/schedules/schedules.json', import.meta.url), 'utf8'),
) as {
  plateau_metrics: number[];
  cases: { name: string; lrs: number[] }[];
};

const MAKE: Record<string, (o: HasLearningRate) => { step(metric?: number): void }> = {
  step: (o) => new StepLR(o, { stepSize: 7, gamma: 0.5 }),
  exponential: (o) => new ExponentialLR(o, { gamma: 0.9 }),
  cosine: (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
  linear: (o) => new LinearWarmup(o, { startFactor: 0.25, endFactor: 1, totalIters: 8 }),
  plateau: (o) =>
    new ReduceLROnPlateau(o, { mode: 'min', factor: 0.5, patience: 2, cooldown: 1, threshold: 1e-3 }),
};

describe('learning-rate schedules match PyTorch', () => {
  it.each(fixture.cases.map((c) => [c.name, c.lrs] as const))('%s', (name, lrs) => {
    const optimizer = { lr: 0.1 };
    const schedule = MAKE[name](optimizer);
    lrs.forEach((want, epoch) => {
      // PyTorch's chainable forms round differently from the closed forms by a few ulp.
      expect(optimizer.lr).toBeCloseTo(want, 12);
      schedule.step(fixture.plateau_metrics[epoch]);
    });
  });

  it('covers every schedule', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual(Object.keys(MAKE).sort());
  });
});

describe('schedule arguments', () => {
  it('name the bad argument', () => {
    expect(() => new StepLR({ lr: 0.1 }, { stepSize: 0 })).toThrow(
      /stepSize must be an integer > 0 but got 0/,
    );
    expect(() => new ExponentialLR({ lr: 0.1 }, { gamma: Number.NaN })).toThrow(ValueError);
    expect(() => new CosineAnnealingLR({ lr: 0.1 }, { tMax: 2.5 })).toThrow(/tMax/);
    expect(() => new LinearWarmup({ lr: 0.1 }, { startFactor: 2 })).toThrow(/startFactor/);
    expect(() => new ReduceLROnPlateau({ lr: 0.1 }, { factor: 1 })).toThrow(/factor must be in \(0, 1\)/);
    expect(() => new ReduceLROnPlateau({ lr: 0.1 }).step(Number.NaN)).toThrow(/metric must be finite/);
  });

  it('resume from saved state', () => {
    const a = { lr: 0.1 };
    const s = new CosineAnnealingLR(a, { tMax: 10 });
    for (let i = 0; i < 4; i++) s.step();
    const b = { lr: 0.1 };
    const r = new CosineAnnealingLR(b, { tMax: 10 });
    r.loadState(s.state());
    s.step();
    r.step();
    expect(b.lr).toBe(a.lr);
  });
});
