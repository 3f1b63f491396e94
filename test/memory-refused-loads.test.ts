// Refused files leave nothing behind: 2,000 refused loads of each kind — refused before anything is built, and
// refused after the model (or the trainer's parts) was built, which must then be freed — leave linear memory,
// the arena's live bytes and the JS heap as they were. TextModel.load and resumeTrainer used to build the model
// before their last checks and keep it: +58.7 MB and +10.6 MB of linear memory over 2,000 refusals.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { MANIFEST_KEY } from '../bindings/io/manifest.ts';
import { loadLayer, saveLayer } from '../bindings/io/model-file.ts';
import { loadModel, loadSeq2Seq, saveModel } from '../bindings/io/model-save.ts';
import { decodeSafetensors, encodeSafetensors } from '../bindings/io/safetensors.ts';
import { GRU } from '../bindings/model/gru.ts';
import { SequenceModel, type SequenceModelOptions } from '../bindings/model/index.ts';
import { Seq2Seq } from '../bindings/model/seq2seq.ts';
import { SequenceClassifier } from '../bindings/tasks/sequence-classifier.ts';
import { TextModel } from '../bindings/tasks/text-model.ts';
import { saveTask } from '../bindings/tasks/training.ts';
import { resumeTrainer } from '../bindings/train/resume.ts';
import { Trainer } from '../bindings/train/trainer.ts';
import { TRAINING_KEY } from '../bindings/train/training-state.ts';
import { joinFile, parseHeader, splitFile } from '../scripts/fuzz/bytes.ts';
import { loadRuntime } from './helpers/backends.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap plus ArrayBuffer stores after full collections (see memory.test.ts for why the pauses). */
async function jsBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

const edit = (bytes: Uint8Array, key: string, change: (text: string) => string) => {
  const raw = splitFile(bytes);
  const header = parseHeader(raw);
  const meta = header.__metadata__ as Record<string, string>;
  header.__metadata__ = { ...meta, [key]: change(meta[key]) };
  return joinFile(JSON.stringify(header), raw.data);
};

const TOKENS: SequenceModelOptions = {
  input: { tokens: 6 },
  recurrent: { cell: 'lstm', hiddenSize: 16 },
  pooling: 'none',
  head: { outputSize: 6 },
};

/** A checkpoint of one step of a stateful LSTM (with its carried state). */
function checkpoint(): Uint8Array {
  const model = new SequenceModel(rt, TOKENS);
  const trainer = new Trainer(model, {
    loss: 'cross_entropy',
    optimizer: 'adam',
    schedule: { kind: 'step', stepSize: 2 },
  });
  const ids = Int32Array.from({ length: 8 }, (_, i) => i % 6);
  trainer.step(
    { inputs: { data: ids, shape: [4, 2] }, targets: { data: ids, shape: [4, 2] } },
    { stateful: true },
  );
  const bytes = trainer.checkpoint();
  trainer.dispose();
  model.dispose();
  return bytes;
}

/** Hostile files, each with the loader that refuses it; "after" ones are refused once something was built. */
function cases(): [string, () => unknown][] {
  const gru = new GRU(rt, { inputSize: 3, hiddenSize: 8 });
  const layer = saveLayer(gru, 'GRU', { inputSize: 3, hiddenSize: 8 });
  gru.dispose();
  const nanLayer = decodeSafetensors(layer);
  nanLayer.tensors.weight_hh_l0.data[5] = Number.NaN;
  const model = new SequenceModel(rt, TOKENS);
  const modelFile = saveModel(model);
  model.dispose();
  const s2s = new Seq2Seq(rt, {
    source: { tokens: 5 },
    target: { tokens: 5 },
    recurrent: { cell: 'gru', hiddenSize: 8 },
    bos: 0,
    eos: 1,
  });
  const s2sFile = saveModel(s2s);
  s2s.dispose();
  const text = new TextModel(rt, 'abcdefabcdef', { hiddenSize: 16 });
  const textFile = text.save();
  text.dispose();
  const classifier = new SequenceModel(rt, {
    input: { features: 2 },
    recurrent: { cell: 'gru', hiddenSize: 8 },
    pooling: 'last',
    head: { outputSize: 3 },
  });
  const classifierFile = saveTask(classifier, 'classify', { classNames: ['a', 'b'] });
  classifier.dispose();
  const ckpt = checkpoint();
  const host = new SequenceModel(rt, TOKENS);
  const trainer = new Trainer(host, {
    loss: 'cross_entropy',
    optimizer: 'adam',
    schedule: { kind: 'step', stepSize: 2 },
  });
  const other = new SequenceModel(rt, { ...TOKENS, recurrent: { cell: 'lstm', hiddenSize: 8 } });
  const otherTrainer = new Trainer(other, {
    loss: 'cross_entropy',
    optimizer: 'adam',
    schedule: { kind: 'step', stepSize: 2 },
  });
  const foreign = otherTrainer.checkpoint();
  otherTrainer.dispose();
  other.dispose();
  const expectRefusal = (f: () => unknown) => () => expect(f).toThrow(FormatError);
  return [
    [
      'loadLayer, a NaN weight',
      expectRefusal(() => loadLayer(rt, encodeSafetensors(nanLayer.tensors, nanLayer.metadata))),
    ],
    [
      'loadModel, an unknown option',
      expectRefusal(() =>
        loadModel(
          rt,
          edit(modelFile, MANIFEST_KEY, (t) =>
            t.replace('"hiddenSize":16', '"hiddenSize":16,"hiddenSzie":8'),
          ),
        ),
      ),
    ],
    ['loadSeq2Seq, a file of another kind', expectRefusal(() => loadSeq2Seq(rt, modelFile))],
    [
      'loadSeq2Seq, 1e9 for a weight',
      expectRefusal(() => {
        const f = decodeSafetensors(s2sFile);
        f.tensors['decoder.head.bias'].data[0] = 1e9;
        return loadSeq2Seq(rt, encodeSafetensors(f.tensors, f.metadata));
      }),
    ],
    [
      'TextModel.load, a vocabulary holding a character twice',
      expectRefusal(() =>
        TextModel.load(
          rt,
          edit(textFile, MANIFEST_KEY, (t) => t.replace('"chars":["a"', '"chars":["b"')),
        ),
      ),
    ],
    [
      'SequenceClassifier.load, two names for three classes',
      expectRefusal(() => SequenceClassifier.load(rt, classifierFile)),
    ],
    [
      'resumeTrainer, a dropout state of zeros',
      expectRefusal(() =>
        resumeTrainer(
          rt,
          edit(ckpt, TRAINING_KEY, (t) => t.replace(/"dropout":\[[^\]]*\]/, '"dropout":[0,0,0,5]')),
        ),
      ),
    ],
    // Refused after the model and the trainer's loss, optimizer and guard were built: all freed.
    [
      'resumeTrainer (after building), a step size of 0 in its schedule',
      expectRefusal(() =>
        resumeTrainer(
          rt,
          edit(ckpt, TRAINING_KEY, (t) => t.replace('"stepSize":2', '"stepSize":0')),
        ),
      ),
    ],
    ['trainer.restore, a checkpoint of another architecture', expectRefusal(() => trainer.restore(foreign))],
  ];
}

describe('2,000 refused loads of each kind leave memory flat', () => {
  it('linear memory, the arena and the JS heap', async () => {
    const all = cases();
    for (const [, load] of all) load(); // warm-up: the JIT and any workspace sized once
    const linear = rt.memory.buffer.byteLength;
    const used = rt.arena.usedBytes;
    const before = await jsBytes();
    const growth: string[] = [];
    for (const [name, load] of all) {
      const u = rt.arena.usedBytes;
      for (let i = 0; i < 2000; i++) load();
      if (rt.arena.usedBytes !== u) growth.push(`${name}: ${rt.arena.usedBytes - u} bytes`);
    }
    expect(growth).toEqual([]);
    expect(rt.arena.usedBytes).toBe(used);
    expect(rt.memory.buffer.byteLength).toBe(linear);
    // 18,000 refusals: a leak of one 64-byte object each would show as 1.1 MB.
    const grown = (await jsBytes()) - before;
    expect(grown, `JS heap grew by ${(grown / 2 ** 20).toFixed(2)} MB`).toBeLessThan(2 * 2 ** 20);
  });
});
