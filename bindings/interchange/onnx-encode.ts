// Writing an ONNX ModelProto: a small graph builder (nodes, float and int64 initializers, typed inputs and
// outputs) and its encoding with proto-write.ts, field numbers as in onnx.proto.

import { DT } from './onnx-proto.ts';
import { ProtoWriter } from './proto-write.ts';

export type AttrValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { float: number }
  | { graph: GraphBuilder; name: string };

export interface NodeSpec {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
}

export interface InitSpec {
  name: string;
  dims: readonly number[];
  float?: Float32Array;
  int64?: readonly number[];
}

export interface IoSpec {
  name: string;
  elemType: number;
  dims: readonly (number | string)[];
}

export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: InitSpec[] = [];
  readonly inputs: IoSpec[] = [];
  readonly outputs: IoSpec[] = [];
  readonly #used: Set<string>;

  /** A subgraph (a Loop's body) takes `parent`'s names: ONNX forbids shadowing an outer-scope name. */
  constructor(parent?: GraphBuilder) {
    this.#used = parent ? parent.#used : new Set<string>();
  }

  /** A name not taken yet, from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.#used.has(name); i++) name = `${base}_${i}`;
    this.#used.add(name);
    return name;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims, float: data });
    return n;
  }

  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims, int64: values });
    return n;
  }

  /** Adds a node with `outputs` fresh names derived from its name; returns them. */
  node(
    op: string,
    name: string,
    inputs: string[],
    attributes: Record<string, AttrValue> = {},
    outputs = 1,
  ): string[] {
    const n = this.fresh(name);
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(`${n}_output_${i}`));
    this.nodes.push({ op, name: n, inputs, outputs: outs, attributes });
    return outs;
  }

  /** One-output node. */
  op(op: string, name: string, inputs: string[], attributes: Record<string, AttrValue> = {}): string {
    return this.node(op, name, inputs, attributes)[0];
  }

  input(name: string, elemType: number, dims: readonly (number | string)[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  /** A fresh-named input: a subgraph's (a Loop body's iteration number, condition and carried values). */
  freshInput(base: string, elemType: number, dims: readonly (number | string)[]): string {
    return this.input(this.fresh(base), elemType, dims);
  }

  /** Declares the value `name` a graph output as it is (a subgraph's outputs keep their node-given names). */
  outputAs(name: string, elemType: number, dims: readonly (number | string)[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /** Renames the value `from` to the graph output `name` (a name reserve() kept free). */
  output(from: string, name: string, elemType: number, dims: readonly (number | string)[]): void {
    const rename = (v: string) => (v === from ? name : v);
    for (const n of this.nodes) {
      n.inputs = n.inputs.map(rename);
      n.outputs = n.outputs.map(rename);
    }
    this.outputs.push({ name, elemType, dims });
  }

  /** Keeps names (the graph's inputs and outputs) from being given to anything else. */
  reserve(...names: string[]): void {
    for (const n of names) this.#used.add(n);
  }
}

export interface ModelMeta {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
}

/** The ModelProto bytes of a built graph. */
export function encodeModel(g: GraphBuilder, meta: ModelMeta): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, meta.irVersion);
  w.string(2, meta.producerName);
  w.string(3, meta.producerVersion);
  if (meta.docString) w.string(6, meta.docString);
  w.message(7, (gw) => writeGraph(gw, g, meta.graphName));
  w.message(8, (o) => o.string(1, '').int(2, meta.opset));
  return w.finish();
}

function writeGraph(w: ProtoWriter, g: GraphBuilder, name: string): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  for (const i of g.inputs) w.message(11, (vw) => writeValueInfo(vw, i));
  for (const o of g.outputs) w.message(12, (vw) => writeValueInfo(vw, o));
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes))
    w.message(5, (aw) => writeAttribute(aw, name, value));
}

/** AttributeProto types: FLOAT 1, INT 2, STRING 3, GRAPH 5 (field g, 6), INTS 7, STRINGS 8. */
function writeAttribute(w: ProtoWriter, name: string, v: AttrValue): void {
  w.string(1, name);
  if (typeof v === 'number') w.int(20, 2).int(3, v);
  else if (typeof v === 'string') w.int(20, 3).string(4, v);
  else if (!Array.isArray(v) && typeof v === 'object' && 'graph' in v)
    w.int(20, 5).message(6, (gw) => writeGraph(gw, v.graph, v.name));
  else if (!Array.isArray(v) && typeof v === 'object') w.int(20, 1).float(2, (v as { float: number }).float);
  else if ((v as readonly unknown[]).every((x) => typeof x === 'string')) {
    w.int(20, 8);
    for (const s of v as readonly string[]) w.string(9, s);
  } else w.int(20, 7).packedInts(8, v as readonly number[]);
}

function writeTensor(w: ProtoWriter, t: InitSpec): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.float ? DT.FLOAT : DT.INT64);
  w.string(8, t.name);
  if (t.float) {
    const raw = new Uint8Array(t.float.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < t.float.length; i++) view.setFloat32(i * 4, t.float[i], true);
    w.bytes(9, raw);
  } else w.packedInts(7, t.int64 ?? []);
}

function writeValueInfo(w: ProtoWriter, v: IoSpec): void {
  w.string(1, v.name);
  w.message(2, (tw) =>
    tw.message(1, (tt) => {
      tt.int(1, v.elemType);
      tt.message(2, (sw) => {
        for (const d of v.dims)
          sw.message(1, (dw) => (typeof d === 'number' ? dw.int(1, d) : dw.string(2, d)));
      });
    }),
  );
}
