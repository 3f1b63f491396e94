// CsvLogger and JsonlLogger write, per epoch, exactly what fit()'s history holds (parsed back, every number equal),
// to a sink function in any runtime and to a file from the Node entry, where append continues a log without a
// second header and no append starts it anew. Bad targets and options are refused by name.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CsvLogger,
  type EpochEvent,
  JsonlLogger,
  type Runtime,
  SequenceModel,
  Trainer,
  ValueError,
} from '../bindings/index.node.ts';
import { CsvLogger as AnyRuntimeCsvLogger } from '../bindings/train/loggers.ts';
import { loadRuntime } from './helpers/backends.ts';
import { charLstm, countingTask } from './helpers/tasks.ts';

let rt: Runtime;
let dir = '';
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-loggers-'));
});

async function train(callbacks: object[], epochs = 3, validation = true) {
  const model = new SequenceModel(rt, charLstm(5));
  const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 0.02 } });
  const history = await trainer.fit(countingTask(24, 5, 5), {
    epochs,
    batchSize: 8,
    ...(validation ? { validation: countingTask(8, 5, 5, 7) } : {}),
    callbacks,
  });
  model.dispose();
  return history.epochs;
}

/** A sink function and the text it received. */
function collect() {
  const parts: string[] = [];
  return {
    sink: (text: string) => {
      parts.push(text);
    },
    parts,
    text: () => parts.join(''),
  };
}

/** The history's epochs under the loggers' (Keras's) names. */
const keras = (e: EpochEvent) => ({
  epoch: e.epoch,
  loss: e.loss,
  ...(e.valLoss === undefined ? {} : { val_loss: e.valLoss }),
  ...(e.valAccuracy === undefined ? {} : { val_accuracy: e.valAccuracy }),
  lr: e.lr,
  seconds: e.seconds,
  tokens_per_second: e.tokensPerSecond,
});

function parseCsv(text: string, separator = ','): Record<string, number>[] {
  const [header, ...rows] = text.trimEnd().split('\n');
  const columns = header.split(separator);
  return rows.map((r) => Object.fromEntries(r.split(separator).map((v, i) => [columns[i], Number(v)])));
}

describe('CsvLogger and JsonlLogger', () => {
  it('write to a sink what the history holds, number for number', async () => {
    const csv = collect();
    const jsonl = collect();
    const epochs = await train([new CsvLogger(csv.sink), new JsonlLogger(jsonl.sink)]);
    expect(csv.text().split('\n')[0]).toBe('epoch,loss,val_loss,val_accuracy,lr,seconds,tokens_per_second');
    expect(parseCsv(csv.text())).toEqual(epochs.map(keras));
    const records = jsonl.text().trimEnd().split('\n');
    expect(records.map((l) => JSON.parse(l))).toEqual(epochs.map(keras));
    // One write per epoch, the header with the first.
    expect(csv.parts).toHaveLength(3);
    expect(jsonl.parts).toHaveLength(3);
    expect(epochs.every((e) => e.valLoss! > 0)).toBe(true);
  });

  it('leave out validation columns without validation, honour a separator, and skip the header with append', async () => {
    const csv = collect();
    const epochs = await train([new CsvLogger(csv.sink, { separator: ';' })], 2, false);
    expect(csv.text().split('\n')[0]).toBe('epoch;loss;lr;seconds;tokens_per_second');
    expect(parseCsv(csv.text(), ';')).toEqual(epochs.map(keras));
    const appended = collect();
    await train([new CsvLogger(appended.sink, { append: true })], 2);
    expect(appended.text().split('\n')[0]).toMatch(/^1,\d/);
    expect(appended.text().trimEnd().split('\n')).toHaveLength(2);
  });

  it('write files from the Node entry: a new log replaces the old, append continues it', async () => {
    const csvPath = join(dir, 'log.csv');
    const jsonlPath = join(dir, 'log.jsonl');
    await writeFile(csvPath, 'stale\n');
    const first = await train([new CsvLogger(csvPath), new JsonlLogger(jsonlPath)], 2);
    expect(parseCsv(await readFile(csvPath, 'utf8'))).toEqual(first.map(keras));
    const second = await train(
      [new CsvLogger(csvPath, { append: true }), new JsonlLogger(jsonlPath, { append: true })],
      2,
    );
    const both = [...first, ...second].map(keras);
    const text = await readFile(csvPath, 'utf8');
    expect(text.match(/^epoch,/gm)).toHaveLength(1);
    expect(parseCsv(text)).toEqual(both);
    const lines = (await readFile(jsonlPath, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(both);
    // append to a file that does not exist yet starts it with a header.
    const fresh = join(dir, 'fresh.csv');
    const third = await train([new CsvLogger(fresh, { append: true })], 1);
    expect(parseCsv(await readFile(fresh, 'utf8'))).toEqual(third.map(keras));
  });

  it('refuse a bad target or option by name', () => {
    expect(() => new AnyRuntimeCsvLogger('log.csv' as never)).toThrow(
      /CsvLogger: target must be a function .* but got "log.csv"; a file path needs Node/,
    );
    expect(() => new JsonlLogger(42 as never)).toThrow(ValueError);
    expect(() => new CsvLogger(() => {}, { separator: '"' })).toThrow(/separator must be a character/);
    expect(() => new CsvLogger(() => {}, { append: 'yes' as never })).toThrow(
      'CsvLogger: append must be a boolean but got "yes"',
    );
    expect(() => new JsonlLogger(() => {}, { apend: true } as never)).toThrow(/did you mean append\?/);
  });
});
