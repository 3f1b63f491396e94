// The decoder's attention in a Seq2Seq's ONNX graph (onnx-seq2seq.ts): scores, source-length mask, softmax and
// context for any number of query steps (all of them with feed 'output', one per Loop step with input feeding).

import type { Seq2Seq } from '../model/seq2seq.ts';
import type { GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';
import type { Weights } from './onnx-seq2seq-layers.ts';

/**
 * ctx [Tt, B, K] from the decoder's outputs q [Tt, B, H] and the encoder's keys [Ts, B, K]: scores [B, Tt, Ts]
 * (dot q·k, general q·(W_a k), additive v·tanh(W_q q + W_k k)), softmax over the source steps, weighted sum.
 */
export function attentionContext(
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

export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}
