// Multi-step forecasting plumbing on predictors whose continuation is known exactly: a sine obeys the
// recurrence y(t+1) = 2·cos(ω)·y(t) − y(t−1), so a model that applies it continues the sine for any number of
// steps; a "direct" model that adds its lead to the last value shows which rows are taken.

import { describe, expect, it } from 'vitest';
import { DataError, ShapeError, ValueError } from '../bindings/errors.ts';
import { forecastSteps, type WindowPredictor } from '../bindings/tasks/multistep.ts';
import type { Tensor } from '../bindings/tensor.ts';

const omega = (2 * Math.PI) / 12;
const sine = (t: number) => Math.sin(omega * t);

/** The exact one-step recurrence of a sine, applied to the last two rows of each window. */
function sineRecurrence(lookback = 4): WindowPredictor & { calls: number } {
  return {
    lookback,
    features: 1,
    horizon: 1,
    targets: 1,
    calls: 0,
    predict(w: Tensor<Float32Array>) {
      this.calls++;
      const [n, L] = w.shape;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = 2 * Math.cos(omega) * w.data[i * L + L - 1] - w.data[i * L + L - 2];
      }
      return out;
    },
  };
}

const windowsAt = (starts: number[], L: number): Tensor<Float32Array> => ({
  data: Float32Array.from(starts.flatMap((s) => Array.from({ length: L }, (_, k) => sine(s + k)))),
  shape: [starts.length, L, 1],
});

describe('forecastSteps', () => {
  it('recursive forecasting continues a sine for 30 steps with one batched call per step', () => {
    const model = sineRecurrence();
    const out = forecastSteps(model, windowsAt([0, 5], 4), 30);
    expect(out.shape).toEqual([2, 30, 1]);
    expect(model.calls).toBe(30);
    for (const [i, s] of [0, 5].entries()) {
      for (let h = 0; h < 30; h++) expect(out.data[i * 30 + h]).toBeCloseTo(sine(s + 4 + h), 4);
    }
  });

  it('does not change the windows it was given', () => {
    const w = windowsAt([0], 4);
    const before = w.data.slice();
    forecastSteps(sineRecurrence(), w, 5);
    expect(w.data).toEqual(before);
  });

  const leadModel = (horizon: number): WindowPredictor & { calls: number } => ({
    lookback: 2,
    features: 1,
    horizon,
    targets: 1,
    calls: 0,
    predict(w) {
      this.calls++;
      const n = w.shape[0];
      return Float32Array.from(
        { length: n * horizon },
        (_, j) => w.data[Math.floor(j / horizon) * 2 + 1] + 1 + (j % horizon),
      );
    },
  });

  it('direct forecasting takes the first steps of one call', () => {
    const model = leadModel(3);
    const w = { data: Float32Array.from([0, 10, 0, 20]), shape: [2, 2, 1] };
    const out = forecastSteps(model, w, 2, { strategy: 'direct' });
    expect([...out.data]).toEqual([11, 12, 21, 22]);
    expect(model.calls).toBe(1);
    expect(() => forecastSteps(model, w, 4, { strategy: 'direct' })).toThrow(
      /steps 4 is more than the 3 rows/,
    );
  });

  it('recursive forecasting with a multi-row model feeds back whole blocks', () => {
    // Block 1 from [.., 10]: 11, 12 → window [11, 12]; block 2: 13, 14; block 3 cut to one row: 15.
    const model = leadModel(2);
    const out = forecastSteps(model, { data: Float32Array.from([0, 10]), shape: [1, 2, 1] }, 5);
    expect([...out.data]).toEqual([11, 12, 13, 14, 15]);
    expect(model.calls).toBe(3);
  });

  it('builds fed-back rows with futureRow when inputs carry a column the model does not predict', () => {
    const seen: number[][] = [];
    const model: WindowPredictor = {
      lookback: 2,
      features: 2,
      horizon: 1,
      targets: 1,
      predict(w) {
        seen.push([...w.data]);
        return Float32Array.of(w.data[2] + 1);
      },
    };
    const w = { data: Float32Array.from([5, 0, 6, 1]), shape: [1, 2, 2] }; // [value, observed] rows
    expect(() => forecastSteps(model, w, 2)).toThrow(/predicts 1 columns of 2; pass futureRow/);
    const out = forecastSteps(model, w, 2, {
      futureRow: (p, _step, row) => {
        row[0] = p[0];
        row[1] = 1;
      },
    });
    expect([...out.data]).toEqual([7, 8]);
    expect(seen).toEqual([
      [5, 0, 6, 1],
      [6, 1, 7, 1],
    ]);
  });

  it('names a wrong window shape, a wrong answer size and a diverged model', () => {
    const model = sineRecurrence();
    expect(() => forecastSteps(model, { data: new Float32Array(6), shape: [2, 3, 1] }, 1)).toThrow(
      ShapeError,
    );
    expect(() => forecastSteps(model, windowsAt([0], 4), 0)).toThrow(ValueError);
    const bad: WindowPredictor = { ...model, predict: () => new Float32Array(2) };
    expect(() => forecastSteps(bad, windowsAt([0], 4), 1)).toThrow(/must return \[1, 1, 1\]/);
    const nan: WindowPredictor = { ...model, predict: () => Float32Array.of(Number.NaN) };
    expect(() => forecastSteps(nan, windowsAt([0], 4), 1)).toThrow(DataError);
    expect(() => forecastSteps(model, windowsAt([0], 4), 2, { strategy: 'beam' as never })).toThrow(
      /strategy/,
    );
  });
});
