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
// Input feeding (feed 'input' / 'both') makes the decoder an ONNX Loop over the target steps (fedDecoder).

import { feedsInput, feedsOutput } from '../model/attention-config.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import type { SideConfig } from '../model/seq2seq-config.ts';
import { torchToOnnx } from './gates.ts';
import { GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';

type Weights = Record<string, Float32Array>;

/** The graph of the file comment; names follow PyTorch's modules (encoder.rnn, decoder.head, …). */
export function seq2seqGraph(model: Seq2Seq, sourceLengths = false): GraphBuilder {
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
  let features: string;
  let width = H;
  if (feedsInput(c.attention)) {
    features = fedDecoder(g, model, w, tgt, 'target_in', enc, lens);
    if (feedsOutput(c.attention)) width = H + c.attention!.keySize;
  } else if (c.attention) {
    const dec = recurrentStack(g, model, w, 'decoder', tgt, c.target.dim, enc.finals, '', 1);
    const ctx = attentionContext(g, model, w, dec.seq, enc.seq, lens);
    features = g.op('Concat', '/decoder/attention/Concat', [dec.seq, ctx], { axis: 2 });
    width = H + c.attention.keySize;
  } else features = recurrentStack(g, model, w, 'decoder', tgt, c.target.dim, enc.finals, '', 1).seq;
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
function cellNode(
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
function layerWeights(
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

/**
 * The input-feeding decoder (attention-feed.ts) as an ONNX Loop over the target steps: step t's body reads
 * x'_t = [x_t ; ctx_{t−1}] (ctx_{−1} = 0), runs one one-step node per layer from the carried states, attends
 * with the top layer's output and carries the new context; its scan output is the head's input of step t,
 * [h_t ; ctx_t] with feed 'both', h_t with feed 'input'. Returns those features [Tt, B, F].
 */
function fedDecoder(
  g: GraphBuilder,
  model: Seq2Seq,
  w: Weights,
  tgt: string,
  tgtIds: string,
  enc: Stack,
  lens: string,
): string {
  const c = model.config;
  const a = c.attention!;
  const H = c.recurrent.hiddenSize;
  const K = a.keySize;
  const lstm = c.recurrent.cell === 'lstm';
  const { op, attributes } = cellNode(model, 1);
  const P = '/decoder/loop';
  const weights = Array.from({ length: c.recurrent.numLayers }, (_, k) =>
    layerWeights(g, model, w, 'decoder', k, k === 0 ? c.target.dim + K : H, 1),
  );
  // The trip count Tt and ctx_{−1} = 0 [B, K] (a zeroed row of the keys, so B follows the input).
  const index0 = g.ints('decoder.loop.index_0', [0], []);
  const shape = g.op('Shape', `${P}/Shape`, [tgtIds]);
  const trips = g.op('Gather', `${P}/Gather_Tt`, [shape, index0], { axis: 0 });
  const row = g.op('Gather', `${P}/Gather_keys`, [enc.seq, index0], { axis: 0 });
  const ctx0 = g.op('Mul', `${P}/Mul_zero`, [row, g.floats('decoder.loop.zero', [], Float32Array.of(0))]);
  const initial: string[] = [];
  for (const f of enc.finals) initial.push(f.h, ...(lstm && f.c ? [f.c] : []));
  initial.push(ctx0);

  const b = new GraphBuilder(g);
  const iter = b.freshInput('decoder.loop.iter', DT.INT64, []);
  const condIn = b.freshInput('decoder.loop.cond_in', DT.BOOL, []);
  const states = initial.map((_, i) =>
    i === initial.length - 1
      ? b.freshInput('decoder.loop.ctx_in', DT.FLOAT, ['B', K])
      : b.freshInput(`decoder.loop.state_in_${i}`, DT.FLOAT, [1, 'B', H]),
  );
  const axis0 = g.ints('decoder.loop.axis_0', [0]);
  const axis1 = g.ints('decoder.loop.axis_1', [1]);
  const xt = b.op('Gather', `${P}/Gather_x`, [tgt, iter], { axis: 0 }); // [B, E]
  const fed = b.op('Concat', `${P}/Concat_input`, [xt, states[states.length - 1]], { axis: 1 });
  let input = b.op('Unsqueeze', `${P}/Unsqueeze_input`, [fed, axis0]); // [1, B, E + K]
  const next: string[] = [];
  let s = 0;
  for (let k = 0; k < c.recurrent.numLayers; k++) {
    const start = lstm ? [states[s], states[s + 1]] : [states[s]];
    s += start.length;
    const outs = b.node(
      op,
      `${P}/${op}_l${k}`,
      [input, ...weights[k], '', ...start],
      attributes,
      lstm ? 3 : 2,
    );
    next.push(outs[1], ...(lstm ? [outs[2]] : []));
    input = b.op('Squeeze', `${P}/Squeeze_l${k}`, [outs[0], axis1]); // [1, B, H]
  }
  const ctx = attentionContext(b, model, w, input, enc.seq, lens); // [1, B, K]
  const features = feedsOutput(a) ? b.op('Concat', `${P}/Concat_features`, [input, ctx], { axis: 2 }) : input;
  const F = feedsOutput(a) ? H + K : H;
  const condOut = b.op('Identity', `${P}/Identity_cond`, [condIn]);
  b.outputAs(condOut, DT.BOOL, []);
  for (const v of next) b.outputAs(v, DT.FLOAT, [1, 'B', H]);
  b.outputAs(b.op('Squeeze', `${P}/Squeeze_context`, [ctx, axis0]), DT.FLOAT, ['B', K]);
  b.outputAs(b.op('Squeeze', `${P}/Squeeze_features`, [features, axis0]), DT.FLOAT, ['B', F]);
  const outs = g.node(
    'Loop',
    P,
    [trips, '', ...initial],
    { body: { graph: b, name: 'decoder_step' } },
    initial.length + 1,
  );
  return outs[outs.length - 1];
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
