// The model-file fuzz (issues 8 and 17), short version: the first 1,500 cases of the fixed-seed corpus
// (scripts/fuzz/corpus.ts; the full run is `npm run fuzz`, 10,000 cases per loader) against loadLayer on the ts
// and wasm-simd backends, 500 SequenceModel files against loadModel, 200 each of checkpoints (resumeTrainer),
// TextModel, SequenceClassifier, Seq2Seq and forecaster files, and the hostile files that found bugs in the loaders, each as
// a regression test (issue 17's are in load-hardening.test.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { MANIFEST_KEY } from '../bindings/io/manifest.ts';
import { loadLayer, saveLayer } from '../bindings/io/model-file.ts';
import { loadModel, saveModel } from '../bindings/io/model-save.ts';
import { decodeSafetensors, encodeSafetensors } from '../bindings/io/safetensors.ts';
import { GRU } from '../bindings/model/gru.ts';
import { SequenceModel } from '../bindings/model/sequence-model.ts';
import { joinFile } from '../scripts/fuzz/bytes.ts';
import { FUZZ_SEED, fuzzCase } from '../scripts/fuzz/corpus.ts';
import { runFuzz } from '../scripts/fuzz/harness.ts';
import { modelFiles } from '../scripts/fuzz/model-bases.ts';
import { modelFileTarget, modelTarget } from '../scripts/fuzz/model-file-target.ts';
import { BYTE_MUTATORS, SCRATCH } from '../scripts/fuzz/mutate-bytes.ts';
import { HEADER_MUTATORS, nested } from '../scripts/fuzz/mutate-header.ts';
import { MANIFEST_MUTATORS } from '../scripts/fuzz/mutate-manifest.ts';
import { SECTION_MUTATORS } from '../scripts/fuzz/mutate-section.ts';
import { STATE_MUTATORS } from '../scripts/fuzz/mutate-state.ts';
import { FUZZ_TARGETS } from '../scripts/fuzz/targets.ts';
import { heapAfterGc } from '../scripts/gc.ts';
import { loadRuntime } from './helpers/backends.ts';

let runtimes: Runtime[];
beforeAll(async () => {
  runtimes = [await loadRuntime('ts'), await loadRuntime('wasm-simd')];
});

const MB = 2 ** 20;

describe('fuzzing loadLayer with the fixed-seed corpus', () => {
  it('generates each case from (seed, index) alone', () => {
    for (const i of [0, 17, 1234]) expect(fuzzCase(FUZZ_SEED, i).bytes).toEqual(fuzzCase(FUZZ_SEED, i).bytes);
    expect(fuzzCase(FUZZ_SEED, 1).bytes).not.toEqual(fuzzCase(FUZZ_SEED + 1, 1).bytes);
  });

  it('1,500 mutated, truncated and hostile files: each a FormatError or a valid model, < 1 s, memory in proportion', () => {
    const heapBefore = heapAfterGc();
    const report = runFuzz({
      target: modelFileTarget(runtimes),
      seed: FUZZ_SEED,
      count: 1500,
      expected: FormatError,
    });
    const heapGrowth = heapAfterGc() - heapBefore;
    expect(report.failures).toEqual([]);
    expect(report.files).toBe(1500);
    expect(Object.keys(report.errors)).toEqual(['FormatError']);
    // Both outcomes occur in numbers: the corpus is neither all garbage nor all valid.
    expect(report.valid).toBeGreaterThan(100);
    expect(report.errors.FormatError).toBeGreaterThan(1000);
    // Every mutation the corpus knows was exercised at least once.
    const families = Object.keys(report.families);
    for (const [level, mutators] of [
      ['bytes', BYTE_MUTATORS],
      ['header', HEADER_MUTATORS],
      ['manifest', MANIFEST_MUTATORS],
      ['section', SECTION_MUTATORS],
      ['scratch', SCRATCH],
    ] as const) {
      for (const name of Object.keys(mutators))
        expect(families, `${level}:${name}`).toContain(`${level}:${name}`);
    }
    expect(report.maxMs).toBeLessThan(1000);
    expect(report.maxMemoryRatio).toBeLessThanOrEqual(4);
    expect(report.linearEnd - report.linearStart).toBeLessThanOrEqual(4 * report.maxFileBytes + MB);
    expect(heapGrowth).toBeLessThan(32 * MB);
  });

  it('500 mutated SequenceModel files (saveModel) through loadModel: each a FormatError or a valid model', async () => {
    const source = modelFiles(await loadRuntime('ts'));
    const report = runFuzz({
      target: modelTarget(runtimes),
      source,
      seed: FUZZ_SEED,
      count: 500,
      expected: FormatError,
    });
    expect(report.failures).toEqual([]);
    expect(Object.keys(report.errors)).toEqual(['FormatError']);
    expect(report.valid).toBeGreaterThan(50);
    expect(report.maxMs).toBeLessThan(1000);
    expect(report.maxMemoryRatio).toBeLessThanOrEqual(4);
  });

  it.each(['checkpoint', 'text', 'classifier', 'seq2seq', 'forecaster'])(
    '200 mutated %s files: each a typed refusal or exactly what the file states, none leaking',
    async (name) => {
      const { source, target, expected } = await FUZZ_TARGETS[name](runtimes, await loadRuntime('ts'));
      const report = runFuzz({ target, source, seed: FUZZ_SEED, count: 200, expected, limitMs: 1000 });
      expect(report.failures).toEqual([]);
      // Every loader, Forecaster.load too, refuses a file only with a FormatError naming the field.
      expect(report.errors.FormatError).toBeGreaterThan(100);
      expect(Object.keys(report.errors)).toEqual(['FormatError']);
      expect(report.valid).toBeGreaterThan(10);
      expect(report.maxMs).toBeLessThan(1000);
      if (name === 'checkpoint') {
        // The training state's own mutators all ran, on its fields and anywhere in it.
        const families = Object.keys(report.families);
        for (const m of Object.keys(STATE_MUTATORS)) expect(families).toContain(`state:${m}`);
        for (const m of Object.keys(SECTION_MUTATORS)) expect(families).toContain(`stateSection:${m}`);
      }
    },
  );
});

/** A file holding no tensors and the given manifest. */
const manifestFile = (manifest: object | string) =>
  encodeSafetensors(
    {},
    { [MANIFEST_KEY]: typeof manifest === 'string' ? manifest : JSON.stringify(manifest) },
  );
const rnnManifest = (options: object) => ({
  format: 'wasm-rnn',
  version: 1,
  architecture: { kind: 'RNN', options },
  tensors: {},
});

describe('hostile files the fuzzer found (regressions)', () => {
  it('a shape or offsets nested 100,000 deep is a FormatError, not a stack overflow in the message', () => {
    const deep = nested(100_000, false);
    for (const field of ['shape', 'data_offsets']) {
      const entry = { dtype: 'F32', shape: [0], data_offsets: [0, 0], [field]: '@' };
      const bytes = joinFile(JSON.stringify({ w: entry }).replace('"@"', deep), new Uint8Array(0));
      expect(() => loadLayer(runtimes[0], bytes)).toThrow(FormatError);
      expect(() => loadLayer(runtimes[0], bytes)).toThrow(/\[\[\[\[\[\[\[\[…/);
    }
    const manifest = JSON.stringify(rnnManifest({ inputSize: 1, hiddenSize: 1 })).replace(
      '"tensors":{}',
      `"tensors":{"w":${deep}}`,
    );
    // A manifest is refused by its depth before it is parsed, so no reader of it recurses that deep.
    expect(() => loadLayer(runtimes[0], manifestFile(manifest))).toThrow(
      /manifest holds arrays or objects nested deeper than 65 levels/,
    );
  });

  it('numLayers 10^9 in a 200-byte file is refused before 4·10^9 tensor names are listed', () => {
    const bytes = manifestFile(rnnManifest({ inputSize: 1, hiddenSize: 1, numLayers: 1e9 }));
    const used = runtimes[0].arena.usedBytes;
    const t0 = performance.now();
    expect(() => loadLayer(runtimes[0], bytes)).toThrow(/ask for 4000000000 tensors but the file holds 0/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(runtimes[0].arena.usedBytes).toBe(used);
  });

  it('a header claiming a 4 TB tensor in a tiny file is refused without allocating for it', () => {
    const bytes = joinFile(
      JSON.stringify({ w: { dtype: 'F32', shape: [1e6, 1e6], data_offsets: [0, 4e12] } }),
      new Uint8Array(16),
    );
    const buffers = process.memoryUsage().arrayBuffers;
    expect(() => loadLayer(runtimes[1], bytes)).toThrow(
      /ends at byte 4000000000000 but the data buffer has 16/,
    );
    expect(process.memoryUsage().arrayBuffers - buffers).toBeLessThan(MB);
  });

  it("an 'orthogonal' init in a file is not redrawn on load (O(H³) for weights the file replaces)", () => {
    // Drawing that init takes seconds at H = 768 (which is why the file is written from a uniform-init layer).
    const options = { inputSize: 1, hiddenSize: 768, init: { recurrent: 'orthogonal' as const } };
    const gru = new GRU(runtimes[1], { inputSize: 1, hiddenSize: 768 });
    const bytes = saveLayer(gru, 'GRU', options);
    const t0 = performance.now();
    const loaded = loadLayer(runtimes[1], bytes);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(loaded.manifest.architecture.options).toEqual(options);
    const [a, b] = [loaded.layer.getWeights().weight_hh_l0, gru.getWeights().weight_hh_l0];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    gru.dispose();
    (loaded.layer as GRU).dispose();
  });

  it('a SequenceModel file with a tensor its architecture does not name is refused (loadModel ignored it)', () => {
    const model = new SequenceModel(runtimes[0], {
      input: { features: 2 },
      recurrent: { cell: 'gru', hiddenSize: 3 },
      head: { outputSize: 1 },
    });
    const file = decodeSafetensors(saveModel(model));
    const tensors = {
      ...file.tensors,
      'rnn.weight_ih_l9': { dtype: 'F32' as const, shape: [1], data: Float32Array.of(1) },
    };
    const bytes = encodeSafetensors(tensors, { ...file.metadata });
    expect(() => loadModel(runtimes[0], bytes)).toThrow(/weights: unexpected tensor "rnn.weight_ih_l9"/);
    model.dispose();
  });

  it('a manifest naming a key twice is a FormatError, as a header doing so is', () => {
    const text = JSON.stringify(rnnManifest({ inputSize: 1, hiddenSize: 1 })).replace(
      '"kind":"RNN"',
      '"kind":"LSTM","kind":"RNN"',
    );
    expect(() => loadLayer(runtimes[0], manifestFile(text))).toThrow(/manifest names "kind" twice/);
  });

  it('saveLayer refuses a cyclic or absurdly deep extra with a ValueError, not a RangeError', () => {
    const gru = new GRU(runtimes[0], { inputSize: 1, hiddenSize: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => saveLayer(gru, 'GRU', { inputSize: 1, hiddenSize: 1 }, cyclic)).toThrow(ValueError);
    expect(() => saveLayer(gru, 'GRU', { inputSize: 1, hiddenSize: 1 }, cyclic)).toThrow(
      /nested deeper than 64/,
    );
    gru.dispose();
  });
});
