// Misuse surfaces of training and the low-level pieces: optimizers, schedules, clipping, the stepper, the
// parameter slab, the arena, the PRNG and tensors.

import { GRU } from '../../../bindings/model/gru.ts';
import { LSTM } from '../../../bindings/model/lstm.ts';
import { ParamSlab } from '../../../bindings/model/slab.ts';
import type { Stepper } from '../../../bindings/model/stepper.ts';
import { Random } from '../../../bindings/random.ts';
import type { Runtime } from '../../../bindings/runtime/runtime.ts';
import { checkTensor, tensor } from '../../../bindings/tensor.ts';
import { clipGradNorm, clipGradValue } from '../../../bindings/train/clip.ts';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from '../../../bindings/train/optimizers.ts';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  ReduceLROnPlateau,
  StepLR,
} from '../../../bindings/train/schedules.ts';
import { type Surface, surface } from './runner.ts';

const SPECS = [
  { name: 'w', shape: [3, 2] },
  { name: 'b', shape: [3] },
];

interface SlabCtx {
  slab: ParamSlab;
  params: string;
}

function slabCtx(rt: Runtime): SlabCtx {
  const slab = new ParamSlab(rt, SPECS);
  slab.write('w', Float32Array.of(1, 2, 3, 4, 5, 6));
  rt.arena.f32At(slab.grads.ptr, slab.size).fill(0.25);
  return { slab, params: slab.read('w').join() };
}

const unchanged = (ctx: SlabCtx, refused: boolean) => {
  if (refused && ctx.slab.read('w').join() !== ctx.params)
    throw new Error('a refused call changed the parameters');
};

type OptimizerClass = new (slab: ParamSlab, options: never) => Optimizer;
const OPTIMIZERS: [string, OptimizerClass, Record<string, unknown>][] = [
  ['SGD', SGD as OptimizerClass, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true }],
  ['Adam', Adam as OptimizerClass, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }],
  ['AdamW', AdamW as OptimizerClass, { lr: 1e-3, betas: [0.8, 0.99], weightDecay: 0.01 }],
  ['Adagrad', Adagrad as OptimizerClass, { lr: 0.01, lrDecay: 0, initialAccumulatorValue: 0.1, eps: 1e-10 }],
  ['RMSprop', RMSprop as OptimizerClass, { lr: 0.01, alpha: 0.99, momentum: 0.5, centered: true }],
];

function optimizerSurfaces([name, Make, options]: (typeof OPTIMIZERS)[number]): Surface[] {
  type Ctx = SlabCtx & { opt: Optimizer };
  const setup = (rt: Runtime): Ctx => {
    const ctx = slabCtx(rt);
    return { ...ctx, opt: new Make(ctx.slab, options as never) };
  };
  const teardown = (ctx: Ctx) => {
    ctx.opt.dispose();
    ctx.slab.free();
  };
  return [
    surface<SlabCtx & { made?: Optimizer }>({
      name: `new ${name}`,
      setup: slabCtx,
      args: (ctx) => [
        { name: 'slab', value: ctx.slab },
        { name: 'options', value: options },
      ],
      call: (ctx, [slab, o]) => {
        ctx.made = new Make(slab as ParamSlab, o as never);
      },
      teardown: (ctx) => {
        ctx.made?.dispose();
        ctx.slab.free();
      },
    }),
    surface<Ctx>({
      name: `${name}.step (lr set by the caller)`,
      setup,
      args: () => [{ name: 'lr', value: 0.01 }],
      call: (ctx, [lr]) => {
        ctx.opt.lr = lr as number;
        ctx.opt.step();
      },
      check: unchanged,
      teardown,
    }),
    surface<Ctx>({
      name: `${name}.loadState`,
      setup,
      args: (ctx) => [{ name: 'state', value: ctx.opt.state(), aliases: ['optimizer state'] }],
      call: (ctx, [state]) => ctx.opt.loadState(state as never),
      teardown,
    }),
  ];
}

interface Schedule {
  step(metric?: number): void;
  state(): unknown;
  loadState(state: never): void;
}

const SCHEDULES: [string, (opt: { lr: number }, options: never) => Schedule, unknown][] = [
  ['StepLR', (o, x) => new StepLR(o, x), { stepSize: 2, gamma: 0.5 }],
  ['ExponentialLR', (o, x) => new ExponentialLR(o, x), { gamma: 0.9 }],
  ['CosineAnnealingLR', (o, x) => new CosineAnnealingLR(o, x), { tMax: 10, etaMin: 0.001 }],
  ['LinearWarmup', (o, x) => new LinearWarmup(o, x), { startFactor: 0.5, endFactor: 1, totalIters: 4 }],
  ['ReduceLROnPlateau', (o, x) => new ReduceLROnPlateau(o, x), { mode: 'min', factor: 0.5, patience: 2 }],
];

const scheduleSurfaces = ([name, make, options]: (typeof SCHEDULES)[number]): Surface[] => [
  surface({
    name: `new ${name}`,
    setup: () => undefined,
    args: () => [
      { name: 'optimizer', value: { lr: 0.1 } },
      { name: 'options', value: options },
    ],
    call: (_, [opt, o]) => make(opt as { lr: number }, o as never).step(1),
  }),
  surface<{ schedule: Schedule }>({
    name: `${name}.loadState`,
    setup: () => ({ schedule: make({ lr: 0.1 }, options as never) }),
    args: (ctx) => [{ name: 'state', value: ctx.schedule.state(), aliases: ['schedule state'] }],
    call: (ctx, [state]) => ctx.schedule.loadState(state as never),
  }),
  // Only the plateau schedule's step takes an argument (the metric).
  ...(name === 'ReduceLROnPlateau'
    ? [
        surface<{ schedule: Schedule }>({
          name: `${name}.step`,
          setup: () => ({ schedule: make({ lr: 0.1 }, options as never) }),
          args: () => [{ name: 'metric', value: 0.5 }],
          call: (ctx, [metric]) => ctx.schedule.step(metric as number),
        }),
      ]
    : []),
];

const clipSurfaces: Surface[] = [
  ['clipGradNorm', clipGradNorm, 'maxNorm'],
  ['clipGradValue', clipGradValue, 'clipValue'],
].map(([name, clip, arg]) =>
  surface<SlabCtx>({
    name: name as string,
    setup: slabCtx,
    args: (ctx) => [
      { name: 'slab', value: ctx.slab },
      { name: arg as string, value: 0.5 },
    ],
    call: (_, [slab, v]) => (clip as (s: ParamSlab, v: number) => unknown)(slab as ParamSlab, v as number),
    check: unchanged,
    teardown: (ctx) => ctx.slab.free(),
  }),
);

interface StepperCtx {
  layer: LSTM;
  stepper: Stepper;
  state: string;
}

const stepperCtx = (rt: Runtime): StepperCtx => {
  const layer = new LSTM(rt, { inputSize: 3, hiddenSize: 2, numLayers: 2 });
  const stepper = layer.stepper({ batchSize: 2 });
  stepper.step(Float32Array.of(0.1, 0.2, 0.3, -0.1, -0.2, -0.3));
  return { layer, stepper, state: JSON.stringify(Object.values(stepper.getState()).map((a) => [...a])) };
};
const stateUnchanged = (ctx: StepperCtx, refused: boolean) => {
  const now = JSON.stringify(Object.values(ctx.stepper.getState()).map((a) => [...a]));
  if (refused && now !== ctx.state) throw new Error('a refused call changed the stepper state');
};
const disposeStepper = (ctx: StepperCtx) => {
  ctx.stepper.dispose();
  ctx.layer.dispose();
};

const stepperSurfaces: Surface[] = [
  surface<{ layer: GRU; made?: Stepper }>({
    name: 'GRU.stepper',
    setup: (rt) => ({ layer: new GRU(rt, { inputSize: 2, hiddenSize: 3 }) }),
    args: () => [{ name: 'options', value: { batchSize: 2 }, aliases: ['batchSize'] }],
    call: (ctx, [o]) => {
      ctx.made = ctx.layer.stepper(o as never);
    },
    teardown: (ctx) => {
      ctx.made?.dispose();
      ctx.layer.dispose();
    },
  }),
  surface<StepperCtx>({
    name: 'Stepper.step',
    setup: stepperCtx,
    args: () => [{ name: 'x', value: Float32Array.of(1, 0, 0, 0, 1, 0) }],
    call: (ctx, [x]) => ctx.stepper.step(x as Float32Array),
    check: stateUnchanged,
    teardown: disposeStepper,
  }),
  surface<StepperCtx>({
    name: 'Stepper.setState',
    setup: stepperCtx,
    args: (ctx) => [{ name: 'state', value: ctx.stepper.getState(), aliases: ['setState'] }],
    call: (ctx, [state]) => ctx.stepper.setState(state as never),
    check: stateUnchanged,
    teardown: disposeStepper,
  }),
];

const lowLevel: Surface[] = [
  surface<{ rt: Runtime; made?: ParamSlab }>({
    name: 'new ParamSlab',
    setup: (rt) => ({ rt }),
    args: () => [{ name: 'specs', value: SPECS }],
    call: (ctx, [specs]) => {
      ctx.made = new ParamSlab(ctx.rt, specs as never);
    },
    teardown: (ctx) => ctx.made?.free(),
  }),
  surface<SlabCtx>({
    name: 'ParamSlab.write',
    setup: slabCtx,
    args: () => [
      { name: 'name', value: 'w', aliases: ['parameter'] },
      { name: 'values', value: Float32Array.of(6, 5, 4, 3, 2, 1), aliases: ['w'] },
    ],
    call: (ctx, [name, values]) => ctx.slab.write(name as string, values as Float32Array),
    check: unchanged,
    teardown: (ctx) => ctx.slab.free(),
  }),
  surface<{ rt: Runtime; region?: { ptr: number; length: number } }>({
    name: 'Arena.alloc',
    setup: (rt) => ({ rt }),
    args: () => [{ name: 'length', value: 16 }],
    call: (ctx, [length]) => {
      ctx.region = ctx.rt.arena.alloc(length as number);
    },
    teardown: (ctx) => ctx.region && ctx.rt.arena.free(ctx.region),
  }),
  ...(['free', 'f32', 'i32'] as const).map((method) =>
    surface<{ rt: Runtime; region: { ptr: number; length: number }; freed?: boolean }>({
      name: `Arena.${method}`,
      setup: (rt) => ({ rt, region: rt.arena.alloc(8) }),
      args: (ctx) => [{ name: 'region', value: ctx.region }],
      call: (ctx, [region]) => {
        ctx.rt.arena[method](region as never);
        if (method === 'free') ctx.freed = true;
      },
      teardown: (ctx) => ctx.freed || ctx.rt.arena.free(ctx.region),
    }),
  ),
  surface({
    name: 'new Random + draws',
    setup: () => undefined,
    args: () => [
      { name: 'seed', value: 7 },
      { name: 'n', value: 10 },
    ],
    call: (_, [seed, n]) => new Random(seed as number).int(n as number),
  }),
  surface<{ rng: Random }>({
    name: 'Random.setState',
    setup: () => ({ rng: new Random(1) }),
    args: (ctx) => [{ name: 'state', value: ctx.rng.getState() }],
    call: (ctx, [state]) => ctx.rng.setState(state as number[]),
    check: (ctx) => {
      if (!(ctx.rng.next() >= 0 && ctx.rng.next() < 1)) throw new Error('the generator draws outside [0, 1)');
    },
  }),
  surface({
    name: 'tensor + checkTensor',
    setup: () => undefined,
    args: () => [
      { name: 'data', value: new Float32Array(6), aliases: ['t'] },
      { name: 'shape', value: [2, 3], aliases: ['t'] },
    ],
    call: (_, [data, shape]) =>
      checkTensor('t', tensor(data as Float32Array, shape as number[]), Float32Array, [2, 3]),
  }),
];

export const TRAIN_SURFACES: readonly Surface[] = [
  ...OPTIMIZERS.flatMap(optimizerSurfaces),
  ...SCHEDULES.flatMap(scheduleSurfaces),
  ...clipSurfaces,
  ...stepperSurfaces,
  ...lowLevel,
];
