// ONNX's LSTM, GRU and RNN operators as layers of our model. Each node must be what PyTorch computes: default
// activations (or Relu for RNN), no clip, no peepholes, no coupled input-forget gate, GRU with
// linear_before_reset 1 or 0 (the same in every layer; 0 is gru: { resetAfter: false }), direction forward or
// bidirectional, layout 0 or 1, sequence_lens absent or the graph's lengths input, and an initial state that is
// zeros or the slice of one graph input [L·D, B, H] that torch.nn gives layer k. Its input must be exactly the
// model's input (layer 0) or the previous layer's outputs. Weights come out under PyTorch's names and gate order.

import type { CellType } from '../model/cells.ts';
import { gateCount, onnxToTorch } from './gates.ts';
import { type Assembly, holds, type LayerPlan } from './onnx-assembly.ts';
import type { NodeCtx } from './onnx-node.ts';
import { type Axis, isSym, range, type Value, type View } from './onnx-values.ts';

const DEFAULT_ACTIVATIONS: Record<string, readonly string[]> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

export function recurrentNode(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  const op = ctx.node.opType;
  ctx.onlyAttributes(
    'activations',
    'direction',
    'hidden_size',
    'layout',
    ...(op === 'LSTM' ? ['input_forget'] : op === 'GRU' ? ['linear_before_reset'] : []),
  );
  const direction = ctx.string('direction', 'forward');
  if (direction === 'reverse') ctx.refuse('direction "reverse" (a lone backward layer) is not supported');
  if (direction !== 'forward' && direction !== 'bidirectional') ctx.refuse(`direction "${direction}"`);
  const D = direction === 'bidirectional' ? 2 : 1;
  const layout = ctx.int('layout', 0);
  if (layout !== 0 && layout !== 1) ctx.refuse(`layout ${layout}`);
  if (op === 'LSTM' && ctx.int('input_forget', 0) !== 0)
    ctx.refuse('input_forget 1 (coupled gates) is not supported');
  // linear_before_reset 1 is PyTorch's GRU; 0 (ONNX's default) applies r before the product, gru.resetAfter false.
  const linearBeforeReset = op === 'GRU' ? ctx.int('linear_before_reset', 0) : 1;
  if (linearBeforeReset !== 0 && linearBeforeReset !== 1)
    ctx.refuse(`linear_before_reset ${linearBeforeReset}`);
  const cell = cellOf(ctx, op, D);
  const G = gateCount(cell);

  const W = ctx.floats(inputs[1], 'W');
  const R = ctx.floats(inputs[2], 'R');
  if (W.dims.length !== 3 || W.dims[0] !== D || W.dims[1] % G !== 0 || W.dims[1] === 0) {
    ctx.refuse(`W must be [${D}, ${G}·hidden_size, input_size] but is [${W.dims.join(', ')}]`);
  }
  const H = W.dims[1] / G;
  const I = W.dims[2];
  if (ctx.attr('hidden_size') !== undefined && ctx.int('hidden_size', 0) !== H) {
    ctx.refuse(`hidden_size ${ctx.int('hidden_size', 0)} disagrees with W [${W.dims.join(', ')}]`);
  }
  if (!sameDims(R.dims, [D, G * H, H]))
    ctx.refuse(`R must be [${D}, ${G * H}, ${H}] but is [${R.dims.join(', ')}]`);
  const Bv = inputs[3] === undefined ? undefined : ctx.floats(inputs[3], 'B');
  if (Bv && !sameDims(Bv.dims, [D, 2 * G * H]))
    ctx.refuse(`B must be [${D}, ${2 * G * H}] but is [${Bv.dims.join(', ')}]`);
  if (op === 'LSTM' && inputs[7] !== undefined) {
    const P = ctx.floats(inputs[7], 'P (peepholes)');
    if (P.data.some((v) => v !== 0)) ctx.refuse('peephole weights (P) are not supported');
  }

  const k = asm.layers.length;
  const X = ctx.view(inputs[0], 'X');
  checkX(ctx, X, layout, I, asm);
  const layer: LayerPlan = {
    node: ctx.name,
    opType: op,
    cell,
    resetAfter: linearBeforeReset === 1,
    H,
    D,
    I,
    weights: {},
    lengths: lengthsInput(ctx, inputs[4], asm),
    h0: initialState(ctx, inputs[5], 'h0', { layout, D, H, k }, asm),
    c0: op === 'LSTM' ? initialState(ctx, inputs[6], 'c0', { layout, D, H, k }, asm) : 'zeros',
  };
  const first = asm.layers[0];
  if (first && first.resetAfter !== layer.resetAfter) {
    ctx.refuse('some GRU layers have linear_before_reset 1 and others 0; a model stacks layers of one kind');
  }
  if (first && (first.cell !== cell || first.H !== H || first.D !== D)) {
    ctx.refuse(
      `layers differ (${first.opType} ${first.cell} hidden ${first.H}×${first.D} then ${op} ${cell} hidden ${H}×${D}); a model stacks layers of one kind and size`,
    );
  }
  if (first && (first.h0 !== layer.h0 || first.c0 !== layer.c0)) {
    ctx.refuse('some layers start from zeros and others from the initial-state input');
  }
  if (first && first.lengths !== layer.lengths)
    ctx.refuse('some layers read sequence_lens and others do not');
  for (let d = 0; d < D; d++) {
    const s = `_l${k}${d === 1 ? '_reverse' : ''}`;
    const GH = G * H;
    layer.weights[`weight_ih${s}`] = onnxToTorch(cell, W.data.subarray(d * GH * I, (d + 1) * GH * I), H, I);
    layer.weights[`weight_hh${s}`] = onnxToTorch(cell, R.data.subarray(d * GH * H, (d + 1) * GH * H), H, H);
    const b = Bv?.data.subarray(d * 2 * GH, (d + 1) * 2 * GH) ?? new Float32Array(2 * GH);
    layer.weights[`bias_ih${s}`] = onnxToTorch(cell, b.subarray(0, GH), H, 1);
    layer.weights[`bias_hh${s}`] = onnxToTorch(cell, b.subarray(GH), H, 1);
  }
  asm.layers.push(layer);
  return outputs(ctx, layout, D, H, k, asm, op === 'LSTM');
}

function cellOf(ctx: NodeCtx, op: string, D: number): CellType {
  const given = ctx.attr('activations')?.strings;
  const base = DEFAULT_ACTIVATIONS[op];
  const repeat = (a: readonly string[]) => Array.from({ length: D }, () => a).flat();
  if (op === 'RNN') {
    const list = given ?? repeat(['Tanh']);
    if (list.length === D && list.every((a) => a === 'Tanh')) return 'rnn_tanh';
    if (list.length === D && list.every((a) => a === 'Relu')) return 'rnn_relu';
    return ctx.refuse(`activations [${list.join(', ')}]: only Tanh or Relu, the same in every direction`);
  }
  if (given !== undefined && given.join() !== repeat(base).join()) {
    ctx.refuse(`activations [${given.join(', ')}]: only the defaults [${base.join(', ')}] are supported`);
  }
  return op === 'LSTM' ? 'lstm' : 'gru';
}

const sameDims = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** X must be the model's input (layer 0) or the previous layer's outputs, [T, B, I] (layout 1: [B, T, I]). */
function checkX(ctx: NodeCtx, X: View, layout: number, I: number, asm: Assembly): void {
  const [a0, a1, a2] = X.axes;
  if (X.axes.length !== 3 || !isSym(a0) || !isSym(a1) || isSym(a2)) {
    ctx.refuse(`X must be [${layout ? 'B, T' : 'T, B'}, ${I}] with dynamic time and batch axes`);
  }
  const [T, B] = layout === 0 ? [a0.sym, a1.sym] : [a1.sym, a0.sym];
  if (asm.time === undefined || asm.batch === undefined) {
    if (ctx.dims.same(T, B)) ctx.refuse('X has the same symbol for time and batch');
    asm.time = ctx.dims.root(T);
    asm.batch = ctx.dims.root(B);
  } else if (!ctx.dims.same(T, asm.time) || !ctx.dims.same(B, asm.batch)) {
    ctx.refuse("X's time and batch axes are not the model input's");
  }
  const c = a2.coords;
  const k = asm.layers.length;
  if (c.n !== I) ctx.refuse(`X has ${c.n} features but W expects ${I}`);
  let ok: boolean;
  if (k === 0) {
    const vector = X.src === 'vec_every' ? 'every' : X.src === 'vec_first' ? 'first' : undefined;
    if (vector) asm.vector = vector;
    const grid =
      X.src === 'x' || vector
        ? 'f'
        : X.src === 'emb'
          ? 'e'
          : X.src === 'onehot'
            ? 'v'
            : ctx.refuse(whatX(X, 'the model input'));
    ok = holds(c, X.fixed, [[grid, I]]);
  } else {
    const prev = asm.layers[k - 1];
    if (X.src !== 'y') ctx.refuse(whatX(X, `the outputs of the previous recurrent node "${prev.node}"`));
    ok = holds(
      c,
      X.fixed,
      [
        ['d', prev.D],
        ['j', prev.H],
      ],
      { k: k - 1 },
    );
  }
  if (!ok) ctx.refuse('X is not the previous stage in order (its features are reordered, sliced or mixed)');
}

const whatX = (X: View, want: string) =>
  `X must be ${want}, but it comes from ${X.src === 'y' ? 'recurrent outputs' : X.src}`;

/** sequence_lens: absent, or the graph's lengths input [B] (the same for every layer). */
function lengthsInput(ctx: NodeCtx, v: Value | undefined, asm: Assembly): boolean {
  if (v === undefined) return false;
  const ok = v.kind === 'view' && v.src === 'lens' && v.axes.length === 1 && isSym(v.axes[0]);
  if (!ok || !ctx.dims.unify((v.axes[0] as { sym: string }).sym, asm.batch!)) {
    ctx.refuse('sequence_lens must be the graph input of lengths [B]');
  }
  return true;
}

/** An initial state: zeros (absent, ConstantOfShape 0, a zero constant) or layer k's slice of a graph input. */
function initialState(
  ctx: NodeCtx,
  v: Value | undefined,
  which: 'h0' | 'c0',
  s: { layout: number; D: number; H: number; k: number },
  asm: Assembly,
): 'zeros' | 'input' {
  const what = which === 'h0' ? 'initial_h' : 'initial_c';
  const batchAt = s.layout === 0 ? 1 : 0;
  const dirAt = 1 - batchAt;
  const want = s.layout === 0 ? `[${s.D}, B, ${s.H}]` : `[B, ${s.D}, ${s.H}]`;
  if (v === undefined) return 'zeros';
  if (v.kind === 'fill' || v.kind === 'tensor' || v.kind === 'floats') {
    const dims = v.kind === 'fill' ? v.dims : v.kind === 'tensor' ? v.t.dims : v.dims;
    const zero = v.kind === 'fill' ? v.value === 0 : ctx.floats(v, what).data.every((x) => x === 0);
    if (!zero) ctx.refuse(`${what} is a non-zero constant (only zeros or a graph input are supported)`);
    const ok =
      dims.length === 3 &&
      dims[dirAt] === s.D &&
      dims[2] === s.H &&
      ctx.dims.unify(dims[batchAt], asm.batch ?? 0);
    if (!ok) ctx.refuse(`${what} must be ${want} but is [${dims.join(', ')}]`);
    return 'zeros';
  }
  if (v.kind !== 'view' || v.src !== which) {
    return ctx.refuse(`${what} must be zeros or a slice of the ${which} graph input [L·D, B, H]`);
  }
  const axes = v.axes as Axis[];
  const batch = axes[batchAt];
  const dirs = axes[dirAt];
  const units = axes[2];
  const ok =
    axes.length === 3 &&
    isSym(batch) &&
    ctx.dims.unify(batch.sym, asm.batch ?? batch.sym) &&
    !isSym(dirs) &&
    !isSym(units) &&
    dirs.coords.n === s.D &&
    Object.keys(dirs.coords.atoms).every((a) => a === 'u') &&
    Array.from({ length: s.D }, (_, d) => (dirs.coords.atoms.u?.[d] ?? v.fixed.u) === s.k * s.D + d).every(
      Boolean,
    ) &&
    holds(units.coords, {}, [['j', s.H]]) &&
    Object.keys(v.fixed).every((a) => a === 'u');
  if (!ok) {
    ctx.refuse(
      `${what} must be rows ${s.k * s.D}..${s.k * s.D + s.D - 1} of the ${which} input [L·D, B, H], in order`,
    );
  }
  return 'input';
}

function outputs(
  ctx: NodeCtx,
  layout: number,
  D: number,
  H: number,
  k: number,
  asm: Assembly,
  lstm: boolean,
): Value[] {
  const T = { sym: asm.time! };
  const B = { sym: asm.batch! };
  const d = { coords: range('d', D, ctx.budget) };
  const j = { coords: range('j', H, ctx.budget) };
  const fixed = { k };
  const v = (src: View['src'], axes: Axis[]): View => ({ kind: 'view', src, axes, fixed, stage: 0 });
  const Y = v('y', layout === 0 ? [T, d, B, j] : [B, T, d, j]);
  const state = (src: 'hN' | 'cN') => v(src, layout === 0 ? [d, B, j] : [B, d, j]);
  return lstm ? [Y, state('hN'), state('cN')] : [Y, state('hN')];
}
