// The ends of the model: the embedding (Gather of constant rows by the token ids) or OneHot before the recurrent
// layers, and after them the Linear head (MatMul [+ Add] or Gemm) on either every step's outputs ('none') or the
// top layer's final states ('last': h_n[-1], torch.cat([h_n[-2], h_n[-1]], 1), or out[-1] of a one-direction
// layer), then at most one activation. What reaches the graph output is checked to be exactly that.

import type { Activation, Assembly, HeadPlan } from './onnx-assembly.ts';
import { holds } from './onnx-assembly.ts';
import { attentionWeights } from './onnx-attention.ts';
import type { NodeCtx } from './onnx-node.ts';
import { type Axis, isSym, range, type Value, type View } from './onnx-values.ts';

export function embedding(ctx: NodeCtx, table: Value, ids: View, asm: Assembly): Value[] {
  ctx.onlyAttributes('axis');
  if (ctx.int('axis', 0) !== 0) ctx.refuse('an embedding Gather must gather rows (axis 0)');
  const w = ctx.floats(table, 'embedding weight');
  if (w.dims.length !== 2) ctx.refuse(`embedding weight must be [V, E] but is [${w.dims.join(', ')}]`);
  checkIds(ctx, ids, asm);
  const [V, E] = w.dims;
  asm.embedding = { node: ctx.name, weight: w.data, V, E };
  return [
    {
      kind: 'view',
      src: 'emb',
      axes: [...ids.axes, { coords: range('e', E, ctx.budget) }],
      fixed: {},
      stage: 0,
    },
  ];
}

function checkIds(ctx: NodeCtx, ids: View, asm: Assembly): void {
  if (ids.src !== 'ids' || ids.axes.length !== 2 || !ids.axes.every(isSym)) {
    ctx.refuse('the indices must be the token-id input [T, B] or [B, T]');
  }
  if (asm.embedding || asm.onehot) ctx.refuse('a second embedding of the token ids');
}

export function oneHot(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  ctx.onlyAttributes('axis');
  const ids = ctx.view(inputs[0], 'indices');
  if (ctx.int('axis', -1) !== -1 && ctx.int('axis', -1) !== 2) ctx.refuse('OneHot must add the last axis');
  const depth = ctx.numbers(inputs[1], 'depth');
  const values = ctx.floats(inputs[2], 'values').data;
  if (depth.length !== 1 || !(depth[0] >= 1) || values.length !== 2 || values[0] !== 0 || values[1] !== 1) {
    ctx.refuse('OneHot must have one depth and values [0, 1]');
  }
  checkIds(ctx, ids, asm);
  asm.onehot = { node: ctx.name, V: depth[0] };
  return [
    {
      kind: 'view',
      src: 'onehot',
      axes: [...ids.axes, { coords: range('v', depth[0], ctx.budget) }],
      fixed: {},
      stage: 0,
    },
  ];
}

/** MatMul(view, W [C, O]) and Gemm(view, W, bias): the head. */
export function linear(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  const gemm = ctx.node.opType === 'Gemm';
  if (gemm) {
    ctx.onlyAttributes('alpha', 'beta', 'transA', 'transB');
    if (ctx.float('alpha', 1) !== 1 || ctx.float('beta', 1) !== 1 || ctx.int('transA', 0) !== 0) {
      ctx.refuse('Gemm with alpha, beta other than 1 or transA is not supported');
    }
  } else ctx.onlyAttributes();
  const x = ctx.view(inputs[0], 'A (the head input)');
  const b = ctx.floats(inputs[1], 'B (the head weight)');
  if (b.dims.length !== 2) ctx.refuse(`the weight must be a matrix but is [${b.dims.join(', ')}]`);
  const transB = gemm && ctx.int('transB', 0) === 1;
  const [C, O] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  // nn.Linear's layout [O, C].
  const weight = transB ? b.data.slice() : transpose(b.data, C, O);
  const out = startHead(ctx, x, weight, C, O, asm);
  if (gemm && inputs[2] !== undefined) return [addBias(ctx, out, inputs[2], asm)];
  return [out];
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** The head on `x`: its pooling follows from what x holds. */
export function startHead(
  ctx: NodeCtx,
  x: View,
  weight: Float32Array,
  C: number,
  O: number,
  asm: Assembly,
): View {
  if (asm.head) ctx.refuse(`a second Linear after the head "${asm.head.node}"`);
  if (x.src !== 'y' && x.src !== 'hN' && x.src !== 'pooled') {
    ctx.refuse(
      `only a Linear head after the recurrent layers is supported, but this one reads ${x.src === 'head' ? 'the head' : x.src}`,
    );
  }
  const top = asm.layers.length - 1;
  const layer = asm.layers[top];
  const last = x.axes[x.axes.length - 1];
  if (last === undefined || isSym(last) || last.coords.n !== C)
    ctx.refuse(`the head input's last axis must have ${C} features`);
  const grid: [string, number][] = [
    ['d', layer.D],
    ['j', layer.H],
  ];
  const c = last.coords;
  let pooling: HeadPlan['pooling'];
  if (x.src === 'hN' && holds(c, x.fixed, grid, { k: top })) pooling = 'last';
  else if (x.src === 'pooled' && holds(c, x.fixed, grid, { k: top })) pooling = 'attention';
  else if (x.src === 'y' && holds(c, x.fixed, grid, { k: top })) pooling = 'none';
  else if (x.src === 'y' && holds(c, x.fixed, grid, { k: top, t: -1 })) {
    if (layer.lengths) {
      ctx.refuse(
        'the last step of the outputs is padding for shorter rows; with sequence_lens use the final states (Y_h)',
      );
    }
    if (layer.D === 2) {
      ctx.refuse(
        "the last step of a bidirectional layer's outputs holds the backward direction's first step, not a final state; use the final states (torch.cat([h_n[-2], h_n[-1]], 1))",
      );
    }
    pooling = 'last';
  } else {
    return ctx.refuse(
      `the head input must be the top recurrent layer's outputs or final states, whole and in order`,
    );
  }
  const others = x.axes.slice(0, -1);
  const syms = others.filter(isSym).map((a) => ctx.dims.root(a.sym));
  const want = pooling === 'none' ? [asm.time, asm.batch] : [asm.batch];
  if (others.length !== want.length || syms.length !== want.length || !want.every((s) => syms.includes(s!))) {
    ctx.refuse(
      `the head input must be [${pooling === 'none' ? 'T, B' : 'B'}, ${C}] (either order of T and B)`,
    );
  }
  asm.head = { node: ctx.name, weight, bias: new Float32Array(O), O, C, pooling, stage: 0, biased: false };
  return {
    kind: 'view',
    src: 'head',
    axes: [...others, { coords: range('o', O, ctx.budget) }],
    fixed: {},
    stage: 0,
  };
}

/** Add(head, bias) in either order. */
export function add(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  ctx.onlyAttributes();
  const [a, b] = inputs;
  if (a?.kind === 'view' && b?.kind !== 'view') return [addBias(ctx, a, b, asm)];
  if (b?.kind === 'view' && a?.kind !== 'view') return [addBias(ctx, b, a, asm)];
  return ctx.refuse('only the bias of the Linear head may be added (a constant to the head)');
}

function addBias(ctx: NodeCtx, x: View, bias: Value | undefined, asm: Assembly): View {
  const head = asm.head;
  if (x.src !== 'head' || !head || head.biased || x.stage !== head.stage || head.stage !== 0) {
    return ctx.refuse('only the bias of the Linear head may be added (a constant to the head)');
  }
  const b = ctx.floats(bias, 'bias');
  const last = x.axes[x.axes.length - 1];
  const lastIsO = !isSym(last) && holds(last.coords, x.fixed, [['o', head.O]]);
  if (
    !lastIsO ||
    b.data.length !== head.O ||
    b.dims.length > x.axes.length ||
    b.dims.slice(0, -1).some((d) => d !== 1)
  ) {
    ctx.refuse(`the bias must be [${head.O}] along the head's outputs but is [${b.dims.join(', ')}]`);
  }
  head.bias = b.data.slice();
  head.biased = true;
  head.stage = 1;
  return { ...x, stage: 1 };
}

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  Softmax: 'softmax',
  LogSoftmax: 'logSoftmax',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Relu: 'relu',
};

export const isActivation = (op: string) => Object.hasOwn(ACTIVATIONS, op);

export function activation(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  const op = ctx.node.opType;
  const softmax = op === 'Softmax' || op === 'LogSoftmax';
  ctx.onlyAttributes(...(softmax ? ['axis'] : []));
  const x = ctx.view(inputs[0], 'input');
  const head = asm.head;
  if (x.src !== 'head' || !head || x.stage !== head.stage || head.activation) {
    return ctx.refuse(`${op} is supported only once, on the output of the Linear head`);
  }
  if (softmax) {
    const rank = x.axes.length;
    const axis = ctx.axis(ctx.int('axis', ctx.opset >= 13 ? -1 : 1), rank);
    const over = x.axes[axis];
    if (isSym(over) && asm.time !== undefined && ctx.dims.same(over.sym, asm.time)) {
      return attentionWeights(ctx, x, asm);
    }
    // Before opset 13, Softmax flattens every axis from `axis` on: only the last axis is one output vector.
    if (
      isSym(over) ||
      !holds(over.coords, x.fixed, [['o', head.O]]) ||
      (ctx.opset < 13 && axis !== rank - 1)
    ) {
      ctx.refuse(`${op} must run over the head's outputs (the last axis)`);
    }
  }
  head.activation = ACTIVATIONS[op];
  head.stage += 1;
  return [{ ...x, stage: head.stage }];
}

/** The graph output: the head's last stage, [T, B, O] / [B, T, O] (per step) or [B, O]. */
export function checkOutput(ctx: NodeCtx, v: Value | undefined, asm: Assembly): { batchFirst: boolean } {
  const out = ctx.view(v, 'the graph output');
  let x = out;
  if (x.src === 'y' || x.src === 'hN') {
    // No Linear: an identity head keeps the graph's outputs exactly.
    const last = x.axes[x.axes.length - 1];
    const C = last && !isSym(last) ? last.coords.n : 0;
    const eye = new Float32Array(C * C);
    for (let i = 0; i < C; i++) eye[i * C + i] = 1;
    x = startHead(ctx, x, eye, C, C, asm);
  }
  const head = asm.head;
  const last = x.axes[x.axes.length - 1] as Axis;
  if (
    x.src !== 'head' ||
    !head ||
    x.stage !== head.stage ||
    isSym(last) ||
    !holds(last.coords, x.fixed, [['o', head.O]])
  ) {
    ctx.refuse("the graph output must be the head's output, whole and in order");
  }
  const first = x.axes[0];
  return { batchFirst: head.pooling === 'none' && isSym(first) && ctx.dims.same(first.sym, asm.batch!) };
}
