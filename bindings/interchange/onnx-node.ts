// One node under interpretation: its attributes, its inputs read as constants of the kind an operator needs, and
// refusal with the node's name and op type.

import { OnnxUnsupportedError } from './import-errors.ts';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './onnx-proto.ts';
import { floatValues, intValues, unreadable } from './onnx-tensor.ts';
import type { CoordBudget, Dim, Dims, Value, View } from './onnx-values.ts';

/** Integer constants (shapes, axes, indices) larger than this are refused: no exporter makes them. */
export const MAX_CONST_INTS = 1 << 16;

/** Values beyond this are "to the end" in Slice bounds (INT64_MAX is read approximately). */
export const HUGE = 2 ** 53;

/** Each initializer is read once, however many nodes use it. */
const FLOATS = new WeakMap<OnnxTensor, Float32Array>();
const INTS = new WeakMap<OnnxTensor, number[]>();

export class NodeCtx {
  readonly node: OnnxNode;
  /** The default domain's opset version the model imports. */
  readonly opset: number;
  readonly dims: Dims;
  readonly budget: CoordBudget;
  /** The time symbol, once the first recurrent node has bound it. */
  readonly time: string | undefined;

  constructor(node: OnnxNode, opset: number, dims: Dims, budget: CoordBudget, time: string | undefined) {
    this.node = node;
    this.opset = opset;
    this.dims = dims;
    this.budget = budget;
    this.time = time;
  }

  get name(): string {
    return this.node.name || this.node.outputs[0] || '';
  }

  refuse(reason: string): never {
    throw new OnnxUnsupportedError(this.name, this.node.opType, reason);
  }

  attr(name: string): OnnxAttribute | undefined {
    return this.node.attributes.find((a) => a.name === name);
  }

  int(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.i === undefined) this.refuse(`attribute ${name} must be an integer`);
    return a.i;
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.f === undefined) this.refuse(`attribute ${name} must be a float`);
    return a.f;
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name);
    return a === undefined ? undefined : a.ints;
  }

  string(name: string, fallback: string): string {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.s === undefined) this.refuse(`attribute ${name} must be a string`);
    return a.s;
  }

  /** An input that must be present. */
  need(v: Value | undefined, what: string): Value {
    return v ?? this.refuse(`${what} is missing`);
  }

  /** Refuses attributes other than `known` (an attribute we do not understand could change the result). */
  onlyAttributes(...known: string[]): void {
    for (const a of this.node.attributes) {
      if (!known.includes(a.name)) this.refuse(`attribute ${a.name} is not supported`);
      if (a.unsupported) this.refuse(`attribute ${a.name} holds ${a.unsupported}`);
    }
  }

  /** An integer constant (possibly with symbols): dims and values. */
  ints0(v: Value | undefined, what: string): { dims: readonly number[]; values: readonly Dim[] } {
    if (v?.kind === 'ints') return v;
    if (v?.kind === 'tensor') {
      const why = unreadable(v.t, 'int');
      if (why) this.refuse(`${what}: ${why}`);
      if (v.t.size > MAX_CONST_INTS) this.refuse(`${what} has ${v.t.size} values`);
      let values = INTS.get(v.t);
      if (values === undefined) {
        values = intValues(v.t);
        INTS.set(v.t, values);
      }
      return { dims: v.t.dims, values };
    }
    return this.refuse(`${what} must be a constant integer tensor, but it is ${kindOf(v)}`);
  }

  /** An integer constant without symbols. */
  numbers(v: Value | undefined, what: string): number[] {
    const { values } = this.ints0(v, what);
    if (values.some((x) => typeof x !== 'number')) this.refuse(`${what} depends on the input's dynamic size`);
    return values as number[];
  }

  /** A float constant: dims and values. */
  floats(v: Value | undefined, what: string): { dims: readonly number[]; data: Float32Array } {
    if (v?.kind === 'floats') return v;
    if (v?.kind === 'tensor') {
      const why = unreadable(v.t, 'float');
      if (why) this.refuse(`${what}: ${why}`);
      let data = FLOATS.get(v.t);
      if (data === undefined) {
        data = floatValues(v.t);
        FLOATS.set(v.t, data);
      }
      return { dims: v.t.dims, data };
    }
    return this.refuse(`${what} must be a constant float tensor (an initializer), but it is ${kindOf(v)}`);
  }

  view(v: Value | undefined, what: string): View {
    if (v?.kind === 'view') return v;
    return this.refuse(`${what} must be computed from the model's input, but it is ${kindOf(v)}`);
  }

  /** An axis attribute or input normalised to [0, rank). */
  axis(a: number, rank: number, what = 'axis'): number {
    if (!Number.isInteger(a) || a < -rank || a >= rank)
      this.refuse(`${what} ${a} is out of range for rank ${rank}`);
    return a < 0 ? a + rank : a;
  }
}

export function kindOf(v: Value | undefined): string {
  if (v === undefined) return 'absent';
  if (v.kind === 'view') return `computed from the ${v.src === 'head' ? 'head' : v.src} at run time`;
  if (v.kind === 'fill') return 'a filled constant';
  if (v.kind === 'tensor') return `a constant of element type ${v.t.dataType}`;
  return `a constant ${v.kind === 'ints' ? 'integer' : 'float'} tensor`;
}
