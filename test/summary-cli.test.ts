// `wasm-rnn info MODEL` on every kind of model file the CLI reads (text model, forecaster, classifier, plain
// SequenceModel and Seq2Seq from saveModel): it names the kind and prints the same summary the library gives;
// a layer file and a file that is no model are refused in one line.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Forecaster,
  LSTM,
  type Runtime,
  Seq2Seq,
  SequenceClassifier,
  SequenceModel,
  saveLayer,
  saveModel,
  TextModel,
} from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { cli } from './helpers/cli.ts';

let dir = '';
let rt: Runtime;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-info-'));
  rt = await loadRuntime('ts');
});

async function save(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** info prints the kind line, then exactly String(summary) of the model the file holds (backend ts here). */
async function expectInfo(path: string, holds: string, model: { summary(): { toString(): string } }) {
  const r = await cli('info', path, '--backend', 'ts');
  expect(r.code, r.err).toBe(0);
  expect(r.out).toBe(`${path}: ${holds}\n${String(model.summary())}\n`);
}

describe('wasm-rnn info', () => {
  it('summarises a text model, a classifier and a forecaster', async () => {
    const text = new TextModel(rt, 'abcd '.repeat(40), { hiddenSize: 8, seed: 1 });
    await expectInfo(
      await save('text.safetensors', text.save()),
      'a text model (wasm-rnn train FILE.txt)',
      text.model,
    );
    text.dispose();

    const sequences = Array.from({ length: 12 }, (_, i) =>
      Float32Array.from({ length: 6 }, (_, t) => (i % 2 ? t : -t)),
    );
    const labels = Int32Array.from(sequences, (_, i) => i % 2);
    const classifier = await SequenceClassifier.fit(sequences, labels, {
      runtime: rt,
      hiddenSize: 4,
      epochs: 1,
      seed: 1,
    });
    await expectInfo(
      await save('classify.safetensors', classifier.save()),
      'a sequence classifier',
      classifier.model,
    );
    classifier.dispose();

    const series = Float32Array.from({ length: 80 }, (_, t) => Math.sin(t / 3));
    const forecaster = await Forecaster.fit(series, {
      runtime: rt,
      hiddenSize: 4,
      lookback: 8,
      horizon: 2,
      epochs: 1,
      seed: 1,
    });
    await expectInfo(
      await save('forecast.safetensors', forecaster.save()),
      'a forecaster (wasm-rnn train FILE.csv)',
      forecaster.model,
    );
    forecaster.dispose();
  });

  it('summarises plain SequenceModel and Seq2Seq files, and --json gives the structured summary', async () => {
    const model = new SequenceModel(rt, {
      input: { embedding: { vocabSize: 30, dim: 4 } },
      recurrent: { cell: 'gru', hiddenSize: 5, numLayers: 2, bidirectional: true },
      pooling: 'last',
      head: { outputSize: 3 },
    });
    const path = await save('model.safetensors', saveModel(model));
    await expectInfo(path, 'a SequenceModel (saveModel)', model);
    const json = await cli('info', path, '--json', '--backend', 'ts');
    expect(json.code, json.err).toBe(0);
    const parsed = JSON.parse(json.out);
    const { toString: _, ...summary } = model.summary();
    expect(parsed).toEqual({ file: path, holds: 'a SequenceModel (saveModel)', ...summary });
    model.dispose();

    const s2s = new Seq2Seq(rt, {
      source: { tokens: 9 },
      target: { tokens: 7 },
      recurrent: { cell: 'lstm', hiddenSize: 6 },
      bos: 0,
      eos: 1,
    });
    await expectInfo(await save('s2s.safetensors', saveModel(s2s)), 'a Seq2Seq (saveModel)', s2s);
    s2s.dispose();
  });

  it('refuses a layer file and a file that is not a model, in one line', async () => {
    const options = { inputSize: 2, hiddenSize: 3 };
    const layer = new LSTM(rt, options);
    const layerPath = await save('layer.safetensors', saveLayer(layer, 'LSTM', options));
    layer.dispose();
    const r = await cli('info', layerPath);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`${layerPath} holds a single LSTM layer (saveLayer), not a model`);
    const textPath = join(dir, 'notes.txt');
    await writeFile(textPath, 'hello');
    const t = await cli('info', textPath);
    expect(t.code).not.toBe(0);
    expect(t.err.trim().split('\n')).toHaveLength(1);
    expect(t.err).toContain('is not a wasm-rnn model file');
    expect((await cli('info', '--help')).out).toContain('Usage: wasm-rnn info');
  });
});
