// `--dtype f32|f16|bf16|int8` on `wasm-rnn train` (text and CSV) and `wasm-rnn import`: the model file holds the
// weights of the same run rounded as the library's saveModel rounds them (test/helpers/dtype-files.ts, on its
// own), is smaller, and generate / forecast read it; a checkpoint stays f32 and resumes; a value outside the
// choices is refused in one line before anything runs. The library's onnxToModelFile / tfjsToModelFile take the
// same option, checked before the import.

import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Forecaster,
  init,
  loadModel,
  onnxToModelFile,
  type Runtime,
  readManifest,
  readTrainingState,
  type SequenceModel,
  TextModel,
  tfjsToModelFile,
  ValueError,
} from '../bindings/index.node.ts';
import { cli } from './helpers/cli.ts';
import { rounded } from './helpers/dtype-files.ts';

let dir = '';
let text = '';
let csv = '';
let rt: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-dtype-'));
  text = join(dir, 'rhyme.txt');
  await writeFile(text, 'the cat sat on the mat; the dog ran in the fog. '.repeat(40));
  csv = join(dir, 'sales.csv');
  const rows = Array.from({ length: 72 }, (_, i) => {
    const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    return `${month},${(100 + 2 * i + 15 * Math.sin((2 * Math.PI * i) / 12)).toFixed(2)}`;
  });
  await writeFile(csv, `month,units\n${rows.join('\n')}\n`);
  rt = await init({ backend: 'wasm-simd' });
});

const path = (name: string) => join(dir, name);
const TEXT_FLAGS = ['--hidden', '12', '--seq-length', '16', '--batch-size', '8', '--steps', '6'];
const CSV_FLAGS = ['--hidden', '8', '--lookback', '12', '--season', '12', '--steps', '10'];
const COMMON = ['--backend', 'wasm-simd', '-q'];

/** What a file of `dtype` must hold: the f32 network's weights, rounded on their own. */
function roundedWeights(model: SequenceModel, dtype: 'f16' | 'bf16' | 'int8'): Record<string, Float32Array> {
  return Object.fromEntries(
    model.slab.entries.map((e) => [e.name, rounded(dtype, e.shape, model.slab.read(e.name))]),
  );
}

describe('wasm-rnn train --dtype', () => {
  it('text: the same run in int8 holds the f32 weights rounded, is smaller, and generates', async () => {
    const f32 = await cli('train', text, ...TEXT_FLAGS, ...COMMON, '--out', path('f32.safetensors'));
    expect(f32.code, f32.err).toBe(0);
    const int8 = await cli(
      'train',
      text,
      ...TEXT_FLAGS,
      ...COMMON,
      '--dtype',
      'int8',
      '--out',
      path('int8.safetensors'),
    );
    expect(int8.code, int8.err).toBe(0);
    const full = new Uint8Array(await readFile(path('f32.safetensors')));
    const small = new Uint8Array(await readFile(path('int8.safetensors')));
    expect(readManifest(full).dtype).toBeUndefined();
    expect(readManifest(small).dtype).toBe('int8');
    expect(small.length).toBeLessThan(0.5 * full.length);
    const exact = TextModel.load(rt, full);
    const loaded = TextModel.load(rt, small);
    expect(loaded.model.getWeights()).toEqual(roundedWeights(exact.model, 'int8'));
    expect(loaded.vocab.toJSON()).toEqual(exact.vocab.toJSON());
    exact.dispose();
    loaded.dispose();
    // info says how the file stores the weights (its summary counts the loaded f32 model's bytes).
    const info = await cli('info', path('int8.safetensors'), '--backend', 'wasm-simd');
    expect(info.out.split('\n')[0]).toBe(
      `${path('int8.safetensors')}: a text model (wasm-rnn train FILE.txt), weights stored as int8 (loaded as f32)`,
    );
    const infoJson = JSON.parse((await cli('info', path('int8.safetensors'), '--json')).out);
    expect(infoJson.dtype).toBe('int8');
    expect(JSON.parse((await cli('info', path('f32.safetensors'), '--json')).out).dtype).toBeUndefined();
    const generated = await cli(
      'generate',
      path('int8.safetensors'),
      '--prompt',
      'the ',
      '--length',
      '20',
      ...COMMON,
    );
    expect(generated.code, generated.err).toBe(0);
    expect(generated.out.length).toBeGreaterThan(20);
  });

  it('CSV: a forecaster in f16 holds the f32 weights rounded, and forecasts', async () => {
    for (const dtype of ['f32', 'f16'])
      expect(
        (await cli('train', csv, ...CSV_FLAGS, ...COMMON, '--dtype', dtype, '--out', path(`${dtype}.fc`)))
          .code,
      ).toBe(0);
    const full = new Uint8Array(await readFile(path('f32.fc')));
    const small = new Uint8Array(await readFile(path('f16.fc')));
    // `--dtype f32` is the default, written without a dtype field: byte for byte the file before the flag.
    expect(readManifest(full).dtype).toBeUndefined();
    expect(readManifest(small).dtype).toBe('f16');
    expect(small.length).toBeLessThan(full.length);
    const exact = Forecaster.load(rt, full);
    const loaded = Forecaster.load(rt, small);
    expect(loaded.model.getWeights()).toEqual(roundedWeights(exact.model, 'f16'));
    exact.dispose();
    loaded.dispose();
    const forecast = await cli(
      'forecast',
      path('f16.fc'),
      '--steps',
      '3',
      '--json',
      '--backend',
      'wasm-simd',
    );
    expect(forecast.code, forecast.err).toBe(0);
    expect(JSON.parse(forecast.out).forecast).toHaveLength(3);
  });

  it('a checkpoint stays f32 (a resumed run continues from exact weights) and resumes', async () => {
    const run = await cli(
      'train',
      text,
      ...TEXT_FLAGS,
      ...COMMON,
      '--dtype',
      'bf16',
      '--out',
      path('bf16.safetensors'),
      '--checkpoint',
      path('run.ckpt'),
    );
    expect(run.code, run.err).toBe(0);
    const checkpoint = new Uint8Array(await readFile(path('run.ckpt')));
    expect(readManifest(checkpoint).dtype).toBeUndefined();
    expect(readTrainingState(checkpoint).steps).toBe(6);
    expect(readManifest(new Uint8Array(await readFile(path('bf16.safetensors')))).dtype).toBe('bf16');
    const resumed = await cli(
      'train',
      text,
      '--steps',
      '2',
      ...COMMON,
      '--resume',
      path('run.ckpt'),
      '--dtype',
      'bf16',
      '--out',
      path('resumed.safetensors'),
    );
    expect(resumed.code, resumed.err).toBe(0);
    expect(readManifest(new Uint8Array(await readFile(path('resumed.safetensors')))).dtype).toBe('bf16');
  });

  it.each([
    ['train', () => [text, '--dtype', 'f64']],
    ['import', () => [text, '--out', path('x.safetensors'), '--dtype', 'int4']],
  ])(
    '%s refuses a dtype outside f32, f16, bf16, int8 in one line, before reading anything',
    async (command, args) => {
      const argv = args();
      const r = await cli(command, ...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const bad = argv[argv.length - 1];
      expect(r.err).toBe(
        `wasm-rnn: option '--dtype <dtype>' argument '${bad}' is invalid. must be one of f32, f16, bf16, int8\n`,
      );
    },
  );

  it('a command that writes no model file refuses --dtype by name', async () => {
    await cli('train', text, ...TEXT_FLAGS, ...COMMON, '--out', path('plain.safetensors'));
    const r = await cli('generate', path('plain.safetensors'), '--dtype', 'int8');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^wasm-rnn: unknown option '--dtype'/);
  });
});

const ONNX = new URL('./fixtures/onnx/import/emb_lstm_bi_hn.onnx', import.meta.url);
const TFJS = new URL('./fixtures/tfjs/emb_bilstm_last_sigmoid/', import.meta.url);

describe('import --dtype, onnxToModelFile / tfjsToModelFile with { dtype }', () => {
  it('wasm-rnn import --dtype int8 writes the ONNX weights rounded', async () => {
    const r = await cli(
      'import',
      ONNX.pathname,
      '--out',
      path('onnx.safetensors'),
      '--dtype',
      'int8',
      ...COMMON,
    );
    expect(r.code, r.err).toBe(0);
    const bytes = new Uint8Array(await readFile(path('onnx.safetensors')));
    expect(readManifest(bytes).dtype).toBe('int8');
    const exact = loadModel(rt, onnxToModelFile(rt, readFileSync(ONNX)));
    const small = loadModel(rt, bytes);
    expect(small.extra.onnx).toEqual(exact.extra.onnx);
    expect(small.model.getWeights()).toEqual(roundedWeights(exact.model, 'int8'));
    exact.model.dispose();
    small.model.dispose();
  });

  it('tfjsToModelFile in each dtype holds the rounded weights', () => {
    const json = readFileSync(new URL('model.json', TFJS)).toString();
    const weights = readFileSync(new URL('weights.bin', TFJS));
    const full = tfjsToModelFile(rt, json, weights);
    const exact = loadModel(rt, full).model;
    for (const dtype of ['f16', 'bf16', 'int8'] as const) {
      const bytes = tfjsToModelFile(rt, json, weights, { dtype });
      expect(readManifest(bytes).dtype).toBe(dtype);
      // int8 pays per matrix row (an f32 scale each, and a header entry per scale tensor): on this fixture's
      // tiny matrices it does not, and the file grows; the halves always shrink.
      if (dtype !== 'int8') expect(bytes.length).toBeLessThan(full.length);
      const loaded = loadModel(rt, bytes).model;
      expect(loaded.getWeights()).toEqual(roundedWeights(exact, dtype));
      loaded.dispose();
    }
    exact.dispose();
  });

  it('a bad dtype is a ValueError naming it, before the file is read (not a FormatError about the bytes)', () => {
    const garbage = new Uint8Array([1, 2, 3]);
    const bad = { dtype: 'q4' } as never;
    expect(() => onnxToModelFile(rt, garbage, bad)).toThrow(ValueError);
    expect(() => onnxToModelFile(rt, garbage, bad)).toThrow(
      /dtype must be one of f32, f16, bf16, int8 but got "q4"/,
    );
    expect(() => tfjsToModelFile(rt, '{', garbage, bad)).toThrow(ValueError);
    expect(() => tfjsToModelFile(rt, '{', garbage, bad)).toThrow(/dtype must be one of/);
  });
});
