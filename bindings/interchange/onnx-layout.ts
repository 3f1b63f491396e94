// The operators that only move values around (Shape, Gather, Squeeze, Unsqueeze, Transpose, ConstantOfShape,
// Constant, Cast, Identity, Dropout in inference; Concat and Slice in onnx-slice.ts, Reshape and Expand in
// onnx-reshape.ts), on every kind of value the importer tracks: on integer constants they compute (shape
// arithmetic), on ConstantOfShape's fill they track the dims, and on views they move coordinates, so nothing
// about the real data is ever assumed.

import { kindOf, type NodeCtx } from './onnx-node.ts';
import { DT } from './onnx-proto.ts';
import { expand, pad, reshape } from './onnx-reshape.ts';
import { concatOp, slice } from './onnx-slice.ts';
import { floatValues, isFloatType, isIntType, unreadable } from './onnx-tensor.ts';
import {
  type Axis,
  at,
  type Dim,
  dimsOf,
  isSym,
  MINUS_ONE,
  reView,
  select,
  UNIT,
  type Value,
} from './onnx-values.ts';

export type LayoutOp = (ctx: NodeCtx, inputs: readonly (Value | undefined)[]) => Value[];

function constant(ctx: NodeCtx): Value[] {
  const a = ctx.node.attributes[0];
  if (ctx.node.attributes.length !== 1) ctx.refuse('a Constant must have exactly one attribute');
  if (a.name === 'value' && a.t) return [{ kind: 'tensor', t: a.t }];
  if (a.name === 'value_float' && a.f !== undefined)
    return [{ kind: 'floats', dims: [], data: Float32Array.of(a.f) }];
  if (a.name === 'value_floats')
    return [{ kind: 'floats', dims: [a.floats.length], data: Float32Array.from(a.floats) }];
  if (a.name === 'value_int' && a.i !== undefined) return [{ kind: 'ints', dims: [], values: [a.i] }];
  if (a.name === 'value_ints') return [{ kind: 'ints', dims: [a.ints.length], values: a.ints }];
  return ctx.refuse(`Constant attribute ${a.name} is not supported`);
}

function identity(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  if (ctx.node.opType === 'Dropout') {
    // Inference: Dropout is the identity unless training_mode is a true constant.
    if (inputs[2] !== undefined && ctx.numbers(inputs[2], 'training_mode').some((x) => x !== 0)) {
      ctx.refuse('Dropout in training mode');
    }
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '')
      ctx.refuse('the Dropout mask output is used');
  } else ctx.onlyAttributes();
  return [ctx.need(inputs[0], 'input')];
}

function cast(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const to = ctx.int('to', 0);
  const x = ctx.need(inputs[0], 'input');
  const toInt = isIntType(to) && to !== DT.BOOL;
  if (x.kind === 'view') {
    if ((x.src === 'ids') === toInt && (toInt || to === DT.FLOAT)) return [x];
  } else if (x.kind === 'ints' || (x.kind === 'tensor' && isIntType(x.t.dataType))) {
    if (toInt) return [x];
  } else if (x.kind === 'floats' || (x.kind === 'tensor' && isFloatType(x.t.dataType))) {
    if (to === DT.FLOAT) return [x];
  } else if (x.kind === 'fill' && to === DT.FLOAT) return [x];
  return ctx.refuse(`Cast to element type ${to} of ${kindOf(x)}`);
}

function shape(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const d = dimsOf(ctx.need(inputs[0], 'input'));
  const r = d.length;
  const clamp = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
  const values = d.slice(clamp(ctx.int('start', 0)), clamp(ctx.int('end', r)));
  return [{ kind: 'ints', dims: [values.length], values }];
}

/** Axes of Squeeze/Unsqueeze: an input from opset 13, an attribute before. */
function axesOf(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): number[] | undefined {
  if (inputs[1] !== undefined) return ctx.numbers(inputs[1], 'axes');
  return ctx.ints('axes');
}

function unsqueeze(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const x = ctx.need(inputs[0], 'input');
  const given = axesOf(ctx, inputs) ?? ctx.refuse('Unsqueeze needs axes');
  const rank = dimsOf(x).length + given.length;
  const axes = new Set(given.map((a) => ctx.axis(a, rank, 'Unsqueeze axis')));
  if (axes.size !== given.length) ctx.refuse('Unsqueeze axes repeat');
  const insert = <T>(items: readonly T[], one: T): T[] => {
    const out: T[] = [];
    let i = 0;
    for (let a = 0; a < rank; a++) out.push(axes.has(a) ? one : items[i++]);
    return out;
  };
  if (x.kind === 'view') return [reView(x, insert<Axis>(x.axes, { coords: UNIT }))];
  if (x.kind === 'fill') return [{ ...x, dims: insert<Dim>(x.dims, 1) }];
  const c = ctx.ints0(x, 'Unsqueeze input');
  return [{ kind: 'ints', dims: insert<number>(c.dims, 1), values: c.values }];
}

function squeeze(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const x = ctx.need(inputs[0], 'input');
  const d = dimsOf(x);
  const given = axesOf(ctx, inputs);
  // Without axes, Squeeze drops every axis of size 1 at run time: a batch of 1 would go too.
  if (given === undefined && d.some((n) => typeof n !== 'number')) {
    ctx.refuse('Squeeze without axes of a tensor with dynamic axes');
  }
  const axes = new Set(
    given === undefined ? d.flatMap((n, a) => (n === 1 ? [a] : [])) : given.map((a) => ctx.axis(a, d.length)),
  );
  for (const a of axes) {
    if (d[a] !== 1) ctx.refuse(`Squeeze of axis ${a}, whose size is ${d[a]} (it must be 1)`);
  }
  const keep = <T>(items: readonly T[]) => items.filter((_, a) => !axes.has(a));
  if (x.kind === 'view') {
    let fixed = x.fixed;
    for (const a of axes) {
      const axis = x.axes[a];
      if (isSym(axis)) ctx.refuse(`Squeeze of axis ${a}, which is a dynamic dimension`);
      fixed = { ...fixed, ...at(axis.coords, 0) };
    }
    return [reView(x, keep(x.axes), fixed)];
  }
  if (x.kind === 'fill') return [{ ...x, dims: keep(x.dims) }];
  const c = ctx.ints0(x, 'Squeeze input');
  return [{ kind: 'ints', dims: keep(c.dims), values: c.values }];
}

/** Gather with constant indices (Gather of rows from a constant by a view is the embedding: onnx-head.ts). */
export function gatherLayout(ctx: NodeCtx, x: Value, indices: Value): Value[] {
  const idx = ctx.ints0(indices, 'Gather indices');
  if (idx.dims.length > 1) ctx.refuse('Gather with indices of rank > 1');
  const scalar = idx.dims.length === 0;
  const d = dimsOf(x);
  const a = ctx.axis(ctx.int('axis', 0), d.length);
  const size = d[a];
  const list = idx.values.map((i) => {
    if (typeof i !== 'number') return ctx.refuse('Gather indices depend on the input size');
    if (typeof size !== 'number') return i;
    if (i < -size || i >= size) ctx.refuse(`Gather index ${i} is out of range for size ${size}`);
    return i < 0 ? i + size : i;
  });
  const replace = <T>(items: readonly T[], by: T[]): T[] => [
    ...items.slice(0, a),
    ...by,
    ...items.slice(a + 1),
  ];
  if (x.kind === 'view') {
    const axis = x.axes[a];
    if (isSym(axis)) {
      const last = scalar && list[0] === -1;
      if (!last || x.src !== 'y' || ctx.time === undefined || !ctx.dims.same(axis.sym, ctx.time)) {
        ctx.refuse(
          `Gather along a dynamic axis (only the last step, index -1, of the recurrent outputs is supported)`,
        );
      }
      return [reView(x, replace(x.axes, []), { ...x.fixed, t: -1 })];
    }
    if (scalar) return [reView(x, replace(x.axes, []), { ...x.fixed, ...at(axis.coords, list[0]) })];
    return [reView(x, replace<Axis>(x.axes, [{ coords: select(axis.coords, list, ctx.budget) }]))];
  }
  if (typeof size !== 'number') ctx.refuse('Gather along a dynamic axis of a constant');
  if (x.kind === 'fill') return [{ ...x, dims: replace(x.dims, scalar ? [] : [list.length]) }];
  const c = ctx.ints0(x, 'Gather data');
  if (c.dims.length !== 1) ctx.refuse('Gather from an integer constant of rank > 1');
  return [{ kind: 'ints', dims: scalar ? [] : [list.length], values: list.map((i) => c.values[i]) }];
}

function transpose(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const x = ctx.need(inputs[0], 'input');
  const rank = dimsOf(x).length;
  const perm = ctx.ints('perm') ?? [...Array(rank).keys()].reverse();
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => !(p >= 0 && p < rank))) {
    ctx.refuse(`Transpose perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  }
  if (x.kind === 'view')
    return [
      reView(
        x,
        perm.map((p) => x.axes[p]),
      ),
    ];
  if (x.kind === 'fill') return [{ ...x, dims: perm.map((p) => x.dims[p]) }];
  if (rank <= 1) return [x];
  return ctx.refuse('Transpose of a constant of rank > 1');
}

function constantOfShape(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  ctx.onlyAttributes('value');
  const dims = ctx.ints0(inputs[0], 'shape').values;
  for (const d of dims)
    if (typeof d === 'number' && d < 0) ctx.refuse(`ConstantOfShape with a dimension ${d}`);
  const t = ctx.attr('value')?.t;
  let value = 0;
  if (t !== undefined) {
    if (t.size !== 1 || unreadable(t, 'float')) ctx.refuse('ConstantOfShape value must be one float');
    value = floatValues(t)[0];
  }
  return [{ kind: 'fill', dims, value }];
}

/** Integer subtraction (shape arithmetic); a symbol minus 1 is kept as MINUS_ONE + symbol. */
function sub(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  ctx.onlyAttributes();
  const a = ctx.ints0(inputs[0], 'A');
  const b = ctx.numbers(inputs[1], 'B');
  if (b.length !== 1 && b.length !== a.values.length) ctx.refuse('Sub of integers with different lengths');
  const values = a.values.map((v, i) => {
    const by = b.length === 1 ? b[0] : b[i];
    if (typeof v === 'number') return v - by;
    if (by === 0) return v;
    if (by === 1 && !v.startsWith(MINUS_ONE)) return `${MINUS_ONE}${v}`;
    return ctx.refuse('Sub of a dynamic size by more than 1');
  });
  return [{ kind: 'ints', dims: a.dims, values }];
}

export const LAYOUT_OPS: Readonly<Record<string, LayoutOp>> = {
  Constant: constant,
  Identity: identity,
  Dropout: identity,
  Cast: cast,
  Shape: shape,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concatOp,
  Slice: slice,
  Transpose: transpose,
  ConstantOfShape: constantOfShape,
  Reshape: reshape,
  Expand: expand,
  Pad: pad,
  Sub: sub,
};
