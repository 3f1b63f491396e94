// model.summary(): the layers of a SequenceModel or Seq2Seq in data-flow order, each with its input and output
// shapes (time-major, as predict() reads them; the batch and time dims stay symbolic), its parameter count and
// PyTorch module name, then the totals, the bytes of the weights and the backend — what Keras's model.summary()
// and torchinfo print. Counts come from the parameter slab itself (what is really allocated and trained), so the
// summary cannot drift from the model; the table is in summary-format.ts.

import type { Runtime } from '../runtime/runtime.ts';
import { feedsInput, feedsOutput } from './attention-config.ts';
import type { CellType } from './cells.ts';
import type { Seq2SeqConfig, SideConfig } from './seq2seq-config.ts';
import type { ModelConfig } from './sequence-config.ts';
import type { ParamSlab } from './slab.ts';
import { formatSummary } from './summary-format.ts';
import type { Dim, LayerSummary, ModelSummary } from './summary-types.ts';

export type { Dim, LayerSummary, ModelSummary };

/** What a summary reads from a model: its validated config, its slab and its runtime. */
interface Summarised<C> {
  readonly config: C;
  readonly slab: ParamSlab;
  readonly rt: Runtime;
}

const CELL_KIND: Record<CellType, string> = { lstm: 'LSTM', gru: 'GRU', rnn_tanh: 'RNN', rnn_relu: 'RNN' };

/** Parameters whose slab name starts with `prefix` + '.'. */
function countUnder(slab: ParamSlab, prefix: string): number {
  let n = 0;
  for (const e of slab.entries) if (e.name.startsWith(`${prefix}.`)) n += e.length;
  return n;
}

function recurrentDetail(cell: CellType, H: number, L: number, bidirectional: boolean): string {
  const parts = [`hidden ${H}`];
  if (L > 1) parts.push(`${L} layers`);
  if (bidirectional) parts.push('bidirectional');
  if (cell === 'rnn_tanh' || cell === 'rnn_relu') parts.push(cell === 'rnn_tanh' ? 'tanh' : 'relu');
  return parts.join(', ');
}

function finish(model: ModelSummary['model'], layers: LayerSummary[], m: Summarised<unknown>): ModelSummary {
  let totalParams = 0;
  for (const e of m.slab.entries) totalParams += e.length;
  const trainableParams = layers.reduce((s, l) => s + (l.trainable ? l.params : 0), 0);
  const summary: ModelSummary = {
    model,
    layout: 'time-major',
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    weightBytes: totalParams * 4,
    backend: m.rt.backend,
    toString: () => formatSummary(summary),
  };
  return summary;
}

/** The input side: ids go through an Embedding (or a one-hot gather inside the recurrent layer). */
function inputLayer(
  m: Summarised<unknown>,
  name: string,
  side: { kind: string; size: number; dim: number },
): LayerSummary | undefined {
  if (side.kind !== 'embedding') return undefined;
  return {
    name,
    kind: 'Embedding',
    inputShape: ['time', 'batch'],
    outputShape: ['time', 'batch', side.dim],
    params: countUnder(m.slab, name),
    trainable: true,
    detail: `vocabulary ${side.size}`,
  };
}

function recurrentLayer(
  m: Summarised<unknown>,
  name: string,
  side: { kind: string; size: number; dim: number },
  r: { cell: CellType; hiddenSize: number; numLayers: number; bidirectional?: boolean },
): LayerSummary {
  const D = r.bidirectional ? 2 : 1;
  const oneHot = side.kind === 'tokens';
  return {
    name,
    kind: CELL_KIND[r.cell],
    // One-hot ids are gathered from W_ih: the layer reads the ids themselves.
    inputShape: oneHot ? ['time', 'batch'] : ['time', 'batch', side.dim],
    outputShape: ['time', 'batch', D * r.hiddenSize],
    params: countUnder(m.slab, name),
    trainable: true,
    detail:
      recurrentDetail(r.cell, r.hiddenSize, r.numLayers, D === 2) +
      (oneHot ? `, one-hot of ${side.size}` : ''),
  };
}

export function summarizeSequenceModel(m: Summarised<ModelConfig>): ModelSummary {
  const c = m.config;
  const DH = (c.recurrent.bidirectional ? 2 : 1) * c.recurrent.hiddenSize;
  const O = c.head.outputSize;
  const layers: LayerSummary[] = [];
  if (c.input.kind === 'vector') {
    layers.push({
      name: 'input',
      kind: 'RepeatVector',
      inputShape: ['batch', c.input.size],
      outputShape: ['time', 'batch', c.input.size],
      params: 0,
      trainable: true,
      detail: c.input.feed === 'first' ? 'fed at the first step, zeros after' : 'fed at every step',
    });
  }
  const embedding = inputLayer(m, 'embedding', c.input);
  if (embedding) layers.push(embedding);
  layers.push(recurrentLayer(m, 'rnn', c.input, c.recurrent));
  if (c.pooling !== 'none') {
    const attention = c.pooling === 'attention';
    layers.push({
      name: attention ? 'attention' : 'pooling',
      kind: attention ? 'AttentionPooling' : 'LastState',
      inputShape: ['time', 'batch', DH],
      outputShape: ['batch', DH],
      params: attention ? countUnder(m.slab, 'attention') : 0,
      trainable: true,
      detail: attention ? 'learned weighted sum over steps' : "each row's last real step",
    });
  }
  const perStep: Dim[] = c.pooling === 'none' ? ['time', 'batch'] : ['batch'];
  layers.push({
    name: 'head',
    kind: 'Dense',
    inputShape: [...perStep, DH],
    outputShape: [...perStep, O],
    params: countUnder(m.slab, 'head'),
    trainable: true,
    detail: c.head.dropout > 0 ? `dropout ${c.head.dropout} on its input` : '',
  });
  return finish('SequenceModel', layers, m);
}

export function summarizeSeq2Seq(m: Summarised<Seq2SeqConfig>): ModelSummary {
  const c = m.config;
  const H = c.recurrent.hiddenSize;
  const att = c.attention;
  // With input feeding the decoder reads [its input ; the previous context] (K = the encoder's output width).
  const fed = feedsInput(att) ? att!.keySize : 0;
  const layers: LayerSummary[] = [];
  const side = (prefix: string, s: SideConfig, bidirectional: boolean, extra: number) => {
    const e = inputLayer(m, `${prefix}.embedding`, s);
    if (e) layers.push(e);
    const layer = recurrentLayer(m, `${prefix}.rnn`, s, { ...c.recurrent, bidirectional });
    if (extra > 0) {
      const read = s.kind === 'tokens' ? s.size : s.dim;
      layer.inputShape = ['time', 'batch', read + extra];
      layer.detail += `, input fed the previous context (${extra})`;
    }
    layers.push(layer);
  };
  side('encoder', c.source, c.directions === 2, 0);
  side('decoder', c.target, false, fed);
  // The decoder starts from the encoder's final state; its outputs go through the head at every target step.
  layers[layers.length - 1].detail += ', starts from the encoder state';
  if (att) {
    layers.push({
      name: 'decoder.attention',
      kind: `Attention (${att.score})`,
      inputShape: ['time', 'batch', H],
      outputShape: ['time', 'batch', att.keySize],
      params: countUnder(m.slab, 'decoder.attention'),
      trainable: true,
      detail: `over the encoder outputs (src time, batch, ${att.keySize}); feed ${att.feed}`,
    });
  }
  const headIn = H + (feedsOutput(att) ? att!.keySize : 0);
  layers.push({
    name: 'decoder.head',
    kind: 'Dense',
    inputShape: ['time', 'batch', headIn],
    outputShape: ['time', 'batch', c.target.size],
    params: countUnder(m.slab, 'decoder.head'),
    trainable: true,
    detail: headIn > H ? 'target vocabulary logits from [h ; context]' : 'target vocabulary logits',
  });
  return finish('Seq2Seq', layers, m);
}
