// Concat and Slice: on integer constants they compute, on fills they track dims, on views they cut and join
// coordinate lists (a dynamic axis may only be kept whole, and only parts of one tensor can be joined).

import { HUGE, MAX_CONST_INTS, type NodeCtx } from './onnx-node.ts';
import {
  type Coords,
  concat,
  dimsOf,
  isSym,
  reView,
  select,
  type Value,
  type View,
  withFixed,
} from './onnx-values.ts';

export function concatOp(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const parts = inputs.map((v, i) => ctx.need(v, `input ${i}`));
  if (parts.length === 0) ctx.refuse('Concat of nothing');
  const rank = dimsOf(parts[0]).length;
  const a = ctx.axis(ctx.int('axis', 0), rank);
  if (parts.some((p) => dimsOf(p).length !== rank)) ctx.refuse('Concat of inputs of different ranks');
  if (parts.every((p) => p.kind === 'view')) return [concatViews(ctx, parts as View[], a)];
  if (parts.every((p) => p.kind === 'fill')) return [concatFills(ctx, parts, a)];
  const ints = parts.map((p, i) => ctx.ints0(p, `Concat input ${i}`));
  if (rank !== 1) ctx.refuse('Concat of integer constants of rank > 1');
  const values = ints.flatMap((c) => c.values);
  if (values.length > MAX_CONST_INTS) ctx.refuse(`Concat of ${values.length} integers`);
  return [{ kind: 'ints', dims: [values.length], values }];
}

function concatFills(ctx: NodeCtx, parts: Value[], a: number): Value {
  const fills = parts as Extract<Value, { kind: 'fill' }>[];
  if (fills.some((f) => f.value !== fills[0].value))
    ctx.refuse('Concat of constants filled with different values');
  let total = 0;
  for (const f of fills) {
    const n = f.dims[a];
    if (typeof n !== 'number') return ctx.refuse('Concat of filled constants along a dynamic axis');
    total += n;
    f.dims.forEach((d, i) => {
      if (i !== a && !ctx.dims.unify(d, fills[0].dims[i]))
        ctx.refuse('Concat of filled constants of different shapes');
    });
  }
  return { kind: 'fill', value: fills[0].value, dims: fills[0].dims.map((d, i) => (i === a ? total : d)) };
}

function concatViews(ctx: NodeCtx, parts: View[], a: number): View {
  const first = parts[0];
  if (parts.some((p) => p.src !== first.src || p.stage !== first.stage)) {
    ctx.refuse('Concat of tensors from different sources (only parts of one tensor can be joined back)');
  }
  const along: Coords[] = [];
  for (const p of parts) {
    const axis = p.axes[a];
    if (isSym(axis)) return ctx.refuse('Concat along a dynamic axis');
    for (let i = 0; i < p.axes.length; i++) {
      if (i === a) continue;
      const x = p.axes[i];
      const y = first.axes[i];
      const same = isSym(x)
        ? isSym(y) && ctx.dims.same(x.sym, y.sym)
        : !isSym(y) && sameAxis(x.coords, y.coords);
      if (!same) ctx.refuse(`Concat of tensors that differ along axis ${i}`);
    }
    // What a part holds only through its fixed coordinates moves into the joined axis.
    along.push(withFixed(axis.coords, p.fixed, ctx.budget));
  }
  const joined = concat(along, ctx.budget) ?? ctx.refuse('Concat of parts indexed differently');
  const fixed = Object.fromEntries(
    Object.entries(first.fixed).filter(([k]) => joined.atoms[k] === undefined),
  );
  const axes = first.axes.map((x, i) => (i === a ? { coords: joined } : x));
  return reView(first, axes, fixed);
}

function sameAxis(x: Coords, y: Coords): boolean {
  if (x.n !== y.n) return false;
  const keys = Object.keys(x.atoms);
  if (keys.length !== Object.keys(y.atoms).length) return false;
  return keys.every((k) => y.atoms[k] !== undefined && x.atoms[k].every((v, i) => v === y.atoms[k][i]));
}

/** Positions Slice keeps along an axis of size n (ONNX's clamping rules). */
function sliceIndices(ctx: NodeCtx, n: number, start: number, end: number, step: number): number[] {
  if (step === 0) ctx.refuse('Slice with step 0');
  const norm = (v: number) => (v < 0 ? v + n : v);
  let s = norm(Math.max(Math.min(start, HUGE), -HUGE));
  let e = norm(Math.max(Math.min(end, HUGE), -HUGE));
  const out: number[] = [];
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    s = Math.min(Math.max(s, 0), n - 1);
    e = Math.min(Math.max(e, -1), n - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

export function slice(ctx: NodeCtx, inputs: readonly (Value | undefined)[]): Value[] {
  const x = ctx.need(inputs[0], 'input');
  const d = dimsOf(x);
  const old = ctx.opset < 10;
  const starts = old ? (ctx.ints('starts') ?? []) : ctx.numbers(inputs[1], 'starts');
  const ends = old ? (ctx.ints('ends') ?? []) : ctx.numbers(inputs[2], 'ends');
  const axesIn = old ? ctx.ints('axes') : inputs[3] && ctx.numbers(inputs[3], 'axes');
  const steps = !old && inputs[4] ? ctx.numbers(inputs[4], 'steps') : starts.map(() => 1);
  const axes = (axesIn ?? starts.map((_, i) => i)).map((a) => ctx.axis(a, d.length));
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    ctx.refuse('Slice starts, ends, axes and steps differ in length');
  }
  let result = x;
  axes.forEach((a, i) => {
    const size = dimsOf(result)[a];
    if (typeof size !== 'number') {
      // A dynamic axis may only be kept whole.
      if (starts[i] === 0 && ends[i] >= HUGE / 2 && steps[i] === 1) return;
      ctx.refuse(`Slice of axis ${a}, a dynamic dimension (time or batch)`);
    }
    const keep = sliceIndices(ctx, size, starts[i], ends[i], steps[i]);
    result = sliceAxis(ctx, result, a, keep);
  });
  return [result];
}

function sliceAxis(ctx: NodeCtx, x: Value, a: number, keep: number[]): Value {
  if (x.kind === 'view') {
    const axis = x.axes[a];
    if (isSym(axis)) return ctx.refuse('Slice of a dynamic axis');
    return reView(
      x,
      x.axes.map((y, i) => (i === a ? { coords: select(axis.coords, keep, ctx.budget) } : y)),
    );
  }
  if (x.kind === 'fill') return { ...x, dims: x.dims.map((y, i) => (i === a ? keep.length : y)) };
  const c = ctx.ints0(x, 'Slice input');
  if (c.dims.length !== 1) ctx.refuse('Slice of an integer constant of rank > 1');
  return { kind: 'ints', dims: [keep.length], values: keep.map((i) => c.values[i]) };
}
