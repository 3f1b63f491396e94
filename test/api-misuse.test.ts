// API misuse (issue 8, item 2), short version: 100 seeded trials per public surface (scripts/fuzz/misuse/; the
// full run is `npm run fuzz:api`), each a call with one or two arguments wrong. Every refusal must be a
// WasmRnnError naming an argument, never a TypeError, RangeError or WebAssembly trap from inside, and must
// leave its objects unchanged; then the holes the fuzz found, each as a regression test.

import { beforeAll, describe, expect, it } from 'vitest';
import { batchify } from '../bindings/data/stream.ts';
import {
  BackendError,
  DataError,
  describe as describeValue,
  FormatError,
  MAX_MESSAGE,
  MemoryLimitError,
  NonFiniteError,
  ShapeError,
  ValueError,
  WasmRnnError,
} from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { decodeSafetensors } from '../bindings/io/safetensors.ts';
import { Dense } from '../bindings/model/dense.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import type { ParamSlab } from '../bindings/model/slab.ts';
import { TextModel } from '../bindings/tasks/text-model.ts';
import { clipGradNorm } from '../bindings/train/clip.ts';
import { Adam, SGD } from '../bindings/train/optimizers.ts';
import { runMisuse } from '../scripts/fuzz/misuse/runner.ts';
import { MISUSE_SEED, SURFACES } from '../scripts/fuzz/misuse/surfaces.ts';
import { loadRuntime } from './helpers/backends.ts';

let runtimes: Runtime[];
beforeAll(async () => {
  runtimes = [await loadRuntime('ts'), await loadRuntime('wasm-simd')];
});

describe('seeded misuse of every public surface', () => {
  it(`${SURFACES.length} surfaces × 100 trials: typed errors naming the argument, objects intact`, async () => {
    const report = await runMisuse(SURFACES, runtimes, { seed: MISUSE_SEED, trialsPerSurface: 100 });
    expect(report.failures).toEqual([]);
    expect(report.trials).toBe(SURFACES.length * 100);
    // Every surface refused some wrong value: none passed only because its wrong values never reached it.
    for (const s of SURFACES) expect(report.refusedBySurface[s.name] ?? 0, s.name).toBeGreaterThan(0);
    expect(report.maxMs).toBeLessThan(1000);
  });
});

describe('holes the misuse fuzz found (regressions)', () => {
  const dense = (rt: Runtime) => new Dense(rt, { inFeatures: 2, outFeatures: 2 });
  const x = { data: Float32Array.of(1, 2), shape: [1, 2] };

  it('a disposed layer, stepper or optimizer refuses to run instead of using freed memory', () => {
    const rt = runtimes[1];
    const d = dense(rt);
    d.dispose();
    d.dispose();
    expect(() => d.forward(x)).toThrow(/forward: this layer was disposed/);
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
    const stepper = gru.stepper();
    stepper.dispose();
    expect(() => stepper.step(Float32Array.of(1, 2))).toThrow(/this stepper was disposed/);
    const live = gru.stepper();
    gru.dispose();
    expect(() => live.step(Float32Array.of(1, 2))).toThrow(/the stepper's layer was disposed/);
    expect(() => gru.backward()).toThrow(/backward: this layer was disposed/);
    const owner = dense(rt);
    const adam = new Adam(owner.params.slab);
    adam.dispose();
    expect(() => adam.step()).toThrow(/this optimizer was disposed/);
    owner.dispose();
  });

  it('a look-alike slab or runtime is refused: clipping a copied slab used to scale memory it does not own', () => {
    const rt = runtimes[0];
    const d = dense(rt);
    const copy = { ...d.params.slab } as unknown as ParamSlab;
    expect(() => clipGradNorm(copy, 1)).toThrow(/slab must be a ParamSlab/);
    expect(() => new Dense({ ...rt }, { inFeatures: 2, outFeatures: 2 })).toThrow(
      /rt must be a Runtime from init/,
    );
    d.dispose();
    expect(() => clipGradNorm(d.params.slab, 1)).toThrow(/slab was freed/);
  });

  it('a layer too large for linear memory is refused from its sizes, naming them, before anything is allocated', () => {
    const rt = runtimes[1];
    const used = rt.arena.usedBytes;
    expect(() => new LSTM(rt, { inputSize: 8, hiddenSize: 100_000 })).toThrow(MemoryLimitError);
    expect(() => new LSTM(rt, { inputSize: 8, hiddenSize: 100_000 })).toThrow(/hiddenSize 100000/);
    expect(() => new Dense(rt, { inFeatures: 2 ** 31, outFeatures: 3 })).toThrow(/inFeatures 2147483648/);
    expect(() => new GRU(rt, { inputSize: 1, hiddenSize: 1, numLayers: 1e9 })).toThrow(
      /numLayers must be at most 1024/,
    );
    expect(rt.arena.usedBytes).toBe(used);
  });

  it('an optimizer refusing its options allocates nothing (it used to allocate its buffers first)', () => {
    const rt = runtimes[0];
    const d = dense(rt);
    const used = rt.arena.usedBytes;
    expect(() => new SGD(d.params.slab, { lr: 0.1, momentum: -1 })).toThrow(/momentum must be/);
    expect(() => new Adam(d.params.slab, { betas: 0.9 as never })).toThrow(/betas must be \[beta1, beta2\]/);
    expect(rt.arena.usedBytes).toBe(used);
    d.dispose();
  });

  it('batchify with 10^12 tracks is refused at once (it used to spin through empty tracks for minutes)', () => {
    const t0 = performance.now();
    expect(() => batchify(new Int32Array(20), 1e12)).toThrow(/too few for 1000000000000 tracks/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('bytes that only pretend to be a Uint8Array (by prototype) are a ValueError, not a TypeError', () => {
    const fake = Object.setPrototypeOf({ 0: 1 }, Uint8Array.prototype);
    expect(() => decodeSafetensors(fake)).toThrow(/bytes must be a Uint8Array or ArrayBuffer/);
  });

  it('wrong options objects are named, not read through (null options used to be a TypeError)', () => {
    const rt = runtimes[0];
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
    expect(() => gru.stepper(null as never)).toThrow(ValueError);
    expect(() => new SGD(gru.slab, null as never)).toThrow(
      /SGD options .* must be an options object but got null/,
    );
    gru.dispose();
  });
});

describe('issue 17: names, unknown options, text that is not text', () => {
  it('error classes carry literal names, so a minified bundle still prints DataError:', () => {
    for (const [type, name] of [
      [WasmRnnError, 'WasmRnnError'],
      [ShapeError, 'ShapeError'],
      [ValueError, 'ValueError'],
      [BackendError, 'BackendError'],
      [MemoryLimitError, 'MemoryLimitError'],
      [FormatError, 'FormatError'],
      [DataError, 'DataError'],
      [NonFiniteError, 'NonFiniteError'],
    ] as const) {
      // A minifier renames the class: its name must not be where the error's name comes from.
      Object.defineProperty(type, 'name', { value: 's', configurable: true });
      const error =
        type === NonFiniteError ? new NonFiniteError('m', 1, 'loss') : new (type as typeof ValueError)('m');
      expect(String(error)).toBe(`${name}: m`);
      expect(error.stack?.startsWith(`${name}: m`)).toBe(true);
      Object.defineProperty(type, 'name', { value: name, configurable: true });
    }
  });

  it('a message is capped at about 300 characters and says what it cut', () => {
    const long = new ValueError(`x${'y'.repeat(3_000_000)}z`);
    expect(long.message.length).toBeLessThan(MAX_MESSAGE + 40);
    expect(long.message).toMatch(/^xy+ … \[2999\d{3} characters cut\] … y+z$/);
  });

  it('describe() never calls what a value controls: a toString that is not a function is not called', () => {
    const hostile = { toString: 1, valueOf: 1, constructor: { name: { toString: 1 } } };
    expect(describeValue(hostile)).toBe('Object');
    expect(describeValue(Object.create(null))).toBe('object');
    expect(describeValue(Symbol('s'))).toBe('a symbol');
    expect(describeValue(new Float32Array(3))).toBe('Float32Array(3)');
    expect(() => new Dense(runtimes[0], { inFeatures: hostile as never, outFeatures: 1 })).toThrow(
      /inFeatures must be an integer > 0 but got Object/,
    );
  });

  it('unknown option keys are refused, a near miss with the key it meant', () => {
    const rt = runtimes[0];
    expect(() => new GRU(rt, { inputSize: 2, hiddenSzie: 3 } as never)).toThrow(
      /GRU options: unknown option "hiddenSzie"; did you mean hiddenSize\?/,
    );
    expect(() => new Dense(rt, { inFeatures: 2, outFeatures: 2, validationSplit: 0.1 } as never)).toThrow(
      /unknown option "validationSplit"; it takes inFeatures, outFeatures, bias, seed, slab, prefix/,
    );
    const d = new Dense(rt, { inFeatures: 2, outFeatures: 2 });
    expect(() => new Adam(d.params.slab, { betas: [0.9, 0.99], weightDecy: 1 } as never)).toThrow(
      /did you mean weightDecay\?/,
    );
    d.dispose();
  });

  it('TextModel.fit refuses binary and mis-decoded text, naming what it found and where', async () => {
    const rt = runtimes[1];
    const train = (text: string) => TextModel.fit(rt, text, { hiddenSize: 4, steps: 1, seqLength: 4 });
    await expect(train(`hello\u0000world`.repeat(5))).rejects.toThrow(
      /looks binary: it holds a NUL character \(U\+0000\) at index 5/,
    );
    await expect(train(`caf\ufffd au lait `.repeat(5))).rejects.toThrow(
      /U\+FFFD at index 3, the mark a decoder leaves/,
    );
    await expect(train('\u0001\u0002\u0003abc'.repeat(20))).rejects.toThrow(
      /60 of its 120 characters are control characters/,
    );
    await expect(train('tabs\tand\nnewlines\r\n are text. '.repeat(5))).resolves.toBeDefined();
  });
});
