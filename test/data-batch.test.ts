// Batching and truncated-BPTT streams: layouts checked element by element on data whose answer is known.

import { describe, expect, it } from 'vitest';
import { BatchBuffers, collate, stack } from '../bindings/data/batch.ts';
import { batches } from '../bindings/data/batches.ts';
import { makeDataset } from '../bindings/data/dataset.ts';
import { batchify, tbptt } from '../bindings/data/stream.ts';
import { DataError, ShapeError, ValueError } from '../bindings/errors.ts';

const f32 = (...v: number[]) => Float32Array.from(v);
const i32 = (...v: number[]) => Int32Array.from(v);

/** Sample s, step t, feature f holds 100·s + 10·t + f: every element says where it came from. */
function coded(lengths: number[], F: number): Float32Array[] {
  return lengths.map((len, s) =>
    Float32Array.from({ length: len * F }, (_, j) => 100 * s + 10 * Math.floor(j / F) + (j % F)),
  );
}

describe('collate', () => {
  it('lays fixed-length float samples out time-major [T, B, F] and batch-major [B, T, F]', () => {
    const xs = coded([3, 3], 2);
    const ds = makeDataset(xs, xs, { features: 2, targetFeatures: 2 });
    const tm = stack(ds, [0, 1]);
    expect(tm.inputs.shape).toEqual([3, 2, 2]);
    // [t][b][f] = 100b + 10t + f
    expect([...tm.inputs.data]).toEqual([0, 1, 100, 101, 10, 11, 110, 111, 20, 21, 120, 121]);
    expect([...tm.mask]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...tm.lengths]).toEqual([3, 3]);
    const bm = stack(ds, [1, 0], { layout: 'batch-major' });
    expect(bm.inputs.shape).toEqual([2, 3, 2]);
    expect([...bm.inputs.data]).toEqual([100, 101, 110, 111, 120, 121, 0, 1, 10, 11, 20, 21]);
    expect([...bm.indices]).toEqual([1, 0]);
  });

  it('pads variable lengths to the longest with lengths and a [T, B] step mask', () => {
    const xs = coded([1, 3, 2], 1);
    const ds = makeDataset(xs, xs);
    const b = collate(ds, [0, 1, 2], { padValue: -1, targetPadValue: -9 });
    expect(b.inputs.shape).toEqual([3, 3, 1]);
    expect(b.steps).toBe(3);
    expect([...b.lengths]).toEqual([1, 3, 2]);
    expect([...b.inputs.data]).toEqual([0, 100, 200, -1, 110, 210, -1, 120, -1]);
    expect([...b.targets.data]).toEqual([0, 100, 200, -9, 110, 210, -9, 120, -9]);
    expect([...b.mask]).toEqual([1, 1, 1, 0, 1, 1, 0, 1, 0]);
    const bm = collate(ds, [0, 1, 2], { layout: 'batch-major' });
    expect([...bm.mask]).toEqual([1, 0, 0, 1, 1, 1, 1, 1, 0]);
  });

  it('batches token ids [T, B] and per-sequence class targets [B]', () => {
    const ds = makeDataset([i32(5, 6), i32(7)], [i32(1), i32(0)], { targetsPer: 'sequence' });
    const b = collate(ds, [0, 1]);
    expect(b.inputs.shape).toEqual([2, 2]);
    expect([...b.inputs.data]).toEqual([5, 7, 6, 0]);
    expect(b.targets.shape).toEqual([2]);
    expect([...b.targets.data]).toEqual([1, 0]);
  });

  it('accepts tensor samples [steps, features] and refuses stacking unequal lengths', () => {
    const ds = makeDataset(
      [
        { data: f32(1, 2, 3, 4), shape: [2, 2] },
        { data: f32(5, 6), shape: [1, 2] },
      ],
      [f32(1), f32(2)],
      { targetsPer: 'sequence' },
    );
    expect(ds.features).toBe(2);
    expect(() => stack(ds, [0, 1])).toThrow(/sample 0 has 2 steps and sample 1 has 1.*collate/);
    expect(() => collate(ds, [0, 2])).toThrow(/indices\[1\] must be an integer in \[0, 2\) but got 2/);
    expect(() => collate(ds, [])).toThrow(/must hold 1 to 1 samples but got 0/);
    const short = makeDataset([f32(1, 2)], [f32(1)], { features: 2, targetsPer: 'sequence' });
    expect(() => collate(ds, [0], {}, new BatchBuffers(short, 1))).toThrow(/sized for another dataset/);
  });
});

describe('dataset errors', () => {
  it('names the problem', () => {
    expect(() => makeDataset([f32(1)], [])).toThrow(ShapeError);
    expect(() => makeDataset([f32(1)], [])).toThrow(/inputs has 1 and targets has 0/);
    expect(() => makeDataset([], [])).toThrow(DataError);
    expect(() => makeDataset([], [])).toThrow(/empty/);
    expect(() =>
      makeDataset([f32(1, 2, 3, 4), f32(1, 2, 3)], [f32(1), f32(1)], { features: 2, targetsPer: 'sequence' }),
    ).toThrow(/inputs\[1\] has length 3, not a whole number of steps of 2 features/);
    const t = (n: number, F: number) => ({ data: new Float32Array(n * F), shape: [n, F] });
    expect(() => makeDataset([t(2, 3), t(2, 4)], [f32(0), f32(0)], { targetsPer: 'sequence' })).toThrow(
      /inputs\[1\] has 4 features per step but inputs\[0\] has 3/,
    );
    expect(() => makeDataset([f32(1, 2), f32(1)], [f32(1, 2), f32(1, 2)])).toThrow(
      /targets\[1\] has 2 steps but inputs\[1\] has 1/,
    );
    expect(() => makeDataset([f32(1), i32(1)], [f32(1), f32(1)])).toThrow(
      /inputs\[1\] must be a Float32Array/,
    );
  });

  it('names the sample and position of NaN and Inf', () => {
    const xs = [f32(0, 0, 0, 0), f32(0, 0, 0, Number.NaN)];
    expect(() => makeDataset(xs, xs, { features: 2, targetFeatures: 2 })).toThrow(DataError);
    expect(() => makeDataset(xs, xs, { features: 2, targetFeatures: 2 })).toThrow(
      /inputs\[1\] holds NaN at step 1, feature 1/,
    );
    const ys = [f32(0), f32(Number.POSITIVE_INFINITY)];
    expect(() => makeDataset([f32(0), f32(0)], ys)).toThrow(
      /targets\[1\] holds Infinity at step 0, feature 0/,
    );
    expect(() => makeDataset([i32(0, -2)], [i32(0, 0)])).toThrow(/inputs\[0\] holds -2 at step 1/);
  });
});

describe('batches', () => {
  const xs = coded(
    Array.from({ length: 10 }, (_, i) => 1 + (i % 3)),
    1,
  );
  const ds = makeDataset(xs, xs);

  it('rejects a bad batch size', () => {
    for (const batchSize of [0, -1, 2.5, Number.NaN]) {
      expect(() => batches(ds, { batchSize })).toThrow(ValueError);
    }
    expect(() => batches(ds, { batchSize: 0 })).toThrow(/batchSize must be an integer > 0 but got 0/);
    expect(() => batches(ds, { batchSize: 11, dropLast: true })).toThrow(/leaves no batch/);
  });

  it('visits every sample exactly once per epoch, reshuffles each epoch, and is deterministic by seed', () => {
    const epochs = (seed: number) => {
      const it = batches(ds, { batchSize: 4, shuffle: true, seed });
      return [0, 1].map(() => [...it].flatMap((b) => [...b.indices]));
    };
    const [e1, e2] = epochs(7);
    for (const e of [e1, e2]) expect([...e].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(e1).not.toEqual(e2);
    expect(epochs(7)).toEqual([e1, e2]);
    expect(epochs(8)[0]).not.toEqual(e1);
  });

  it('keeps the dataset order unshuffled, sizes the last batch, and drops it on request', () => {
    const sizes = [...batches(ds, { batchSize: 4 })].map((b) => b.size);
    expect(sizes).toEqual([4, 4, 2]);
    const kept = batches(ds, { batchSize: 4, dropLast: true });
    expect(kept.length).toBe(2);
    expect([...kept].flatMap((b) => [...b.indices])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('fills each batch correctly though buffers are reused, and reuses them', () => {
    const it = batches(ds, { batchSize: 3, shuffle: true, seed: 1 });
    let buffer: ArrayBufferLike | undefined;
    for (const b of it) {
      buffer ??= b.inputs.data.buffer;
      expect(b.inputs.data.buffer).toBe(buffer);
      for (let r = 0; r < b.size; r++) {
        const s = b.indices[r];
        for (let t = 0; t < b.steps; t++) {
          const want = t < ds.lengths[s] ? 100 * s + 10 * t : 0;
          expect(b.inputs.data[t * b.size + r]).toBe(want);
          expect(b.mask[t * b.size + r]).toBe(t < ds.lengths[s] ? 1 : 0);
        }
      }
    }
  });

  it('resumes the shuffle from a saved state', () => {
    const a = batches(ds, { batchSize: 5, shuffle: true, seed: 3 });
    [...a];
    const state = a.getState();
    const next = [...a].flatMap((b) => [...b.indices]);
    const b = batches(ds, { batchSize: 5, shuffle: true, seed: 99 });
    b.setState(state);
    expect([...b].flatMap((x) => [...x.indices])).toEqual(next);
  });
});

describe('truncated BPTT streams', () => {
  const stream = Int32Array.from({ length: 26 }, (_, i) => i);

  it('batchify cuts contiguous tracks side by side and drops the remainder', () => {
    const t = batchify(stream, 4);
    expect(t.shape).toEqual([6, 4]);
    // Track b holds 6b .. 6b+5; row t holds step t of every track.
    expect([...t.data.subarray(0, 8)]).toEqual([0, 6, 12, 18, 1, 7, 13, 19]);
    const f = batchify(
      Float32Array.from({ length: 12 }, (_, i) => i),
      2,
      2,
    );
    expect(f.shape).toEqual([3, 2, 2]);
    expect([...f.data]).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
  });

  it('gives consecutive windows that continue every track, targets shifted by one', () => {
    const s = tbptt(stream, { tracks: 4, k1: 2 });
    const windows = [...s];
    expect(windows.map((w) => w.steps)).toEqual([2, 2, 1]);
    expect(windows.map((w) => w.first)).toEqual([true, false, false]);
    for (let b = 0; b < 4; b++) {
      const track = windows.flatMap((w) =>
        Array.from({ length: w.steps }, (_, t) => w.inputs.data[t * 4 + b]),
      );
      expect(track).toEqual([0, 1, 2, 3, 4].map((t) => 6 * b + t));
      const targets = windows.flatMap((w) =>
        Array.from({ length: w.steps }, (_, t) => w.targets.data[t * 4 + b]),
      );
      expect(targets).toEqual(track.map((v) => v + 1));
    }
    expect(windows[1].inputs.shape).toEqual([2, 4]);
    expect(windows[1].inputs.data.buffer).toBe(s.inputs.data.buffer);
  });

  it('exposes k2 steps of history ending where each window ends', () => {
    const windows = [...tbptt(stream, { tracks: 4, k1: 2, k2: 3 })];
    expect(windows.map((w) => [w.history.start, w.history.steps])).toEqual([
      [0, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(windows[1].history.inputs.data[0]).toBe(1);
    expect(() => tbptt(stream, { tracks: 4, k1: 3, k2: 2 })).toThrow(/k2 must be ≥ k1 = 3/);
    expect(() => tbptt(stream, { tracks: 26, k1: 1 })).toThrow(/too few/);
    expect(() => tbptt(f32(1, Number.NaN), { tracks: 1, k1: 1 })).toThrow(/holds NaN at step 1/);
  });
});
