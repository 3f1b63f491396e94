// The recurrent layers of a Seq2Seq's ONNX graph (onnx-seq2seq.ts): ONNX LSTM / GRU / RNN nodes of one or two
// directions with PyTorch's weights in ONNX gate order, each layer's final states for the decoder's same layer.

import type { Seq2Seq } from '../model/seq2seq.ts';
import { torchToOnnx } from './gates.ts';
import type { GraphBuilder } from './onnx-encode.ts';

export type Weights = Record<string, Float32Array>;

export interface Stack {
  /** Top layer's outputs [T, B, D·H], each step's directions side by side (forward first). */
  seq: string;
  /** Each layer's final states ([1, B, H] Y_h, and Y_c for LSTM; two directions summed), for the decoder. */
  finals: { h: string; c?: string }[];
}

/**
 * `module`.rnn's layers as ONNX nodes of D directions, each starting from `initial[k]` when given (else zeros),
 * reading sequence_lens `lens` unless it is ''.
 */
export function recurrentStack(
  g: GraphBuilder,
  model: Seq2Seq,
  w: Weights,
  module: 'encoder' | 'decoder',
  x: string,
  inputSize: number,
  initial: Stack['finals'],
  lens: string,
  D: 1 | 2,
): Stack {
  const r = model.config.recurrent;
  const H = r.hiddenSize;
  const lstm = r.cell === 'lstm';
  const { op, attributes } = cellNode(model, D);
  // One direction: Squeeze axis 1 of Y; two: ReduceSum axis 0 of the final states, and a Reshape of Y.
  const axis = g.ints(`${module}.axis_${D === 1 ? 1 : 0}`, [D === 1 ? 1 : 0]);
  const flat = D === 2 ? g.ints(`${module}.shape_t_b_flat`, [0, 0, -1]) : '';
  const finals: Stack['finals'] = [];
  let input = x;
  let I = inputSize;
  for (let k = 0; k < r.numLayers; k++) {
    const [W, R, Bn] = layerWeights(g, model, w, module, k, I, D);
    const start = initial[k];
    const inputs = [input, W, R, Bn];
    if (start || lens) inputs.push(lens);
    if (start) inputs.push(start.h, ...(lstm && start.c ? [start.c] : []));
    const name = `/${module}/rnn/${op}_l${k}`;
    const outs = g.node(op, name, inputs, attributes, lstm ? 3 : 2);
    if (D === 1) {
      finals.push({ h: outs[1], c: lstm ? outs[2] : undefined });
      // Y [T, 1, B, H] → [T, B, H].
      input = g.op('Squeeze', `/${module}/rnn/Squeeze_l${k}`, [outs[0], axis]);
    } else {
      // The decoder's layer k starts from the sum of the two directions' final states (seq2seq-bridge.ts).
      const sum = (v: string, which: string) =>
        g.op('ReduceSum', `${name}/ReduceSum_${which}`, [v, axis], { keepdims: 1 });
      finals.push({ h: sum(outs[1], 'h'), c: lstm ? sum(outs[2], 'c') : undefined });
      // Y [T, 2, B, H] → [T, B, 2·H]: forward then backward at each step, as our layers write them.
      const t = g.op('Transpose', `/${module}/rnn/Transpose_l${k}`, [outs[0]], { perm: [0, 2, 1, 3] });
      input = g.op('Reshape', `/${module}/rnn/Reshape_l${k}`, [t, flat]);
    }
    I = D * H;
  }
  return { seq: input, finals };
}

/** The ONNX op and attributes of the model's cell, D directions. */
export function cellNode(
  model: Seq2Seq,
  D: 1 | 2,
): { op: string; attributes: Record<string, number | string | string[]> } {
  const r = model.config.recurrent;
  const op = r.cell === 'lstm' ? 'LSTM' : r.cell === 'gru' ? 'GRU' : 'RNN';
  const attributes: Record<string, number | string | string[]> = { hidden_size: r.hiddenSize };
  if (D === 2) attributes.direction = 'bidirectional';
  // Our GRU is PyTorch's: the reset gate scales (W_hn h + b_hn).
  if (op === 'GRU') attributes.linear_before_reset = 1;
  if (op === 'RNN') attributes.activations = Array(D).fill(r.cell === 'rnn_relu' ? 'Relu' : 'Tanh');
  return { op, attributes };
}

/** Layer k's W [D, G·H, I], R [D, G·H, H] and B [D, 2·G·H] initializers, directions stacked forward first. */
export function layerWeights(
  g: GraphBuilder,
  model: Seq2Seq,
  w: Weights,
  module: 'encoder' | 'decoder',
  k: number,
  I: number,
  D: 1 | 2,
): string[] {
  const r = model.config.recurrent;
  const H = r.hiddenSize;
  const G = r.cell === 'lstm' ? 4 : r.cell === 'gru' ? 3 : 1;
  const p = `${module}.rnn.`;
  const each = (f: (s: string) => Float32Array) =>
    concatFloats(Array.from({ length: D }, (_, d) => f(`_l${k}${d ? '_reverse' : ''}`)));
  const Wd = each((s) => torchToOnnx(r.cell, w[`${p}weight_ih${s}`], H, I));
  const Rd = each((s) => torchToOnnx(r.cell, w[`${p}weight_hh${s}`], H, H));
  const Bd = each((s) =>
    concatFloats([
      torchToOnnx(r.cell, w[`${p}bias_ih${s}`], H, 1),
      torchToOnnx(r.cell, w[`${p}bias_hh${s}`], H, 1),
    ]),
  );
  return [
    g.floats(`${p}W_l${k}`, [D, G * H, I], Wd),
    g.floats(`${p}R_l${k}`, [D, G * H, H], Rd),
    g.floats(`${p}B_l${k}`, [D, 2 * G * H], Bd),
  ];
}

function concatFloats(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
