// exportOnnx: a SequenceModel → an ONNX file (opset 14) that computes model.predict(): the same time-major input
// ([T, B, F] floats, [T, B] int64 token ids, or one vector [B, F] and the number of steps) and output ([T, B, O]
// per step, else [B, O]; logits, no activation). Recurrent layers become ONNX LSTM / GRU / RNN nodes (a GRU
// with linear_before_reset 1, or 0 for gru: { resetAfter: false }) with their gates in ONNX's order, stacked
// through Transpose + Reshape; pooling and the head are plain operators (MatMul, Gemm, Softmax, ReduceSum).
// A Seq2Seq becomes its teacher-forced forward (onnx-seq2seq.ts): source and target_in → logits [Tt, B, V].

import { describe, ValueError } from '../errors.ts';
import { Seq2Seq } from '../model/seq2seq.ts';
import type { ModelConfig } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import { flag, optionsObject } from '../validate.ts';
import { torchToOnnx } from './gates.ts';
import { encodeModel, GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';
import { seq2seqGraph } from './onnx-seq2seq.ts';

export const EXPORT_OPSET = 14;
const IR_VERSION = 7;

export interface ExportOnnxOptions {
  /** Stored as the model's doc_string. */
  docString?: string;
  /** A Seq2Seq's graph takes `source_lengths` [B] (int32) for padded sources; default false (full length). */
  sourceLengths?: boolean;
}

/** The ONNX bytes of `model` (see the file comment for its inputs and output). */
export function exportOnnx(model: SequenceModel | Seq2Seq, options: ExportOnnxOptions = {}): Uint8Array {
  if (!(model instanceof SequenceModel) && !(model instanceof Seq2Seq)) {
    throw new ValueError(`exportOnnx: model must be a SequenceModel or a Seq2Seq but got ${describe(model)}`);
  }
  optionsObject('exportOnnx: options', options);
  const sourceLengths = flag('exportOnnx: options.sourceLengths', options.sourceLengths, false);
  if (model instanceof Seq2Seq) {
    return encodeModel(seq2seqGraph(model, sourceLengths), meta('wasm_rnn_seq2seq', options));
  }
  if (sourceLengths) {
    throw new ValueError('exportOnnx: options.sourceLengths is for a Seq2Seq but got a SequenceModel');
  }
  const c = model.config;
  const w = model.getWeights();
  const g = new GraphBuilder();
  g.reserve('x', 'steps', 'y');
  const x = inputStage(g, c, w);
  const { seq, finalH } = recurrentStage(g, c, w, x);
  const O = c.head.outputSize;
  let y: string;
  if (c.pooling === 'none') {
    const DH = seq.width;
    const wt = transpose(w['head.weight'], O, DH);
    const m = g.op('MatMul', '/head/MatMul', [seq.name, g.floats('head.weight_t', [DH, O], wt)]);
    y = g.op('Add', '/head/Add', [m, g.floats('head.bias', [O], w['head.bias'])]);
  } else {
    const pooled = c.pooling === 'last' ? lastState(g, finalH) : attention(g, w, seq.name, seq.width);
    y = g.op(
      'Gemm',
      '/head/Gemm',
      [
        pooled,
        g.floats('head.weight', [O, seq.width], w['head.weight']),
        g.floats('head.bias', [O], w['head.bias']),
      ],
      {
        transB: 1,
      },
    );
  }
  g.output(y, 'y', DT.FLOAT, c.pooling === 'none' ? ['T', 'B', O] : ['B', O]);
  return encodeModel(g, meta('wasm_rnn_sequence_model', options));
}

const meta = (graphName: string, options: ExportOnnxOptions) => ({
  irVersion: IR_VERSION,
  opset: EXPORT_OPSET,
  producerName: 'wasm-rnn',
  producerVersion: '',
  graphName,
  docString: options.docString,
});

type Weights = Record<string, Float32Array>;

/** The first recurrent layer's input [T, B, I] (float). */
function inputStage(g: GraphBuilder, c: ModelConfig, w: Weights): string {
  const i = c.input;
  if (i.kind === 'features') return g.input('x', DT.FLOAT, ['T', 'B', i.size]);
  if (i.kind === 'tokens' || i.kind === 'embedding') {
    const ids = g.input('x', DT.INT64, ['T', 'B']);
    if (i.kind === 'embedding') {
      return g.op('Gather', '/embedding/Gather', [
        g.floats('embedding.weight', [i.size, i.dim], w['embedding.weight']),
        ids,
      ]);
    }
    // One-hot rows: the recurrent node multiplies them by W_ih, as our token input gathers its columns.
    return g.op(
      'OneHot',
      '/tokens/OneHot',
      [ids, g.ints('vocab_size', [i.size], [1]), g.floats('one_hot_values', [2], Float32Array.of(0, 1))],
      {
        axis: -1,
      },
    );
  }
  // One vector per sequence [B, F] and the number of steps [1]: repeated at every step or fed at the first.
  const v = g.input('x', DT.FLOAT, ['B', i.size]);
  const steps = g.input('steps', DT.INT64, [1]);
  const u = g.op('Unsqueeze', '/vector/Unsqueeze', [v, g.ints('axis_0', [0])]);
  if (i.feed === 'every') {
    const shape = g.op('Concat', '/vector/Concat', [steps, g.ints('ones', [1, 1])], { axis: 0 });
    return g.op('Expand', '/vector/Expand', [u, shape]);
  }
  const rest = g.op('Sub', '/vector/Sub', [steps, g.ints('one', [1])]);
  const pads = g.op(
    'Concat',
    '/vector/Concat',
    [g.ints('zeros_3', [0, 0, 0]), rest, g.ints('zeros_2', [0, 0])],
    { axis: 0 },
  );
  return g.op('Pad', '/vector/Pad', [u, pads], { mode: 'constant' });
}

function recurrentStage(
  g: GraphBuilder,
  c: ModelConfig,
  w: Weights,
  x: string,
): { seq: { name: string; width: number }; finalH: string } {
  const r = c.recurrent;
  const D = r.bidirectional ? 2 : 1;
  const H = r.hiddenSize;
  const op = r.cell === 'lstm' ? 'LSTM' : r.cell === 'gru' ? 'GRU' : 'RNN';
  const G = r.cell === 'lstm' ? 4 : r.cell === 'gru' ? 3 : 1;
  const attributes: Record<string, string | number | string[]> = { hidden_size: H };
  if (D === 2) attributes.direction = 'bidirectional';
  if (op === 'GRU') attributes.linear_before_reset = r.gru?.resetAfter === false ? 0 : 1;
  if (op === 'RNN') attributes.activations = Array(D).fill(r.cell === 'rnn_relu' ? 'Relu' : 'Tanh');
  let input = x;
  let I = c.input.dim;
  let finalH = '';
  const flat = g.ints('shape_t_b_flat', [0, 0, -1]);
  for (let k = 0; k < r.numLayers; k++) {
    const stack = (kind: 'ih' | 'hh', cols: number) =>
      concatFloats(
        Array.from({ length: D }, (_, d) =>
          torchToOnnx(r.cell, w[`rnn.weight_${kind}_l${k}${d ? '_reverse' : ''}`], H, cols),
        ),
      );
    const bias = concatFloats(
      Array.from({ length: D }, (_, d) => {
        const s = `_l${k}${d ? '_reverse' : ''}`;
        return concatFloats([
          torchToOnnx(r.cell, w[`rnn.bias_ih${s}`], H, 1),
          torchToOnnx(r.cell, w[`rnn.bias_hh${s}`], H, 1),
        ]);
      }),
    );
    const W = g.floats(`rnn.W_l${k}`, [D, G * H, I], stack('ih', I));
    const R = g.floats(`rnn.R_l${k}`, [D, G * H, H], stack('hh', H));
    const B = g.floats(`rnn.B_l${k}`, [D, 2 * G * H], bias);
    const [Y, Yh] = g.node(op, `/rnn/${op}_l${k}`, [input, W, R, B], attributes, 2);
    // Y [T, D, B, H] → [T, B, D·H]: each step's directions side by side, as our layers write them.
    const t = g.op('Transpose', `/rnn/Transpose_l${k}`, [Y], { perm: [0, 2, 1, 3] });
    input = g.op('Reshape', `/rnn/Reshape_l${k}`, [t, flat]);
    finalH = Yh;
    I = D * H;
  }
  return { seq: { name: input, width: D * H }, finalH };
}

/** The top layer's final states [D, B, H] → [B, D·H] (directions side by side, torch's cat of h_n). */
function lastState(g: GraphBuilder, finalH: string): string {
  const t = g.op('Transpose', '/pool/Transpose', [finalH], { perm: [1, 0, 2] });
  return g.op('Reshape', '/pool/Reshape', [t, g.ints('shape_b_flat', [0, -1])]);
}

/** Attention pooling: α = softmax over time of v·h + c, out[b] = Σ_t α[t, b]·h[t, b]. */
function attention(g: GraphBuilder, w: Weights, seq: string, DH: number): string {
  let s = g.op('MatMul', '/attention/MatMul', [
    seq,
    g.floats('attention.weight_t', [DH, 1], w['attention.weight']),
  ]);
  if (w['attention.bias'])
    s = g.op('Add', '/attention/Add', [s, g.floats('attention.bias', [1], w['attention.bias'])]);
  const alpha = g.op('Softmax', '/attention/Softmax', [s], { axis: 0 });
  const weighted = g.op('Mul', '/attention/Mul', [seq, alpha]);
  return g.op('ReduceSum', '/attention/ReduceSum', [weighted, g.ints('axis_time', [0])], { keepdims: 0 });
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

function concatFloats(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
