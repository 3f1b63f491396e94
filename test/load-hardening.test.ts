// Issue 17's classes of hostile files, one regression each, through every loader outside the forecaster:
// messages that would convert a hostile object, nesting 100,000 deep, a tensor named "__proto__", training
// state no run writes, weights no run writes, headers past their limits, options that re-ran initialisation,
// and the one decode per file of resumeTrainer. Every refusal is a FormatError of at most ~300 characters.

import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, MAX_MESSAGE } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { MANIFEST_KEY } from '../bindings/io/manifest.ts';
import { loadLayer, saveLayer } from '../bindings/io/model-file.ts';
import { loadModel, saveModel } from '../bindings/io/model-save.ts';
import { decodeSafetensors, encodeSafetensors } from '../bindings/io/safetensors.ts';
import { MAX_METADATA_ENTRIES, MAX_TENSORS } from '../bindings/io/safetensors-header.ts';
import { GRU } from '../bindings/model/gru.ts';
import { SequenceModel, type SequenceModelOptions } from '../bindings/model/index.ts';
import { SequenceClassifier } from '../bindings/tasks/sequence-classifier.ts';
import { TextModel } from '../bindings/tasks/text-model.ts';
import { saveTask } from '../bindings/tasks/training.ts';
import { resumeTrainer } from '../bindings/train/resume.ts';
import { Trainer } from '../bindings/train/trainer.ts';
import { TRAINING_KEY } from '../bindings/train/training-state.ts';
import { joinFile, parseHeader, splitFile } from '../scripts/fuzz/bytes.ts';
import { nested } from '../scripts/fuzz/mutate-header.ts';
import { loadRuntime } from './helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

/** The FormatError `f` throws, checked short enough to be one line. */
function refusal(f: () => unknown): FormatError {
  try {
    f();
  } catch (error) {
    expect(error, (error as Error)?.stack).toBeInstanceOf(FormatError);
    expect((error as Error).message.length).toBeLessThanOrEqual(MAX_MESSAGE + 20);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}

/** `bytes` with metadata `key` rewritten by `edit` (given the parsed JSON, returning text). */
function withSection(bytes: Uint8Array, key: string, edit: (json: Record<string, unknown>) => string) {
  const raw = splitFile(bytes);
  const header = parseHeader(raw);
  const meta = header.__metadata__ as Record<string, string>;
  header.__metadata__ = { ...meta, [key]: edit(JSON.parse(meta[key])) };
  return joinFile(JSON.stringify(header), raw.data);
}

const MODEL: SequenceModelOptions = {
  input: { tokens: 5 },
  recurrent: { cell: 'lstm', hiddenSize: 3 },
  pooling: 'none',
  head: { outputSize: 5 },
};
const HOSTILE = '{"toString":1,"valueOf":1}';

describe('manifest values that a message would convert', () => {
  const gruFile = () => {
    const gru = new GRU(rt, { inputSize: 2, hiddenSize: 3 });
    const bytes = saveLayer(gru, 'GRU', { inputSize: 2, hiddenSize: 3, init: { recurrent: 'uniform' } });
    gru.dispose();
    return bytes;
  };
  const modelFile = () => {
    const m = new SequenceModel(rt, MODEL);
    const bytes = saveModel(m);
    m.dispose();
    return bytes;
  };

  it.each([
    ['format', (m: Record<string, unknown>) => ({ ...m, format: '@' })],
    ['version', (m: Record<string, unknown>) => ({ ...m, version: '@' })],
    [
      'architecture kind',
      (m: Record<string, unknown>) => ({ ...m, architecture: { kind: '@', options: {} } }),
    ],
    [
      'an option',
      (m: Record<string, unknown>) => ({
        ...m,
        architecture: { kind: 'RNN', options: { inputSize: 2, hiddenSize: 3, nonlinearity: '@' } },
      }),
    ],
    [
      'an init entry',
      (m: Record<string, unknown>) => ({
        ...m,
        architecture: { kind: 'GRU', options: { inputSize: 2, hiddenSize: 3, init: { recurrent: '@' } } },
      }),
    ],
  ])('%s holding an object whose toString is not a function: a FormatError', (_, edit) => {
    const bytes = withSection(gruFile(), MANIFEST_KEY, (m) =>
      JSON.stringify(edit(m)).replace('"@"', HOSTILE),
    );
    refusal(() => loadLayer(rt, bytes));
  });

  it('the cell kind, a vocabulary and class names holding such objects: FormatErrors', () => {
    const cell = withSection(modelFile(), MANIFEST_KEY, (m) =>
      JSON.stringify(m).replace('"cell":"lstm"', `"cell":${HOSTILE}`),
    );
    refusal(() => loadModel(rt, cell));
    const text = new TextModel(rt, 'abcab', { hiddenSize: 2 });
    const vocab = withSection(text.save(), MANIFEST_KEY, (m) =>
      JSON.stringify(m).replace('"chars":[', `"chars":[${HOSTILE},`),
    );
    text.dispose();
    expect(refusal(() => TextModel.load(rt, vocab)).message).toMatch(
      /chars must be an array of single characters/,
    );
    const level = withSection(new TextModel(rt, 'ab').save(), MANIFEST_KEY, (m) =>
      JSON.stringify(m).replace('"level":"char"', `"level":${HOSTILE}`),
    );
    expect(refusal(() => TextModel.load(rt, level)).message).toMatch(
      /level must be 'char' or 'word' but is Object/,
    );
  });

  it('init.recurrent nested 100,000 deep: refused by its depth before it is parsed, no stack overflow', () => {
    const bytes = withSection(gruFile(), MANIFEST_KEY, (m) =>
      JSON.stringify(m).replace('"recurrent":"uniform"', `"recurrent":${nested(100_000, false)}`),
    );
    expect(refusal(() => loadLayer(rt, bytes)).message).toMatch(/nested deeper than 65 levels/);
  });

  it('an option named near a real one is refused with the name it meant', () => {
    const bytes = withSection(gruFile(), MANIFEST_KEY, (m) =>
      JSON.stringify(m).replace('"hiddenSize":3', '"hiddenSize":3,"hiddenSzie":8'),
    );
    expect(refusal(() => loadLayer(rt, bytes)).message).toMatch(
      /unknown option "hiddenSzie"; did you mean hiddenSize\?/,
    );
  });
});

describe('tensor names and header limits', () => {
  it('a tensor named "__proto__" is refused as unknown by every loader (it used to vanish)', () => {
    const m = new SequenceModel(rt, MODEL);
    const file = decodeSafetensors(saveModel(m));
    m.dispose();
    const text = JSON.stringify({ dtype: 'F32', shape: [1], data_offsets: [0, 4] });
    const raw = splitFile(encodeSafetensors(file.tensors, file.metadata));
    const header = raw.header.trimEnd();
    // Shift every offset by 4: the new tensor is first in the data buffer.
    const shifted = JSON.parse(header, (k, v) => (k === 'data_offsets' ? v.map((x: number) => x + 4) : v));
    const data = new Uint8Array(raw.data.length + 4);
    data.set(raw.data, 4);
    const bytes = joinFile(JSON.stringify(shifted).replace(/^\{/, `{"__proto__":${text},`), data);
    expect(Object.keys(decodeSafetensors(bytes).tensors)).toContain('__proto__');
    expect(refusal(() => loadModel(rt, bytes)).message).toMatch(/unexpected tensor "__proto__"/);
  });

  it(`more than ${MAX_METADATA_ENTRIES} metadata entries or ${MAX_TENSORS} tensors: refused in well under a second`, () => {
    const m = new SequenceModel(rt, MODEL);
    const raw = splitFile(saveModel(m));
    m.dispose();
    const header = parseHeader(raw);
    const meta = { ...(header.__metadata__ as Record<string, string>) };
    // 300,000 keys: 4 MB; a million (13 MB) took 3-17 s to refuse, most of it in JSON.parse.
    for (let i = 0; i < 300_000; i++) meta[`k${i}`] = 'v';
    const many = joinFile(JSON.stringify({ ...header, __metadata__: meta }), raw.data);
    expect(many.length).toBeGreaterThan(4e6);
    let t0 = performance.now();
    expect(refusal(() => loadModel(rt, many)).message).toMatch(
      /limited to 10000 tensors and 1024 metadata entries/,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    const tensors: Record<string, unknown> = { ...header };
    for (let i = 0; i < MAX_TENSORS + 1; i++)
      tensors[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    t0 = performance.now();
    refusal(() => loadModel(rt, joinFile(JSON.stringify(tensors), raw.data)));
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('weights no training run writes', () => {
  const file = (value: number) => {
    const gru = new GRU(rt, { inputSize: 1, hiddenSize: 2 });
    const w = gru.getWeights();
    w.weight_hh_l0[3] = value;
    gru.setWeights(w);
    const bytes = saveLayer(gru, 'GRU', { inputSize: 1, hiddenSize: 2 });
    gru.dispose();
    return bytes;
  };

  it('|w| past 1e6 is refused (3.4e38 made every output Inf without a word); maxAbsWeight: Infinity accepts it', () => {
    expect(refusal(() => loadLayer(rt, file(3.4e38))).message).toMatch(
      /weight_hh_l0\[3\] is 3\.\d+e\+38, beyond ±1000000 .*maxAbsWeight: Infinity/,
    );
    const loaded = loadLayer(rt, file(3.4e38), { maxAbsWeight: Infinity });
    expect(loaded.layer.getWeights().weight_hh_l0[3]).toBeCloseTo(3.4e38, -33);
    (loaded.layer as GRU).dispose();
    expect(() => loadLayer(rt, file(2), { maxAbsWeight: 1 })).toThrow(/beyond ±1/);
    expect(() => loadLayer(rt, file(1), { maxAbsWeight: -1 })).toThrow(
      /maxAbsWeight must be a positive number/,
    );
    expect(() => loadLayer(rt, file(1), { maxAbsWieght: 1 } as never)).toThrow(/did you mean maxAbsWeight/);
  });

  it('a model whose file keeps the orthogonal init loads without drawing it (it took seconds at H = 768)', () => {
    const options: SequenceModelOptions = {
      input: { features: 1 },
      recurrent: { cell: 'gru', hiddenSize: 768 },
      head: { outputSize: 1 },
    };
    const m = new SequenceModel(rt, options);
    const bytes = withSection(saveModel(m), MANIFEST_KEY, (j) =>
      JSON.stringify(j).replace('"cell":"gru"', '"cell":"gru","init":{"recurrent":"orthogonal"}'),
    );
    const t0 = performance.now();
    const loaded = loadModel(rt, bytes);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(loaded.model.config.recurrent.init).toEqual({ recurrent: 'orthogonal' });
    const [a, b] = [loaded.model.getWeights()['rnn.weight_hh_l0'], m.getWeights()['rnn.weight_hh_l0']];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    loaded.model.dispose();
    m.dispose();
  });
});

describe('checkpoint training state', () => {
  const checkpoint = (stateful = false) => {
    const model = new SequenceModel(rt, { ...MODEL, recurrent: { cell: 'gru', hiddenSize: 3 } });
    const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: 'adam' });
    const batch = {
      inputs: { data: Int32Array.of(1, 2, 3, 4), shape: [2, 2] },
      targets: { data: Int32Array.of(2, 3, 4, 0), shape: [2, 2] },
    };
    trainer.step(batch, { stateful });
    const bytes = trainer.checkpoint();
    trainer.dispose();
    model.dispose();
    return bytes;
  };
  const edited = (edit: (s: Record<string, unknown>) => void) =>
    withSection(checkpoint(true), TRAINING_KEY, (s) => {
      edit(s);
      return JSON.stringify(s);
    });

  it.each([
    [
      'steps as a string',
      (s: Record<string, unknown>) => (s.steps = '3'),
      /steps must be an integer ≥ 0 but got "3"/,
    ],
    ['negative steps', (s: Record<string, unknown>) => (s.steps = -1), /steps must be an integer ≥ 0/],
    ['fractional steps', (s: Record<string, unknown>) => (s.steps = 1.5), /steps must be an integer ≥ 0/],
    ['negative epochs', (s: Record<string, unknown>) => (s.epochs = -1), /epochs must be an integer ≥ 0/],
    [
      'epoch sums holding strings',
      (s: Record<string, unknown>) => (s.epochStats = { lossSum: '1', counted: 1, tokens: 1 }),
      /epochStats.lossSum/,
    ],
    [
      'a dropout generator of zeros',
      (s: Record<string, unknown>) => (s.dropout = [0, 0, 0, 1]),
      /generator state of zeros/,
    ],
    [
      'dropout words past 32 bits',
      (s: Record<string, unknown>) => (s.dropout = [2 ** 40, 1, 2, 3]),
      /dropout must be the generator's 4 words/,
    ],
    [
      'an optimizer buffer it does not keep',
      (s: Record<string, unknown>) => ((s.optimizer as { buffers: string[] }).buffers = ['exp_avg']),
      /optimizer.buffers must name exp_avg, exp_avg_sq/,
    ],
    ['no optimizer', (s: Record<string, unknown>) => delete s.optimizer, /has no optimizer/],
    ['an unknown field', (s: Record<string, unknown>) => (s.stpes = 1), /unknown field "stpes"/],
  ])('%s: a FormatError naming the field', (_, edit, message) => {
    const bytes = edited(edit);
    expect(refusal(() => resumeTrainer(rt, bytes)).message).toMatch(message);
  });

  it('what the full fuzz found: a plateau schedule at an epoch it never counts, a word vocabulary without lower', () => {
    const model = new SequenceModel(rt, MODEL);
    const trainer = new Trainer(model, { loss: 'cross_entropy', schedule: { kind: 'plateau' } });
    const plateau = withSection(trainer.checkpoint(), TRAINING_KEY, (s) =>
      JSON.stringify(s).replace('"kind":"plateau","epoch":0', '"kind":"plateau","epoch":5'),
    );
    trainer.dispose();
    model.dispose();
    expect(refusal(() => resumeTrainer(rt, plateau)).message).toMatch(
      /plateau schedule is always 0 but is 5/,
    );
    const words = new TextModel(rt, 'the cat sat on the mat', { level: 'word', hiddenSize: 2 });
    const noLower = withSection(words.save(), MANIFEST_KEY, (j) =>
      JSON.stringify(j).replace(',"lower":false', ''),
    );
    words.dispose();
    expect(refusal(() => TextModel.load(rt, noLower)).message).toMatch(
      /lower must be true or false but is undefined/,
    );
  });

  it('duplicate keys and NaN carried state are refused', () => {
    const dup = withSection(checkpoint(), TRAINING_KEY, (s) =>
      JSON.stringify(s).replace('"steps":', '"steps":5,"steps":'),
    );
    expect(refusal(() => resumeTrainer(rt, dup)).message).toMatch(/names "steps" twice/);
    const file = decodeSafetensors(checkpoint(true));
    const h = file.tensors['carried.h'].data;
    h[0] = Number.NaN;
    const bytes = encodeSafetensors(file.tensors, file.metadata);
    expect(refusal(() => resumeTrainer(rt, bytes)).message).toMatch(
      /carried state: weights: carried.h\[0\] is NaN/,
    );
  });

  it('resumeTrainer decodes the file once (it decoded it four times)', () => {
    let views = 0;
    // readHeader takes one subarray of the file per decode; a subclass counts them.
    class Counting extends Uint8Array {
      override subarray(begin?: number, end?: number) {
        views++;
        return super.subarray(begin, end);
      }
    }
    const bytes = checkpoint();
    const counting = new Counting(bytes.length);
    counting.set(bytes);
    const { trainer } = resumeTrainer(rt, counting);
    expect(views).toBe(1);
    trainer.dispose();
    trainer.model.dispose();
  });
});

describe('task files', () => {
  it('a classifier file whose class names do not match its outputs is refused before a model is built', () => {
    const model = new SequenceModel(rt, {
      input: { features: 2 },
      recurrent: { cell: 'gru', hiddenSize: 2 },
      pooling: 'last',
      head: { outputSize: 3 },
    });
    const bytes = saveTask(model, 'classify', { classNames: ['a', 'b'] });
    model.dispose();
    const used = rt.arena.usedBytes;
    expect(refusal(() => SequenceClassifier.load(rt, bytes)).message).toMatch(/classNames must be 3 strings/);
    expect(rt.arena.usedBytes).toBe(used);
  });

  it("a text model's level, step count and vocabulary are what fit could have written", () => {
    const m = new TextModel(rt, 'abcab', { hiddenSize: 2 });
    const bytes = m.save();
    m.dispose();
    const edit = (from: string, to: string) =>
      withSection(bytes, MANIFEST_KEY, (j) => JSON.stringify(j).replace(from, to));
    expect(refusal(() => TextModel.load(rt, edit('"level":"char"', '"level":"Char"'))).message).toMatch(
      /level must be 'char' or 'word'/,
    );
    expect(refusal(() => TextModel.load(rt, edit('"stepsTrained":0', '"stepsTrained":-3'))).message).toMatch(
      /stepsTrained must be an integer ≥ 0/,
    );
    expect(refusal(() => TextModel.load(rt, edit('"chars":["a"', '"chars":["b"'))).message).toMatch(
      /holds "b" twice/,
    );
  });
});
