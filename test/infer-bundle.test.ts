// `wasm-rnn/infer`: the inference entry bundles without any training code (the whole library's entry, bundled
// the same way, does hold it: the check can fail), exports no trainer or optimizer, and runs a saved model.

import { beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../bench/size-bundle.ts';
import * as full from '../bindings/index.node.ts';
import * as infer from '../bindings/infer.node.ts';

/** Source files only training needs: trainer, optimizers, schedules, fit, checkpoints, task models, parallel training. */
const TRAINING = [
  /^bindings\/train\//,
  /^bindings\/tasks\//,
  /^bindings\/parallel\/parallel-(trainer|forward)/,
  /^bindings\/io\/atomic-write/,
];
const training = (inputs: readonly string[]) => inputs.filter((f) => TRAINING.some((re) => re.test(f)));

let inferInputs: readonly string[];
let inferText: string;
let fullInputs: readonly string[];
let fullText: string;
beforeAll(async () => {
  const [a, b] = await Promise.all([
    bundle('bindings/infer.browser.ts'),
    bundle('bindings/index.browser.ts'),
  ]);
  [inferInputs, fullInputs] = [a.inputs, b.inputs];
  inferText = new TextDecoder().decode(a.bytes);
  fullText = new TextDecoder().decode(b.bytes);
}, 60_000);

describe('wasm-rnn/infer', () => {
  it('bundles (esbuild, minified) with no trainer, optimizer, schedule, fit or task code', () => {
    expect(training(inferInputs)).toEqual([]);
    // The same check finds them in the whole library: it is not vacuous.
    for (const f of ['bindings/train/trainer.ts', 'bindings/train/optimizers.ts', 'bindings/train/fit.ts'])
      expect(fullInputs).toContain(f);
    // Words only training code holds (option names, class names) are absent from the bundle's text too.
    const words = [
      'Trainer',
      'beta1',
      'weightDecay',
      'momentum',
      'ReduceLROnPlateau',
      'checkpoint',
      'epochs',
    ];
    expect(words.filter((w) => inferText.includes(w))).toEqual([]);
    expect(words.filter((w) => fullText.includes(w))).toEqual(words);
    // What inference needs is in.
    for (const f of [
      'bindings/io/model-save.ts',
      'bindings/interchange/onnx-import.ts',
      'bindings/model/stepper.ts',
    ])
      expect(inferInputs).toContain(f);
  });

  it('exports loaders, forward, stepper and sampling, and nothing that trains', () => {
    for (const name of [
      'init',
      'loadModel',
      'loadSeq2Seq',
      'loadLayer',
      'importOnnx',
      'importTfjs',
      'Stepper',
    ])
      expect(typeof (infer as Record<string, unknown>)[name], name).toBe('function');
    for (const name of ['sampleToken', 'samplingDistribution', 'argMax', 'greedyDecode', 'beamSearch'])
      expect(typeof (infer as Record<string, unknown>)[name], name).toBe('function');
    for (const name of ['Trainer', 'Adam', 'SGD', 'fit', 'saveModel', 'TextModel', 'ParallelTrainer'])
      expect(infer, name).not.toHaveProperty(name);
  });

  it('runs a model the whole library saved (int8), as the whole library runs it', async () => {
    const trainRt = await full.init({ backend: 'ts' });
    const model = new full.SequenceModel(trainRt, {
      input: { tokens: 9 },
      recurrent: { cell: 'gru', hiddenSize: 8, numLayers: 2 },
      head: { outputSize: 9 },
      seed: 1,
    });
    const bytes = full.saveModel(model, undefined, { dtype: 'int8' });
    const rt = await infer.init({ backend: 'wasm-simd' });
    const loaded = infer.loadModel(rt, bytes).model;
    const x = { data: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
    const reference = full.loadModel(trainRt, bytes).model.predict(x);
    const got = loaded.predict(x);
    expect(got.shape).toEqual([3, 2, 9]);
    for (let i = 0; i < got.data.length; i++) expect(got.data[i]).toBeCloseTo(reference.data[i], 5);
    // Sampling from its logits: the distribution a temperature gives, and a token drawn from it.
    const logits = got.data.subarray(0, 9);
    const p = infer.samplingDistribution(logits, { temperature: 0.5, topK: 3 });
    expect(p.filter((v) => v > 0).length).toBe(3);
    expect(p[infer.argMax(logits)]).toBe(Math.max(...p));
    expect(p[infer.sampleToken(logits, new infer.Random(4), { temperature: 0.5, topK: 3 })]).toBeGreaterThan(
      0,
    );
  });

  it('streams a loaded layer with its Stepper, step for step as its whole-sequence forward', async () => {
    const trainRt = await full.init({ backend: 'ts' });
    const options = { inputSize: 3, hiddenSize: 5, numLayers: 2 };
    const lstm = new full.LSTM(trainRt, { ...options, seed: 2 });
    const rt = await infer.init({ backend: 'wasm-simd' });
    const layer = infer.loadLayer(rt, full.saveLayer(lstm, 'LSTM', options, undefined, { dtype: 'bf16' }))
      .layer as full.LSTM;
    const T = 4;
    const x = Float32Array.from({ length: T * 3 }, (_, i) => Math.cos(i));
    const whole = layer.forward({ data: x, shape: [T, 1, 3] });
    const stepper = layer.stepper();
    for (let t = 0; t < T; t++) {
      const h = stepper.step(x.subarray(3 * t, 3 * t + 3));
      for (let j = 0; j < 5; j++) expect(h[j]).toBeCloseTo(whole.outputs.data[5 * t + j], 6);
    }
  });
});
