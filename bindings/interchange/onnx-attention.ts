// Attention pooling, as our exporter and a PyTorch module write it: scores = Linear(D·H, 1) on every step of the
// top layer's outputs, α = Softmax over time, pooled = ReduceSum over time of outputs · α, then the Linear head.
// The scorer first looks like a head with one output; a Softmax over time turns it into the attention scorer.

import { type Assembly, holds } from './onnx-assembly.ts';
import type { NodeCtx } from './onnx-node.ts';
import { isSym, reView, type Value, type View } from './onnx-values.ts';

/** Softmax over time of the one-output "head": it was the attention scorer; returns α. */
export function attentionWeights(ctx: NodeCtx, x: View, asm: Assembly): Value[] {
  const head = asm.head!;
  const top = asm.layers[asm.layers.length - 1];
  if (
    ctx.node.opType !== 'Softmax' ||
    head.O !== 1 ||
    head.pooling !== 'none' ||
    head.activation ||
    ctx.opset < 13
  ) {
    ctx.refuse(
      'a softmax over time is supported only as attention pooling: Softmax (opset ≥ 13) of one score per step',
    );
  }
  if (top.lengths) ctx.refuse('attention pooling with sequence_lens (the graph would weigh padded steps)');
  asm.attention = { node: ctx.name, weight: head.weight, bias: head.bias[0] };
  asm.head = undefined;
  const last = x.axes.length - 1;
  // α [T, B, 1]: its length-1 axis broadcasts over the features.
  return [
    reView(
      { ...x, src: 'alpha', stage: 0 },
      x.axes.map((a, i) => (i === last ? { coords: { n: 1, atoms: {} } } : a)),
      {},
    ),
  ];
}

/** Mul(outputs, α) in either order: every step's outputs weighted. */
export function mul(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  ctx.onlyAttributes();
  const refuse = () => ctx.refuse("Mul is supported only as attention weights times the top layer's outputs");
  const [a, b] = inputs;
  if (a?.kind !== 'view' || b?.kind !== 'view') return refuse();
  const [alpha, seq] = a.src === 'alpha' ? [a, b] : [b, a];
  const top = asm.layers.length - 1;
  const layer = asm.layers[top];
  const channel = seq.axes[seq.axes.length - 1];
  const ok =
    alpha.src === 'alpha' &&
    seq.src === 'y' &&
    !isSym(channel) &&
    holds(
      channel.coords,
      seq.fixed,
      [
        ['d', layer.D],
        ['j', layer.H],
      ],
      { k: top },
    ) &&
    seq.axes.length === alpha.axes.length &&
    seq.axes.every((s, i) => {
      const t = alpha.axes[i];
      if (isSym(s)) return isSym(t) && ctx.dims.same(s.sym, t.sym);
      return !isSym(t) && t.coords.n === 1 && Object.keys(t.coords.atoms).length === 0;
    });
  if (!ok) refuse();
  return [{ ...seq, src: 'weighted' }];
}

/** ReduceSum over time of the weighted outputs: the pooled features [B, D·H]. */
export function reduceSum(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  ctx.onlyAttributes('keepdims', 'noop_with_empty_axes', ...(ctx.opset < 13 ? ['axes'] : []));
  const x = ctx.view(inputs[0], 'data');
  const axes = ctx.opset >= 13 ? (inputs[1] ? ctx.numbers(inputs[1], 'axes') : []) : (ctx.ints('axes') ?? []);
  if (x.src !== 'weighted' || axes.length !== 1)
    ctx.refuse('only the sum over time of attention-weighted outputs');
  const a = ctx.axis(axes[0], x.axes.length);
  const over = x.axes[a];
  if (!isSym(over) || !ctx.dims.same(over.sym, asm.time!))
    ctx.refuse('ReduceSum must run over the time axis');
  const keep = ctx.int('keepdims', 1) === 1;
  const rest = x.axes.map((axis, i) => (i === a ? { coords: { n: 1, atoms: {} } } : axis));
  return [reView({ ...x, src: 'pooled' }, keep ? rest : rest.filter((_, i) => i !== a))];
}
