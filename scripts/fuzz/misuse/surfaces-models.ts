// Misuse surfaces of the composed models and the Trainer (landed from the trainer branch): SequenceModel's
// constructor and predict, the Trainer's constructor, step, evaluate and restore, saveModel/loadModel.

import { loadModel, saveModel } from '../../../bindings/io/model-save.ts';
import { SequenceModel, type SequenceModelOptions } from '../../../bindings/model/index.ts';
import type { Runtime } from '../../../bindings/runtime/runtime.ts';
import { Trainer } from '../../../bindings/train/trainer.ts';
import { type Surface, surface } from './runner.ts';

const OPTIONS: SequenceModelOptions = {
  input: { features: 2 },
  recurrent: { cell: 'gru', hiddenSize: 3, numLayers: 2 },
  pooling: 'last',
  head: { outputSize: 2 },
  seed: 5,
};
const T = 4;
const B = 3;
const inputs = () => ({
  data: Float32Array.from({ length: T * B * 2 }, (_, i) => Math.cos(i) / 2),
  shape: [T, B, 2],
});
const targets = () => ({ data: Float32Array.from({ length: B * 2 }, (_, i) => i / 6), shape: [B, 2] });
const TRAINER = { loss: 'mse', optimizer: { kind: 'adam', lr: 0.01 }, clip: { norm: 1 }, seed: 2 } as const;

interface ModelCtx {
  rt: Runtime;
  model: SequenceModel;
  weights: string;
  trainer?: Trainer;
  made?: { dispose(): void };
}

const modelCtx = (rt: Runtime): ModelCtx => {
  const model = new SequenceModel(rt, OPTIONS);
  return { rt, model, weights: JSON.stringify(Object.values(model.getWeights()).map((w) => [...w])) };
};
/** A trainer that took one step already, so its workspaces are sized and a refused step allocates nothing. */
const trainerCtx = (rt: Runtime): ModelCtx => {
  const model = new SequenceModel(rt, OPTIONS);
  const trainer = new Trainer(model, TRAINER);
  trainer.step({ inputs: inputs(), targets: targets() });
  return {
    rt,
    model,
    trainer,
    weights: JSON.stringify(Object.values(model.getWeights()).map((w) => [...w])),
  };
};
const unchanged = (ctx: ModelCtx, refused: boolean) => {
  const now = JSON.stringify(Object.values(ctx.model.getWeights()).map((w) => [...w]));
  if (refused && now !== ctx.weights) throw new Error('a refused call changed the weights');
  ctx.model.predict(inputs());
};
const teardown = (ctx: ModelCtx) => {
  ctx.made?.dispose();
  ctx.trainer?.dispose();
  ctx.model.dispose();
};

export const MODEL_SURFACES: readonly Surface[] = [
  surface<{ rt: Runtime; made?: SequenceModel }>({
    name: 'new SequenceModel',
    setup: (rt) => ({ rt }),
    args: () => [
      // The model builds its layers from these options; a size too large is named as the layer's (head.outputSize
      // as the head's outFeatures).
      {
        name: 'options',
        value: OPTIONS,
        aliases: ['SequenceModel options', 'inputSize', 'inFeatures', 'outFeatures', 'numEmbeddings'],
      },
    ],
    call: (ctx, [options]) => {
      ctx.made = new SequenceModel(ctx.rt, options as SequenceModelOptions);
    },
    teardown: (ctx) => ctx.made?.dispose(),
  }),
  surface<ModelCtx>({
    name: 'SequenceModel.predict',
    setup: modelCtx,
    args: () => [
      { name: 'inputs', value: inputs() },
      { name: 'options', value: { lengths: Int32Array.of(4, 2, 3) } },
    ],
    call: (ctx, [x, o]) => ctx.model.predict(x as never, o as never),
    check: unchanged,
    teardown,
  }),
  surface<ModelCtx>({
    name: 'new Trainer',
    setup: modelCtx,
    args: (ctx) => [
      { name: 'model', value: ctx.model },
      { name: 'options', value: TRAINER, aliases: ['loss', 'optimizer', 'clip', 'Trainer options'] },
    ],
    call: (ctx, [model, options]) => {
      ctx.made = new Trainer(model as SequenceModel, options as never);
    },
    check: unchanged,
    teardown,
  }),
  surface<ModelCtx>({
    name: 'Trainer.step',
    setup: trainerCtx,
    args: () => [
      {
        name: 'batch',
        value: { inputs: inputs(), targets: targets() },
        // Huge values are refused after the forward pass by the trainer's NaN/Inf guard, which names the step.
        aliases: ['step'],
      },
      { name: 'options', value: { stateful: false } },
    ],
    call: (ctx, [batch, o]) => ctx.trainer!.step(batch as never, o as never),
    check: unchanged,
    teardown,
  }),
  surface<ModelCtx>({
    name: 'Trainer.restore',
    setup: trainerCtx,
    args: (ctx) => [
      {
        name: 'bytes',
        value: ctx.trainer!.checkpoint(),
        aliases: ['checkpoint', 'safetensors', 'model file'],
      },
    ],
    call: (ctx, [bytes]) => ctx.trainer!.restore(bytes as Uint8Array),
    check: unchanged,
    teardown,
  }),
  surface<ModelCtx>({
    name: 'saveModel + loadModel',
    setup: modelCtx,
    args: (ctx) => [
      { name: 'model', value: ctx.model },
      { name: 'extra', value: { vocabulary: ['a', 'b'] } },
      { name: 'rt', value: ctx.rt, aliases: ['runtime'] },
    ],
    call: (ctx, [model, extra, rt]) => {
      ctx.made = loadModel(rt as Runtime, saveModel(model as SequenceModel, extra as never)).model;
    },
    teardown,
  }),
];
