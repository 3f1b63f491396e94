// A Seq2Seq's input-feeding decoder (attention.feed 'input' | 'both') in its ONNX graph (onnx-seq2seq.ts): each
// step's input holds the previous step's context, so the decoder cannot be one node per layer over all steps.

import { feedsOutput } from '../model/attention-config.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import { GraphBuilder } from './onnx-encode.ts';
import { DT } from './onnx-proto.ts';
import { attentionContext } from './onnx-seq2seq-attention.ts';
import { cellNode, layerWeights, type Stack, type Weights } from './onnx-seq2seq-layers.ts';

/**
 * The input-feeding decoder (attention-feed.ts) as an ONNX Loop over the target steps: step t's body reads
 * x'_t = [x_t ; ctx_{t−1}] (ctx_{−1} = 0), runs one one-step node per layer from the carried states, attends
 * with the top layer's output and carries the new context; its scan output is the head's input of step t,
 * [h_t ; ctx_t] with feed 'both', h_t with feed 'input'. Returns those features [Tt, B, F].
 */
export function fedDecoder(
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
