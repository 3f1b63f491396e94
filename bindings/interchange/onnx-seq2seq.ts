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
// Input feeding (feed 'input' / 'both') makes the decoder an ONNX Loop over the target steps (onnx-seq2seq-feed.ts).

import { feedsInput, feedsOutput } from '../model/attention-config.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import type { SideConfig } from '../model/seq2seq-config.ts';
import { GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';
import { attentionContext, transpose } from './onnx-seq2seq-attention.ts';
import { fedDecoder } from './onnx-seq2seq-feed.ts';
import { recurrentStack, type Weights } from './onnx-seq2seq-layers.ts';

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
