// `wasm-rnn train` on a text trains as TextModel.fit does: the same stateful streams (or, with --training
// stateless, shuffled windows), the same held-out checks (--validate-every) and the same kept weights (the best
// check's), so the model file it writes holds bit for bit the weights TextModel.fit ends with, and its valLoss is
// fit's. A run cut mid-pass by --steps, checkpointed and resumed ends where the uninterrupted run ends: the
// checkpoint holds the state the streams carry and the best check so far. A checkpoint from before --training
// resumes on stateless windows, as it trained; a stored best check that does not fit the model is refused.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  type Runtime,
  readManifest,
  readTrainingState,
  resumeTrainer,
  type SequenceModel,
  TextModel,
} from '../bindings/index.node.ts';
import { cli } from './helpers/cli.ts';

let dir = '';
let file = '';
let text = '';
let rt: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-text-'));
  file = join(dir, 'rhyme.txt');
  // 2,400 characters: 5 % held out (120 ≥ 4 windows of 17), 2,280 to train, 18 windows of 16 in a pass over 8 tracks.
  const words = 'the cat sat on the mat; the dog ran in the fog; a bee saw the sea. '.split(' ');
  text = Array.from({ length: 2400 }, (_, i) => words[(i * 7) % words.length])
    .join(' ')
    .slice(0, 2400);
  await writeFile(file, text);
  rt = await init({ backend: 'wasm-simd' });
});

const small = ['--hidden', '12', '--seq-length', '16', '--batch-size', '8', '--backend', 'wasm-simd'];
const path = (name: string) => join(dir, name);

async function weightsOf(out: string): Promise<Record<string, Float32Array>> {
  const m = TextModel.load(rt, await readFile(out));
  const w = m.model.getWeights();
  m.dispose();
  return w;
}

/** The CLI's JSON summary after training with `flags`, and the weights it wrote. */
async function train(name: string, ...flags: string[]) {
  const r = await cli('train', file, ...small, '--json', '--out', path(name), ...flags);
  expect(r.code, r.err).toBe(0);
  return { json: JSON.parse(r.out) as Record<string, unknown>, weights: await weightsOf(path(name)) };
}

describe('train on a text = TextModel.fit', () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ['stateful (the default), checked each pass', ['--steps', '20'], { steps: 20 }],
    [
      'stateful, checked every 3 steps',
      ['--steps', '20', '--validate-every', '3'],
      { steps: 20, validateEvery: 3 },
    ],
    [
      'stateless windows, 2 epochs',
      ['--epochs', '2', '--training', 'stateless'],
      { epochs: 2, training: 'stateless' },
    ],
  ];
  it.each(cases)(
    '%s: the same weights, bit for bit, and the same held-out loss',
    async (_, flags, options) => {
      const cliRun = await train('cli.safetensors', ...flags);
      const { model, summary } = await TextModel.fit(rt, text, {
        hiddenSize: 12,
        seqLength: 16,
        batchSize: 8,
        ...options,
      });
      const lib = model.model.getWeights();
      model.dispose();
      expect(Object.keys(cliRun.weights).sort()).toEqual(Object.keys(lib).sort());
      for (const name of Object.keys(lib)) expect(cliRun.weights[name], name).toEqual(lib[name]);
      expect(summary.validations.length).toBeGreaterThan(1);
      expect(cliRun.json.valLoss).toBe(summary.valLoss);
      expect(cliRun.json.training).toBe(options.training ?? 'stateful');
    },
  );

  it('stateful and stateless train differently (the comparison above can fail)', async () => {
    const a = await train('a.safetensors', '--steps', '6');
    const b = await train('b.safetensors', '--steps', '6', '--training', 'stateless');
    expect(b.weights['rnn.weight_hh_l0']).not.toEqual(a.weights['rnn.weight_hh_l0']);
  });
});

describe('a stateful run cut mid-pass and resumed', () => {
  it('ends bit for bit where the whole run ends, with the same best check', async () => {
    const whole = await train('whole.safetensors', '--steps', '30', '--validate-every', '4');
    // Step 7 of a pass of 18: the streams' state is carried into step 8 through the checkpoint.
    const half = await train(
      'half.safetensors',
      '--steps',
      '7',
      '--validate-every',
      '4',
      '--checkpoint',
      path('half.ckpt'),
    );
    const state = readTrainingState(await readFile(path('half.ckpt')));
    expect(state.epochBatch).toBe(7);
    expect(state.carried).toBeDefined();
    // It keeps the check at step 4, which every run makes, not the one at this run's end (step 7).
    const cliPart = readManifest(await readFile(path('half.ckpt'))).extra?.cli as { best?: { step: number } };
    expect(cliPart.best?.step).toBe(4);
    expect(half.json.bestStep).toBe(7);
    const r = await cli(
      'train',
      file,
      '--steps',
      '23',
      '--validate-every',
      '4',
      '--backend',
      'wasm-simd',
      '--json',
      '--out',
      path('resumed.safetensors'),
      '--resume',
      path('half.ckpt'),
    );
    expect(r.code, r.err).toBe(0);
    const resumed = JSON.parse(r.out) as Record<string, unknown>;
    const wr = await weightsOf(path('resumed.safetensors'));
    for (const name of Object.keys(whole.weights)) expect(wr[name], name).toEqual(whole.weights[name]);
    expect(resumed.valLoss).toBe(whole.json.valLoss);
    expect(resumed.bestStep).toBe(whole.json.bestStep);
    expect(half.weights['rnn.weight_hh_l0']).not.toEqual(whole.weights['rnn.weight_hh_l0']);
  });
});

/** The checkpoint at `from` written again with its command-line part changed by `edit` (as another file would be). */
async function rewritten(
  from: string,
  to: string,
  edit: (cli: Record<string, unknown>) => void,
): Promise<void> {
  const bytes = await readFile(from);
  const extra = { ...readManifest(bytes).extra } as Record<string, unknown>;
  const cliPart = { ...(extra.cli as Record<string, unknown>) };
  edit(cliPart);
  const { trainer } = resumeTrainer(rt, bytes);
  await writeFile(to, trainer.checkpoint({ ...extra, cli: cliPart }));
  trainer.dispose();
  (trainer.model as SequenceModel).dispose();
}

describe('checkpoints of other versions and tampered ones', () => {
  it('a checkpoint without --training (written before it existed) goes on with stateless windows', async () => {
    const whole = await train('sl-whole.safetensors', '--epochs', '2', '--training', 'stateless');
    await train(
      'sl-half.safetensors',
      '--epochs',
      '1',
      '--training',
      'stateless',
      '--checkpoint',
      path('sl.ckpt'),
    );
    await rewritten(path('sl.ckpt'), path('legacy.ckpt'), (c) => {
      delete c.training;
    });
    const r = await cli(
      ...['train', file, '--epochs', '1', '--backend', 'wasm-simd', '--json'],
      ...['--out', path('legacy.safetensors'), '--resume', path('legacy.ckpt')],
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).training).toBe('stateless');
    const w = await weightsOf(path('legacy.safetensors'));
    for (const name of Object.keys(whole.weights)) expect(w[name], name).toEqual(whole.weights[name]);
  });

  it('a stored best check that does not fit the model is refused by name, before training', async () => {
    await train('t.safetensors', '--steps', '8', '--validate-every', '4', '--checkpoint', path('t.ckpt'));
    await rewritten(path('t.ckpt'), path('bad.ckpt'), (c) => {
      const best = c.best as { weights: Record<string, string> };
      best.weights = { ...best.weights, 'rnn.weight_hh_l0': 'AAAA' };
    });
    const r = await cli(
      'train',
      file,
      '--steps',
      '2',
      '--out',
      path('bad.safetensors'),
      '--resume',
      path('bad.ckpt'),
    );
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(
      /^wasm-rnn: --resume \S*bad\.ckpt: its best held-out check's rnn\.weight_hh_l0 is not \d+ float32 values$/,
    );
  });
});
