// `wasm-rnn train --checkpoint FILE --every N` and `--resume FILE`: four epochs in one run end bit for bit where
// two epochs, a checkpoint and two resumed epochs end (weights, and the whole model file); a checkpoint every
// epoch is the state of that epoch; files of another kind, another text or flags the checkpoint fixes are
// refused in one line before training.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  type Runtime,
  readTrainingState,
  resumeTrainer,
  SequenceModel,
  TextModel,
  Trainer,
} from '../bindings/index.node.ts';
import { cli } from './helpers/cli.ts';

let dir = '';
let text = '';
let rt: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-ckpt-'));
  text = join(dir, 'rhyme.txt');
  await writeFile(text, 'the cat sat on the mat; the dog ran in the fog. '.repeat(40));
  rt = await init({ backend: 'wasm-simd' });
});

const small = ['--hidden', '12', '--seq-length', '16', '--batch-size', '8', '--backend', 'wasm-simd', '-q'];
const path = (name: string) => join(dir, name);

function weightsOf(bytes: Uint8Array): Record<string, Float32Array> {
  const m = TextModel.load(rt, bytes);
  const w = m.model.getWeights();
  m.dispose();
  return w;
}

describe('train --checkpoint / --resume', () => {
  it('4 epochs == 2 epochs, checkpoint, resume for 2 more (bit-identical)', async () => {
    const whole = await cli('train', text, ...small, '--epochs', '4', '--out', path('whole.safetensors'));
    expect(whole.code, whole.err).toBe(0);
    const half = await cli(
      'train',
      text,
      ...small,
      '--epochs',
      '2',
      '--out',
      path('half.safetensors'),
      '--checkpoint',
      path('run.ckpt'),
      '--every',
      '2',
    );
    expect(half.code, half.err).toBe(0);
    const state = readTrainingState(await readFile(path('run.ckpt')));
    expect(state.epochs).toBe(2);
    expect(state.optimizer.kind).toBe('adam');
    expect(state.optimizer.step).toBe(state.steps);
    const resumed = await cli(
      'train',
      text,
      '--epochs',
      '2',
      '--out',
      path('resumed.safetensors'),
      '--resume',
      path('run.ckpt'),
      '--backend',
      'wasm-simd',
      '-q',
    );
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/continued from .*run\.ckpt/);
    const a = await readFile(path('whole.safetensors'));
    const b = await readFile(path('resumed.safetensors'));
    const wa = weightsOf(a);
    const wb = weightsOf(b);
    for (const name of Object.keys(wa)) expect(wb[name], name).toEqual(wa[name]);
    // Half the run is not the whole: the comparison can fail.
    const wh = weightsOf(await readFile(path('half.safetensors')));
    expect(wh['rnn.weight_hh_l0']).not.toEqual(wa['rnn.weight_hh_l0']);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('a checkpoint every epoch holds that epoch; the last one written is the final epoch', async () => {
    const r = await cli(
      'train',
      text,
      ...small,
      '--epochs',
      '3',
      '--out',
      path('three.safetensors'),
      '--checkpoint',
      path('every.ckpt'),
    );
    expect(r.code, r.err).toBe(0);
    const state = readTrainingState(await readFile(path('every.ckpt')));
    expect(state.epochs).toBe(3);
    expect(state.epochBatch).toBe(0);
    const { trainer } = resumeTrainer(rt, await readFile(path('every.ckpt')));
    const final = weightsOf(await readFile(path('three.safetensors')));
    expect(trainer.model.getWeights()['rnn.weight_ih_l0']).toEqual(final['rnn.weight_ih_l0']);
    trainer.dispose();
    (trainer.model as SequenceModel).dispose();
  });

  it('refuses a model file, a library checkpoint, another text and fixed flags, in one line', async () => {
    await cli('train', text, ...small, '--steps', '3', '--out', path('plain.safetensors'));
    const lib = new SequenceModel(rt, {
      input: { features: 2 },
      recurrent: { cell: 'gru', hiddenSize: 3 },
      head: { outputSize: 1 },
    });
    const t = new Trainer(lib, { loss: 'mse', optimizer: { kind: 'sgd', lr: 0.1 } });
    await writeFile(path('lib.ckpt'), t.checkpoint());
    t.dispose();
    lib.dispose();
    const other = path('other.txt');
    await writeFile(other, 'a different text, with other words in it. '.repeat(40));
    await cli(
      'train',
      text,
      ...small,
      '--steps',
      '2',
      '--out',
      path('x.safetensors'),
      '--checkpoint',
      path('x.ckpt'),
    );
    const cases: [number, RegExp, string[]][] = [
      [
        2,
        /--resume \S*plain\.safetensors: a text model file, not a training checkpoint; give a file written by wasm-rnn train --checkpoint$/,
        ['train', text, '--resume', path('plain.safetensors')],
      ],
      [
        2,
        /--resume \S*lib\.ckpt: a checkpoint of a library Trainer, not of wasm-rnn train on a text/,
        ['train', text, '--resume', path('lib.ckpt')],
      ],
      [2, /--resume \S*rhyme\.txt: not a wasm-rnn checkpoint/, ['train', text, '--resume', text]],
      [
        2,
        /--resume \S*x\.ckpt continues a run on another text \(1920 characters\) than \S*other\.txt \(1680\); give the same FILE/,
        ['train', other, '--resume', path('x.ckpt')],
      ],
      [
        2,
        /--hidden is fixed by the checkpoint \S*x\.ckpt, whose run --resume continues; leave it out/,
        ['train', text, '--resume', path('x.ckpt'), '--hidden', '8'],
      ],
      [2, /--every N needs --checkpoint FILE/, ['train', text, '--every', '2']],
      [
        2,
        /--checkpoint is for text models, but \S*\.csv trains a forecaster/,
        ['train', path('s.csv'), '--checkpoint', path('c.ckpt')],
      ],
      [
        2,
        /\S*x\.ckpt is a training checkpoint; continue it with wasm-rnn train FILE --resume/,
        ['generate', path('x.ckpt')],
      ],
    ];
    await writeFile(path('s.csv'), 'v\n1\n2\n3\n');
    for (const [code, message, argv] of cases) {
      const out = path(`refused-${code}-${Math.random().toString(36).slice(2)}.safetensors`);
      const r = await cli(...argv, ...(argv[0] === 'train' ? ['--out', out] : []));
      expect(r.code, r.err).toBe(code);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(r.err.trim()).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});
