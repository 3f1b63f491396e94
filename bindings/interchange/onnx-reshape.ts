// Reshape and Expand. A Reshape of a view keeps dynamic axes whole and in order and regroups the coordinate
// axes between them, which must factor; Expand is read only on constants holding one value (torch's zero
// initial state in static exports).

import type { NodeCtx } from './onnx-node.ts';
import {
  type Axis,
  at,
  type Coords,
  type Dim,
  dimsOf,
  isSym,
  MINUS_ONE,
  product,
  reView,
  split,
  type Value,
  type View,
} from './onnx-values.ts';

/** Expand of a constant holding one value everywhere (torch's zero initial state in static exports). */
export function expand(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  ctx.onlyAttributes();
  const x = ctx.need(inputs[0], 'input');
  if (x.kind === 'view') return [repeatVector(ctx, x, ctx.ints0(inputs[1], 'shape').values)];
  let value: number;
  let dims: readonly Dim[];
  if (x.kind === 'fill') [value, dims] = [x.value, x.dims];
  else {
    const f = ctx.floats(x, 'Expand input');
    value = f.data[0];
    if (f.data.length === 0 || f.data.some((v) => v !== value))
      ctx.refuse('Expand of a constant whose values differ');
    dims = f.dims;
  }
  const to = ctx.ints0(inputs[1], 'shape').values;
  const rank = Math.max(dims.length, to.length);
  const pad = (d: readonly Dim[]) => [...Array(rank - d.length).fill(1), ...d];
  const a = pad(dims);
  const b = pad(to);
  const out = a.map((x, i) => {
    const y = b[i];
    if (x === 1) return y;
    if (y === 1 || ctx.dims.unify(x, y)) return x;
    return ctx.refuse(`Expand of dimension ${x} to ${y}`);
  });
  return [{ kind: 'fill', dims: out, value }];
}

const isUnit = (a: Axis) => !isSym(a) && a.coords.n === 1 && Object.keys(a.coords.atoms).length === 0;

/** Expand of the one-vector input [1, B, F] along a dynamic size: the vector at every step. */
function repeatVector(ctx: NodeCtx, x: View, to: readonly Dim[]): View {
  if (x.src !== 'vec' || to.length !== x.axes.length) {
    ctx.refuse('Expand of a computed tensor is supported only for the one-vector input [1, B, F]');
  }
  let grown = 0;
  const axes = x.axes.map((a, i): Axis => {
    const y = to[i];
    if (isUnit(a) && typeof y === 'string' && !y.startsWith(MINUS_ONE)) {
      grown++;
      return { sym: y };
    }
    if (y === 1 || (isSym(a) ? ctx.dims.unify(a.sym, y) : a.coords.n === y)) return a;
    return ctx.refuse(`Expand of axis ${i} to ${y}`);
  });
  if (grown !== 1) ctx.refuse('Expand must repeat the vector along one dynamic axis (the steps)');
  return { ...x, src: 'vec_every', axes };
}

/** Pad of the one-vector input [1, B, F] with steps − 1 zero rows after it: the vector at the first step. */
export function pad(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  ctx.onlyAttributes('mode');
  if (ctx.string('mode', 'constant') !== 'constant') ctx.refuse('only constant padding is supported');
  const x = ctx.view(inputs[0], 'data');
  if (x.src !== 'vec') ctx.refuse('Pad is supported only for the one-vector input [1, B, F]');
  if (inputs[2] !== undefined && ctx.floats(inputs[2], 'constant_value').data.some((v) => v !== 0)) {
    ctx.refuse('Pad with a value other than 0');
  }
  if (inputs[3] !== undefined) ctx.refuse('Pad with axes is not supported');
  const pads = ctx.ints0(inputs[1], 'pads').values;
  const rank = x.axes.length;
  if (pads.length !== 2 * rank) ctx.refuse(`Pad needs ${2 * rank} pads but has ${pads.length}`);
  let grown = 0;
  const axes = x.axes.map((a, i): Axis => {
    const [begin, end] = [pads[i], pads[i + rank]];
    if (begin === 0 && end === 0) return a;
    if (begin === 0 && isUnit(a) && typeof end === 'string' && end.startsWith(MINUS_ONE)) {
      grown++;
      return { sym: end.slice(MINUS_ONE.length) };
    }
    return ctx.refuse(`Pad of axis ${i} by [${begin}, ${end}] (only steps − 1 zero rows after the vector)`);
  });
  if (grown !== 1) ctx.refuse('Pad must grow the vector along one axis (the steps)');
  return [{ ...x, src: 'vec_first', axes }];
}

export function reshape(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const x = ctx.need(inputs[0], 'input');
  const inDims = dimsOf(x);
  const target = ctx.ints0(inputs[1], 'shape').values.map((v, i) => {
    if (v === 0 && ctx.int('allowzero', 0) === 0) {
      if (i >= inDims.length) ctx.refuse(`Reshape copies dimension ${i}, which the input does not have`);
      return inDims[i];
    }
    return v;
  });
  if (target.filter((v) => v === -1).length > 1) ctx.refuse('Reshape with more than one -1');
  if (x.kind === 'view') return [reshapeView(ctx, x, target)];
  const total = (ds: readonly Dim[]) =>
    ds.reduce<number>((p, v) => p * (typeof v === 'number' ? v : Number.NaN), 1);
  if (x.kind === 'fill') {
    // Dynamic dimensions must stay where they are; the rest is counted.
    const fixedIn = inDims.filter((v) => typeof v === 'number') as number[];
    const known = fixedIn.reduce((p, v) => p * v, 1);
    const rest = target.filter((v) => typeof v === 'number' && v !== -1) as number[];
    const product = rest.reduce((p, v) => p * v, 1);
    const syms = (ds: readonly Dim[]) => ds.filter((v) => typeof v === 'string');
    const a = syms(inDims);
    const b = syms(target);
    if (a.length !== b.length || a.some((s, i) => !ctx.dims.same(s, b[i])))
      ctx.refuse('Reshape moves a dynamic dimension');
    const dims = target.map((v) => (v === -1 ? known / product : v));
    if (!Number.isInteger(known / product) || total(dims.filter((v) => typeof v === 'number')) !== known) {
      ctx.refuse(`Reshape of ${known} values into [${target.join(', ')}]`);
    }
    return [{ ...x, dims }];
  }
  const c = ctx.ints0(x, 'Reshape input');
  const n = c.values.length;
  const fixedProduct = target.reduce<number>(
    (p, v) => (v === -1 ? p : p * (typeof v === 'number' ? v : Number.NaN)),
    1,
  );
  const dims = target.map((v) => (v === -1 ? n / fixedProduct : v));
  if (dims.some((v) => typeof v !== 'number' || !Number.isInteger(v)) || total(dims) !== n) {
    ctx.refuse(`Reshape of ${n} integers into [${target.join(', ')}]`);
  }
  return [{ kind: 'ints', dims: dims as number[], values: c.values }];
}

/**
 * A Reshape of a view: dynamic axes keep their order and stay whole; the coordinate axes between two of them
 * merge (row-major) and split into the target's sizes there, which must factor their coordinates.
 */
function reshapeView(ctx: NodeCtx, x: View, target: Dim[]): View {
  const symIn = x.axes.flatMap((a, i) => (isSym(a) ? [i] : []));
  const symOut = target.flatMap((v, i) => (typeof v === 'string' ? [i] : []));
  if (symIn.length !== symOut.length)
    ctx.refuse('Reshape merges or splits a dynamic dimension (time or batch)');
  symIn.forEach((i, s) => {
    if (!ctx.dims.same((x.axes[i] as { sym: string }).sym, target[symOut[s]])) {
      ctx.refuse('Reshape reorders dynamic dimensions');
    }
  });
  const blocksIn: Coords[][] = [];
  const blocksOut: number[][] = [];
  const bounds = (ends: number[], length: number) => [-1, ...ends, length];
  const bi = bounds(symIn, x.axes.length);
  const bo = bounds(symOut, target.length);
  for (let b = 0; b + 1 < bi.length; b++) {
    blocksIn.push(x.axes.slice(bi[b] + 1, bi[b + 1]).map((a) => (a as { coords: Coords }).coords));
    blocksOut.push(target.slice(bo[b] + 1, bo[b + 1]) as number[]);
  }
  const axes: Axis[] = [];
  let fixed = x.fixed;
  blocksIn.forEach((block, b) => {
    const merged = product(block, ctx.budget);
    const sizes = blocksOut[b];
    const known = sizes.filter((v) => v !== -1).reduce((p, v) => p * v, 1);
    const filled = sizes.map((v) => (v === -1 ? merged.n / known : v));
    if (filled.some((v) => !Number.isInteger(v) || v < 0) || filled.reduce((p, v) => p * v, 1) !== merged.n) {
      ctx.refuse(`Reshape of ${merged.n} values into [${sizes.join(', ')}] between dynamic axes`);
    }
    if (filled.length === 0) fixed = { ...fixed, ...at(merged, 0) }; // a dropped length-1 axis
    const parts =
      split(merged, filled, ctx.budget) ?? ctx.refuse('Reshape mixes the coordinates of its input');
    for (const p of parts) axes.push({ coords: p });
    if (b < symIn.length) axes.push(x.axes[symIn[b]]);
  });
  return reView(x, axes, fixed);
}
