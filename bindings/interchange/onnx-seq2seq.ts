// A Seq2Seq's teacher-forced forward as an ONNX graph: inputs `source` ([Ts, B] int64 ids, or [Ts, B, F]
// floats) and `target_in` ([Tt, B] int64, the decoder's input: bos then the targets shifted right), output
// `logits` [Tt, B, V]. The encoder's stacked ONNX LSTM / GRU / RNN nodes hand each layer's final state (Y_h, and
// Y_c for LSTM) to the same decoder layer as its initial state, as seq2seq-bridge.ts does; the head reads the
// decoder's outputs, or with attention (feed 'output') [h_t ; ctx_t] where ctx_t is the softmax-weighted sum
// of the encoder's outputs (attention.ts, attention-head.ts). Sources are taken as full length unless
// { sourceLengths: true } adds the input `source_lengths` ([B] int32): the encoder nodes' sequence_lens (each
// row's final state at its own last step) and, with attention, a mask giving padded steps no weight. Target
// padding needs no input: logits at a row's real steps do not depend on the steps after them. A bidirectional
// encoder is one bidirectional node per layer: its outputs [Ts, B, 2H] (forward first) are the next layer's input
// and the attention's keys, and each decoder layer starts from the sum of its two directions' final states.
// Input feeding (feed 'input' / 'both', a step-by-step decoder) is refused.

import { ValueError } from '../errors.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import type { SideConfig } from '../model/seq2seq-config.ts';
import { torchToOnnx } from './gates.ts';
import { GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';

type Weights = Record<string, Float32Array>;

/** Throws the ValueError of a Seq2Seq this exporter cannot write, naming what to change. */
export function checkExportableSeq2Seq(model: Seq2Seq): void {
  const c = model.config;
  if (c.attention && c.attention.feed !== 'output') {
    throw new ValueError(
      `exportOnnx: a Seq2Seq with attention.feed '${c.attention.feed}' (input feeding, a step-by-step decoder) ` +
        "is not exported; only feed 'output' is",
    );
  }
}

/** The graph of the file comment; names follow PyTorch's modules (encoder.rnn, decoder.head, …). */
export function seq2seqGraph(model: Seq2Seq, sourceLengths = false): GraphBuilder {
  checkExportableSeq2Seq(model);
  const c = model.config;
  const w = model.getWeights();
  const g = new GraphBuilder();
  g.reserve('source', 'target_in', 'source_lengths', 'logits');
  const H = c.recurrent.hiddenSize;
  const V = c.target.size;
  const src = sideInput(g, 'source', 'encoder', c.source, w);
  const lens = sourceLengths ? g.input('source_lengths', DT.INT32, ['B']) : '';
  const enc = recurrentStack(g, model, w, 'encoder', src, c.source.dim, [], lens, c.directions);
  const tgt = sideInput(g, 'target_in', 'decoder', c.target, w);
  const dec = recurrentStack(g, model, w, 'decoder', tgt, c.target.dim, enc.finals, '', 1);
  let features = dec.seq;
  let width = H;
  if (c.attention) {
    const ctx = attentionContext(g, model, w, dec.seq, enc.seq, lens);
    features = g.op('Concat', '/decoder/attention/Concat', [dec.seq, ctx], { axis: 2 });
    width = H + c.attention.keySize;
  }
  const wt = transpose(w['decoder.head.weight'], V, width);
  let y = g.op('MatMul', '/decoder/head/MatMul', [
    features,
    g.floats('decoder.head.weight_t', [width, V], wt),
  ]);
  const bias = w['decoder.head.bias'];
  if (bias) y = g.op('Add', '/decoder/head/Add', [y, g.floats('decoder.head.bias', [V], bias)]);
  g.output(y, 'logits', DT.FLOAT, ['Tt', 'B', V]);
  return g;
}

/** One side's input as the recurrent layers read it: float features, embedded rows or one-hot rows. */
function sideInput(g: GraphBuilder, name: string, module: string, s: SideConfig, w: Weights): string {
  const T = name === 'source' ? 'Ts' : 'Tt';
  if (s.kind === 'features') return g.input(name, DT.FLOAT, [T, 'B', s.size]);
  const ids = g.input(name, DT.INT64, [T, 'B']);
  if (s.kind === 'embedding') {
    const table = g.floats(`${module}.embedding.weight`, [s.size, s.dim], w[`${module}.embedding.weight`]);
    return g.op('Gather', `/${module}/embedding/Gather`, [table, ids]);
  }
  // One-hot rows times W_ih are the columns our token input gathers.
  return g.op('OneHot', `/${module}/OneHot`, [
    ids,
    g.ints(`${module}.vocab_size`, [s.size], [1]),
    g.floats(`${module}.one_hot_values`, [2], Float32Array.of(0, 1)),
  ]);
}

interface Stack {
  /** Top layer's outputs [T, B, D·H], each step's directions side by side (forward first). */
  seq: string;
  /** Each layer's final states ([1, B, H] Y_h, and Y_c for LSTM; two directions summed), for the decoder. */
  finals: { h: string; c?: string }[];
}

/**
 * `module`.rnn's layers as ONNX nodes of D directions, each starting from `initial[k]` when given (else zeros),
 * reading sequence_lens `lens` unless it is ''.
 */
function recurrentStack(
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
  const op = lstm ? 'LSTM' : r.cell === 'gru' ? 'GRU' : 'RNN';
  const G = lstm ? 4 : r.cell === 'gru' ? 3 : 1;
  const attributes: Record<string, number | string | string[]> = { hidden_size: H };
  if (D === 2) attributes.direction = 'bidirectional';
  // Our GRU is PyTorch's: the reset gate scales (W_hn h + b_hn).
  if (op === 'GRU') attributes.linear_before_reset = 1;
  if (op === 'RNN') attributes.activations = Array(D).fill(r.cell === 'rnn_relu' ? 'Relu' : 'Tanh');
  // One direction: Squeeze axis 1 of Y; two: ReduceSum axis 0 of the final states, and a Reshape of Y.
  const axis = g.ints(`${module}.axis_${D === 1 ? 1 : 0}`, [D === 1 ? 1 : 0]);
  const flat = D === 2 ? g.ints(`${module}.shape_t_b_flat`, [0, 0, -1]) : '';
  const finals: Stack['finals'] = [];
  let input = x;
  let I = inputSize;
  for (let k = 0; k < r.numLayers; k++) {
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
    const W = g.floats(`${p}W_l${k}`, [D, G * H, I], Wd);
    const R = g.floats(`${p}R_l${k}`, [D, G * H, H], Rd);
    const Bn = g.floats(`${p}B_l${k}`, [D, 2 * G * H], Bd);
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

/**
 * ctx [Tt, B, K] from the decoder's outputs q [Tt, B, H] and the encoder's keys [Ts, B, K]: scores [B, Tt, Ts]
 * (dot q·k, general q·(W_a k), additive v·tanh(W_q q + W_k k)), softmax over the source steps, weighted sum.
 */
function attentionContext(
  g: GraphBuilder,
  model: Seq2Seq,
  w: Weights,
  q: string,
  keys: string,
  lens: string,
): string {
  const a = model.config.attention!;
  const { querySize: H, keySize: K, scoreSize: A } = a;
  const P = '/decoder/attention';
  const batchMajor = (v: string, name: string) => g.op('Transpose', `${P}/${name}`, [v], { perm: [1, 0, 2] });
  const project = (v: string, layer: string, inF: number, outF: number) => {
    const name = `decoder.attention.${layer}.weight`;
    const wt = g.floats(`${name}_t`, [inF, outF], transpose(w[name], outF, inF));
    return g.op('MatMul', `${P}/${layer}/MatMul`, [v, wt]);
  };
  const keysB = batchMajor(keys, 'Transpose_keys');
  let scores: string;
  if (a.score === 'additive') {
    const qp = batchMajor(project(q, 'query', H, A), 'Transpose_query'); // [B, Tt, A]
    const kp = batchMajor(project(keys, 'key', K, A), 'Transpose_key'); // [B, Ts, A]
    const qu = g.op('Unsqueeze', `${P}/Unsqueeze_query`, [qp, g.ints('attention.axis_2', [2])]);
    const ku = g.op('Unsqueeze', `${P}/Unsqueeze_key`, [kp, g.ints('attention.axis_1', [1])]);
    const e = g.op('Tanh', `${P}/Tanh`, [g.op('Add', `${P}/Add`, [qu, ku])]); // [B, Tt, Ts, A]
    const vt = g.floats('decoder.attention.v.weight_t', [A, 1], w['decoder.attention.v.weight']);
    const s = g.op('MatMul', `${P}/v/MatMul`, [e, vt]); // [B, Tt, Ts, 1]
    scores = g.op('Squeeze', `${P}/Squeeze`, [s, g.ints('attention.axis_3', [3])]);
  } else {
    const k = a.score === 'general' ? project(keys, 'key', K, H) : keys; // [Ts, B, H]
    const kt = g.op('Transpose', `${P}/Transpose_scored`, [k], { perm: [1, 2, 0] }); // [B, H, Ts]
    scores = g.op('MatMul', `${P}/MatMul_scores`, [batchMajor(q, 'Transpose_q'), kt]); // [B, Tt, Ts]
  }
  if (lens) scores = maskPadding(g, scores, keys, lens);
  const p = g.op('Softmax', `${P}/Softmax`, [scores], { axis: -1 });
  const ctx = g.op('MatMul', `${P}/MatMul_context`, [p, keysB]); // [B, Tt, K]
  return batchMajor(ctx, 'Transpose_context');
}

/** Scores [B, Tt, Ts] with every step s ≥ lengths[b] set to −1e30, which the softmax turns into weight 0. */
function maskPadding(g: GraphBuilder, scores: string, keys: string, lens: string): string {
  const P = '/decoder/attention/mask';
  const shape = g.op('Shape', `${P}/Shape`, [keys]);
  const Ts = g.op('Gather', `${P}/Gather`, [shape, g.ints('attention.index_0', [0], [])], { axis: 0 });
  const zero = g.ints('attention.zero', [0], []);
  const one = g.ints('attention.one', [1], []);
  const steps = g.op('Range', `${P}/Range`, [zero, Ts, one]); // [Ts]
  const lens64 = g.op('Cast', `${P}/Cast`, [lens], { to: DT.INT64 });
  const rows = g.op('Unsqueeze', `${P}/Unsqueeze`, [lens64, g.ints('attention.axes_1_2', [1, 2])]); // [B, 1, 1]
  const real = g.op('Less', `${P}/Less`, [steps, rows]); // [B, 1, Ts]
  const floor = g.floats('attention.masked_score', [], Float32Array.of(-1e30));
  return g.op('Where', `${P}/Where`, [real, scores, floor]);
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

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}
