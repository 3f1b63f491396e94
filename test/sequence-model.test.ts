// SequenceModel + Trainer against PyTorch (scripts/fixtures/sequence_model.py): the same nn.Module parameter
// names, the loss and every gradient of a first step, and every parameter after three optimizer steps (with
// clipping), for token / embedding / feature inputs, all four cells, per-step / last / attention pooling, one or
// two layers and directions, and every loss kind; on every backend.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { SequenceModel, type SequenceModelOptions } from '../bindings/model/index.ts';
import { type LossSpec, type OptimizerSpec, Trainer } from '../bindings/train/index.ts';
import bi from './fixtures/model/embedding_gru_bi_last_weighted.json' with { type: 'json' };
import huber from './fixtures/model/features_lstm_bi_last_huber.json' with { type: 'json' };
import bce from './fixtures/model/features_relu_none_bce.json' with { type: 'json' };
import attention from './fixtures/model/features_rnn_attention_mse.json' with { type: 'json' };
import xent from './fixtures/model/tokens_lstm_l2_none_xent.json' with { type: 'json' };
import { BACKENDS, loadRuntime } from './helpers/backends.ts';

type Backend = (typeof BACKENDS)[number];
const runtimes = {} as Record<Backend, Runtime>;
beforeAll(async () => {
  for (const b of BACKENDS) runtimes[b] = await loadRuntime(b);
});

interface Fixture {
  name: string;
  config: unknown;
  loss: unknown;
  optimizer: unknown;
  clip: { norm?: number; value?: number };
  T: number;
  B: number;
  inputs: number[];
  targets: number[];
  initial: Record<string, number[]>;
  losses: number[];
  grads: Record<string, number[]>;
  final: Record<string, number[]>;
}

const FIXTURES = [xent, bi, attention, huber, bce] as Fixture[];

function setup(rt: Runtime, f: Fixture) {
  const config = f.config as SequenceModelOptions;
  const model = new SequenceModel(rt, config);
  model.setWeights(f.initial);
  const trainer = new Trainer(model, {
    loss: f.loss as LossSpec,
    optimizer: f.optimizer as OptimizerSpec,
    clip: f.clip,
  });
  const ids = !('features' in config.input);
  const I = 'features' in config.input ? config.input.features : 0;
  const inputs = ids
    ? { data: Int32Array.from(f.inputs), shape: [f.T, f.B] }
    : { data: Float32Array.from(f.inputs), shape: [f.T, f.B, I] };
  const O = config.head.outputSize;
  const rows = model.perStep ? [f.T, f.B] : [f.B];
  const classes = (f.loss as { kind: string }).kind === 'cross_entropy';
  const targets = classes
    ? { data: Int32Array.from(f.targets), shape: rows }
    : { data: Float32Array.from(f.targets), shape: [...rows, O] };
  return { model, trainer, batch: { inputs, targets } };
}

const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  expect(worst, what).toBeLessThanOrEqual(tol);
};

describe.each(BACKENDS)('SequenceModel training steps against PyTorch on %s', (backend) => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_, f) => {
    const rt = runtimes[backend];
    const { model, trainer, batch } = setup(rt, f);
    expect(model.slab.entries.map((e) => e.name)).toEqual(Object.keys(f.initial));
    const loss = trainer.computeGradients(batch);
    // Measured worst over the three backends: loss 7e-8, gradient 6e-8, final weight 4.4e-7; the bounds leave
    // a margin of about 5 for other hardware's relaxed FMAs and nothing for a formula or rounding step off.
    expect(Math.abs(loss - f.losses[0])).toBeLessThanOrEqual(5e-7 * (1 + f.losses[0]));
    const grads = model.gradients();
    for (const [name, want] of Object.entries(f.grads)) close(grads[name], want, 5e-7, `grad ${name}`);
    trainer.applyGradients();
    for (let s = 1; s < f.losses.length; s++) {
      const l = trainer.step(batch);
      expect(Math.abs(l - f.losses[s]), `loss of step ${s + 1}`).toBeLessThanOrEqual(
        5e-7 * (1 + f.losses[s]),
      );
    }
    const final = model.getWeights();
    for (const [name, want] of Object.entries(f.final)) close(final[name], want, 2e-6, `final ${name}`);
    trainer.dispose();
    model.dispose();
  });
});
