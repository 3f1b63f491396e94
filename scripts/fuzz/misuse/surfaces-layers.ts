// Misuse surfaces of the layers: constructors, paramSpecs, forward, backward, setWeights, the stepper. Every
// layer context keeps the output of one valid forward, so a check can tell that a refused (or accepted) call
// left the layer computing exactly what it computed before.

import { Dense } from '../../../bindings/model/dense.ts';
import { Embedding } from '../../../bindings/model/embedding.ts';
import { GRU } from '../../../bindings/model/gru.ts';
import { LSTM } from '../../../bindings/model/lstm.ts';
import { AttentionPooling } from '../../../bindings/model/pooling.ts';
import { RNN } from '../../../bindings/model/rnn.ts';
import type { Runtime } from '../../../bindings/runtime/runtime.ts';
import { type Arg, type Surface, surface } from './runner.ts';

interface Layer {
  forward(...args: never[]): unknown;
  backward(...args: never[]): unknown;
  setWeights(record: Record<string, ArrayLike<number>>): void;
  getWeights(): Record<string, Float32Array>;
  gradients(): Record<string, Float32Array>;
  zeroGrad(): void;
  dispose(): void;
}

interface LayerKind {
  readonly name: string;
  create(rt: Runtime, options: never): Layer;
  paramSpecs(options: never): unknown;
  readonly options: Record<string, unknown>;
  /** Valid forward arguments, as named slots. */
  forwardArgs(): Arg[];
  /** Valid backward arguments for the output of forwardArgs(). */
  backwardArgs(): Arg[];
}

const T = 2;
const B = 3;
const ramp = (n: number, scale = 0.1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1) * scale);

function recurrent(
  name: string,
  Make: typeof GRU,
  options: Record<string, unknown>,
  hasCell: boolean,
): LayerKind {
  const {
    inputSize: I,
    hiddenSize: H,
    numLayers: L = 1,
    bidirectional,
    batchFirst,
  } = options as Record<string, number>;
  const D = bidirectional ? 2 : 1;
  const xShape = batchFirst ? [B, T, I] : [T, B, I];
  const state = (n: string) => ramp(L * D * B * H, 0.5).map((v) => v * (n.length + 1));
  return {
    name,
    create: (rt, o) => new Make(rt, o),
    paramSpecs: (o) => Make.paramSpecs(o),
    options,
    forwardArgs: () => [
      { name: 'x', value: { data: ramp(T * B * I), shape: xShape } },
      { name: 'state', value: hasCell ? { h0: state('h0'), c0: state('c0') } : { h0: state('h0') } },
    ],
    backwardArgs: () => [
      {
        name: 'grads',
        value: {
          dOutputs: ramp(T * B * D * H),
          dHn: state('dHn'),
          ...(hasCell ? { dCn: state('dCn') } : {}),
        },
      },
    ],
  };
}

export const LAYER_KINDS: readonly LayerKind[] = [
  recurrent(
    'RNN',
    RNN as unknown as typeof GRU,
    { inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', batchFirst: true },
    false,
  ),
  recurrent(
    'LSTM',
    LSTM as unknown as typeof GRU,
    { inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 3 },
    true,
  ),
  recurrent('GRU', GRU, { inputSize: 2, hiddenSize: 5, bidirectional: true }, false),
  {
    name: 'Dense',
    create: (rt, o) => new Dense(rt, o),
    paramSpecs: (o) => Dense.paramSpecs(o),
    options: { inFeatures: 4, outFeatures: 3, bias: true, seed: 1 },
    forwardArgs: () => [{ name: 'x', value: { data: ramp(T * B * 4), shape: [T, B, 4] } }],
    backwardArgs: () => [{ name: 'dOut', value: { data: ramp(T * B * 3), shape: [T, B, 3] } }],
  },
  {
    name: 'Embedding',
    create: (rt, o) => new Embedding(rt, o),
    paramSpecs: (o) => Embedding.paramSpecs(o),
    options: { numEmbeddings: 6, embeddingDim: 3, paddingIdx: 0 },
    forwardArgs: () => [{ name: 'ids', value: { data: Int32Array.of(1, 5, 0, 2, 2, 3), shape: [T, B] } }],
    backwardArgs: () => [{ name: 'dOut', value: { data: ramp(T * B * 3), shape: [T, B, 3] } }],
  },
  {
    name: 'AttentionPooling',
    create: (rt, o) => new AttentionPooling(rt, o),
    paramSpecs: (o) => AttentionPooling.paramSpecs(o),
    options: { inputSize: 4, bias: true },
    forwardArgs: () => [
      { name: 'h', value: { data: ramp(T * B * 4), shape: [T, B, 4] } },
      { name: 'lengths', value: Int32Array.of(2, 1, 2) },
    ],
    backwardArgs: () => [{ name: 'dOut', value: { data: ramp(B * 4), shape: [B, 4] } }],
  },
];

interface Ctx {
  layer: Layer;
  kind: LayerKind;
  weights: Record<string, Float32Array>;
  /** JSON of one valid forward's result, taken at setup. */
  reference: string;
}

const valid = (args: Arg[]) => args.map((a) => a.value) as never[];
const snapshot = (v: unknown) =>
  JSON.stringify(v, (_, x) => (ArrayBuffer.isView(x) ? Array.from(x as Float32Array) : x));

function layerCtx(rt: Runtime, kind: LayerKind): Ctx {
  const layer = kind.create(rt, kind.options as never);
  const reference = snapshot(layer.forward(...valid(kind.forwardArgs())));
  return { layer, kind, weights: layer.getWeights(), reference };
}

/** The layer's weights are those of setup (unless `changed`), and a valid forward gives the setup's result. */
function healthy(ctx: Ctx, weightsMayChange: boolean): void {
  if (!weightsMayChange && snapshot(ctx.layer.getWeights()) !== snapshot(ctx.weights)) {
    throw new Error('a refused call changed the weights');
  }
  const out = snapshot(ctx.layer.forward(...valid(ctx.kind.forwardArgs())));
  if (!weightsMayChange && out !== ctx.reference) throw new Error('a valid forward now gives another result');
}

function surfacesOf(kind: LayerKind): Surface[] {
  const dispose = (ctx: Ctx) => ctx.layer.dispose();
  return [
    surface<{ rt: Runtime; made?: Layer }>({
      name: `new ${kind.name}`,
      setup: (rt) => ({ rt }),
      args: () => [{ name: 'options', value: kind.options }],
      call: (ctx, [options]) => {
        ctx.made = kind.create(ctx.rt, options as never);
      },
      teardown: (ctx) => ctx.made?.dispose(),
    }),
    surface({
      name: `${kind.name}.paramSpecs`,
      setup: () => undefined,
      args: () => [{ name: 'options', value: kind.options }],
      call: (_, [options]) => kind.paramSpecs(options as never),
    }),
    surface<Ctx>({
      name: `${kind.name}.forward`,
      setup: (rt) => layerCtx(rt, kind),
      args: () => kind.forwardArgs(),
      call: (ctx, args) => ctx.layer.forward(...(args as never[])),
      check: (ctx) => healthy(ctx, false),
      teardown: dispose,
    }),
    surface<Ctx & { grads?: string }>({
      name: `${kind.name}.backward`,
      setup: (rt) => {
        const ctx: Ctx & { grads?: string } = layerCtx(rt, kind);
        ctx.layer.zeroGrad();
        ctx.grads = snapshot(ctx.layer.gradients());
        return ctx;
      },
      args: () => kind.backwardArgs(),
      call: (ctx, args) => ctx.layer.backward(...(args as never[])),
      check: (ctx, refused) => {
        if (refused && snapshot(ctx.layer.gradients()) !== ctx.grads)
          throw new Error('a refused backward changed the gradients');
        healthy(ctx, false);
      },
      teardown: dispose,
    }),
    surface<Ctx>({
      name: `${kind.name}.setWeights`,
      setup: (rt) => layerCtx(rt, kind),
      args: (ctx) => [{ name: 'record', value: ctx.layer.getWeights(), aliases: ['setWeights'] }],
      call: (ctx, [record]) => ctx.layer.setWeights(record as never),
      check: (ctx, refused) => healthy(ctx, !refused),
      teardown: dispose,
    }),
  ];
}

export const LAYER_SURFACES: readonly Surface[] = LAYER_KINDS.flatMap(surfacesOf);
