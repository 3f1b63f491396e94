// W1–W4 built from the low-level layers over one shared ParamSlab (LSTM/GRU/RNN with token ids, a Dense head,
// the loss kernels, clipping and an optimizer over the slab): the same training step as train-step.ts's
// Trainer, one level down. The memory test runs both; the bench measures the Trainer.

import { Dense } from '../bindings/model/dense.ts';
import { GRU } from '../bindings/model/gru.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import type { Recurrent } from '../bindings/model/recurrent.ts';
import type { RecurrentOptions } from '../bindings/model/recurrent-config.ts';
import { RNN } from '../bindings/model/rnn.ts';
import { ParamSlab } from '../bindings/model/slab.ts';
import type { Runtime } from '../bindings/runtime/runtime.ts';
import { clipGradValue } from '../bindings/train/clip.ts';
import { Adagrad, Adam, type Optimizer } from '../bindings/train/optimizers.ts';
import type { TrainStep } from './train-step.ts';
import { seriesData, type TrainWorkload, tokenData } from './workloads.ts';

const RECURRENT = {
  lstm: { make: (rt: Runtime, o: RecurrentOptions) => new LSTM(rt, o), specs: LSTM.paramSpecs },
  gru: { make: (rt: Runtime, o: RecurrentOptions) => new GRU(rt, o), specs: GRU.paramSpecs },
  rnn: { make: (rt: Runtime, o: RecurrentOptions) => new RNN(rt, o), specs: RNN.paramSpecs },
};

/** The model of workload `w` (recurrent layer + dense head in one slab) and its optimizer, ready to step. */
function build(rt: Runtime, w: TrainWorkload) {
  const out = w.task === 'tokens' ? w.I : 1;
  const rnnOptions: RecurrentOptions = { inputSize: w.I, hiddenSize: w.H, prefix: 'rnn.', seed: 1 };
  const headOptions = { inFeatures: w.H, outFeatures: out, prefix: 'head.', seed: 2 };
  const kind = RECURRENT[w.cell];
  const slab = new ParamSlab(rt, [...kind.specs(rnnOptions), ...Dense.paramSpecs(headOptions)]);
  const rnn: Recurrent = kind.make(rt, { ...rnnOptions, slab });
  const head = new Dense(rt, { ...headOptions, slab });
  const o = w.optimizer;
  const optimizer: Optimizer =
    o.kind === 'adam' ? new Adam(slab, { lr: o.lr }) : new Adagrad(slab, { lr: o.lr });
  const update = () => {
    if (o.kind === 'adagrad') clipGradValue(slab, o.clip);
    optimizer.step();
  };
  const dispose = () => {
    optimizer.dispose();
    head.dispose();
    rnn.dispose();
    slab.free();
  };
  return { slab, rnn, head, update, dispose };
}

/** A training step of workload `w` on runtime `rt`, from the layers. */
export function makeLayerStep(rt: Runtime, w: TrainWorkload): TrainStep {
  return w.task === 'tokens' ? charLmStep(rt, w) : seriesStep(rt, w);
}

/** Char-LM (W1, W2, W4): token ids in, dense head at every step, softmax cross-entropy averaged over T·B. */
function charLmStep(rt: Runtime, w: TrainWorkload): TrainStep {
  const { T, B, I: V } = w;
  const N = T * B;
  const m = build(rt, w);
  const data = tokenData(T, B, V);
  const x = { data: data.ids, shape: [T, B] };
  const targets = rt.arena.alloc(N);
  const probs = rt.arena.alloc(N * V);
  rt.arena.i32(targets).set(data.targets);
  const k = rt.kernels;
  let loss = Number.NaN;
  const step = () => {
    m.slab.zeroGrad();
    const logits = m.head.forward(m.rnn.forward(x).outputs);
    rt.arena.f32(probs).set(logits.data);
    loss = k.softmax_xent_fwd_f32(probs.ptr, probs.ptr, targets.ptr, N, V) / N;
    k.softmax_xent_bwd_f32(probs.ptr, probs.ptr, targets.ptr, N, V, 1 / N);
    // A copy: the head's first backward sizes its workspace, which may grow (and detach) linear memory.
    const dx = m.head.backward({ data: rt.arena.f32(probs).slice(), shape: [T, B, V] });
    m.rnn.backward({ dOutputs: dx.data });
    m.update();
  };
  const dispose = () => {
    rt.arena.free(targets);
    rt.arena.free(probs);
    m.dispose();
  };
  return { step, loss: () => loss, dispose };
}

/** Forecasting (W3): a float series in, dense H→1 on the last state, MSE over the batch. */
function seriesStep(rt: Runtime, w: TrainWorkload): TrainStep {
  const { T, B } = w;
  const m = build(rt, w);
  const data = seriesData(T, B);
  const x = { data: data.x, shape: [T, B, 1] };
  const target = rt.arena.alloc(B);
  const pred = rt.arena.alloc(B);
  rt.arena.f32(target).set(data.y);
  const k = rt.kernels;
  let loss = Number.NaN;
  const step = () => {
    m.slab.zeroGrad();
    const hN = m.rnn.forward(x).hN;
    const y = m.head.forward({ data: hN.data, shape: [B, w.H] });
    rt.arena.f32(pred).set(y.data);
    loss = k.mse_fwd_f32(pred.ptr, target.ptr, B) / B;
    k.mse_bwd_f32(pred.ptr, pred.ptr, target.ptr, B, 1 / B);
    const dh = m.head.backward({ data: rt.arena.f32(pred).slice(), shape: [B, 1] });
    m.rnn.backward({ dHn: dh.data, inputGrad: false });
    m.update();
  };
  const dispose = () => {
    rt.arena.free(target);
    rt.arena.free(pred);
    m.dispose();
  };
  return { step, loss: () => loss, dispose };
}
