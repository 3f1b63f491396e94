// The parts of ONNX's protobuf schema (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto) that an importer of recurrent models reads, decoded into plain objects. Every
// size is checked against the bytes present: a length past the end or a field of the wrong wire type is a
// FormatError (tensors: onnx-tensor.ts).

import { FormatError } from '../errors.ts';
import { decodeTensor, type OnnxTensor } from './onnx-tensor.ts';
import { Budget, ProtoReader, WIRE_BYTES, WIRE_FIXED32, WIRE_VARINT } from './proto-read.ts';

export { DT, type OnnxTensor } from './onnx-tensor.ts';

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
  strings: string[];
  /** Holds a graph, graphs, tensors, a sparse tensor, a type proto or refers to a function's attribute. */
  unsupported?: string;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output: its element type and dims (number, symbolic name, or undefined when unknown). */
export interface OnnxValueInfo {
  name: string;
  /** Tensor element type; 0 when the type is not a tensor or not given. */
  elemType: number;
  /** undefined when the shape is not given. */
  dims?: (number | string | undefined)[];
  /** A sequence, map, optional or sparse value rather than a tensor. */
  notTensor?: boolean;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  sparseInitializers: number;
}

export interface OnnxModelProto {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
  /** Model-local functions (FunctionProto); a node calling one is refused. */
  functions: number;
}

/** Messages and strings a decode may build: a recurrent model has a few thousand. */
export const MAX_ENTRIES = 1 << 18;
/** Decodes a ModelProto. Throws a FormatError naming the message and field for anything malformed. */
export function decodeModel(bytes: Uint8Array): OnnxModelProto {
  const r = new ProtoReader(bytes, 0, bytes.length, new Budget(MAX_ENTRIES), 'ModelProto');
  const model: OnnxModelProto = {
    irVersion: 0,
    opsets: [],
    producerName: '',
    producerVersion: '',
    graph: undefined as unknown as OnnxGraph,
    functions: 0,
  };
  let graphs = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) model.irVersion = intField(r, wire, 'ir_version');
    else if (field === 2) model.producerName = stringField(r, wire, 'producer_name');
    else if (field === 3) model.producerVersion = stringField(r, wire, 'producer_version');
    else if (field === 7) {
      r.expect(wire, WIRE_BYTES, 'graph');
      model.graph = decodeGraph(r.message('ModelProto.graph'));
      graphs++;
    } else if (field === 8) {
      r.expect(wire, WIRE_BYTES, 'opset_import');
      model.opsets.push(decodeOpset(r.message(`ModelProto.opset_import[${model.opsets.length}]`)));
    } else if (field === 25) {
      r.skip(wire);
      model.functions++;
    } else r.skip(wire);
  }
  if (graphs !== 1)
    throw new FormatError(`ONNX file: ModelProto has ${graphs} graphs, expected 1 (is this an ONNX model?)`);
  return model;
}

function intField(r: ProtoReader, wire: number, name: string): number {
  r.expect(wire, WIRE_VARINT, name);
  return r.varint();
}

function stringField(r: ProtoReader, wire: number, name: string): string {
  r.expect(wire, WIRE_BYTES, name);
  return r.string();
}

function decodeOpset(r: ProtoReader): { domain: string; version: number } {
  const o = { domain: '', version: 0 };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) o.domain = stringField(r, wire, 'domain');
    else if (field === 2) o.version = intField(r, wire, 'version');
    else r.skip(wire);
  }
  return o;
}

function decodeGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = {
    name: '',
    nodes: [],
    initializers: [],
    inputs: [],
    outputs: [],
    sparseInitializers: 0,
  };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE_BYTES, 'node');
      g.nodes.push(decodeNode(r.message(`GraphProto.node[${g.nodes.length}]`)));
    } else if (field === 2) g.name = stringField(r, wire, 'name');
    else if (field === 5) {
      r.expect(wire, WIRE_BYTES, 'initializer');
      g.initializers.push(decodeTensor(r.message(`GraphProto.initializer[${g.initializers.length}]`)));
    } else if (field === 11) {
      r.expect(wire, WIRE_BYTES, 'input');
      g.inputs.push(decodeValueInfo(r.message(`GraphProto.input[${g.inputs.length}]`)));
    } else if (field === 12) {
      r.expect(wire, WIRE_BYTES, 'output');
      g.outputs.push(decodeValueInfo(r.message(`GraphProto.output[${g.outputs.length}]`)));
    } else if (field === 15) {
      r.skip(wire);
      g.sparseInitializers++;
    } else r.skip(wire);
  }
  return g;
}

function decodeNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) n.inputs.push(stringField(r, wire, 'input'));
    else if (field === 2) n.outputs.push(stringField(r, wire, 'output'));
    else if (field === 3) n.name = stringField(r, wire, 'name');
    else if (field === 4) n.opType = stringField(r, wire, 'op_type');
    else if (field === 7) n.domain = stringField(r, wire, 'domain');
    else if (field === 5) {
      r.expect(wire, WIRE_BYTES, 'attribute');
      n.attributes.push(decodeAttribute(r.message(`${r.where}.attribute[${n.attributes.length}]`)));
    } else r.skip(wire);
  }
  return n;
}

function decodeAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0, floats: [], ints: [], strings: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) a.name = stringField(r, wire, 'name');
    else if (field === 20) a.type = intField(r, wire, 'type');
    else if (field === 2) {
      r.expect(wire, WIRE_FIXED32, 'f');
      a.f = r.fixed32();
    } else if (field === 3) a.i = intField(r, wire, 'i');
    else if (field === 4) a.s = stringField(r, wire, 's');
    else if (field === 5) {
      r.expect(wire, WIRE_BYTES, 't');
      a.t = decodeTensor(r.message(`${r.where}.t`));
    } else if (field === 7) r.floats(wire, a.floats);
    else if (field === 8) r.int64s(wire, a.ints);
    else if (field === 9) a.strings.push(stringField(r, wire, 'strings'));
    else if (field === 6 || field === 11) {
      r.skip(wire);
      a.unsupported = 'a graph';
    } else if (field === 10 || field === 22 || field === 23 || field === 14 || field === 15) {
      r.skip(wire);
      a.unsupported = 'tensors, sparse tensors or types';
    } else if (field === 21) {
      r.skip(wire);
      a.unsupported = "a reference to a function's attribute";
    } else r.skip(wire);
  }
  return a;
}

function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0 };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) v.name = stringField(r, wire, 'name');
    else if (field === 2) {
      r.expect(wire, WIRE_BYTES, 'type');
      decodeType(r.message(`${r.where}.type`), v);
    } else r.skip(wire);
  }
  return v;
}

function decodeType(r: ProtoReader, v: OnnxValueInfo): void {
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE_BYTES, 'tensor_type');
      const t = r.message(`${r.where}.tensor_type`);
      while (!t.done) {
        const f = t.tag();
        if (f.field === 1) v.elemType = intField(t, f.wire, 'elem_type');
        else if (f.field === 2) {
          t.expect(f.wire, WIRE_BYTES, 'shape');
          v.dims = decodeShape(t.message(`${t.where}.shape`));
        } else t.skip(f.wire);
      }
    } else if (field === 4 || field === 5 || field === 8 || field === 9) {
      r.skip(wire);
      v.notTensor = true;
    } else r.skip(wire);
  }
}

function decodeShape(r: ProtoReader): (number | string | undefined)[] {
  const dims: (number | string | undefined)[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field !== 1) {
      r.skip(wire);
      continue;
    }
    r.expect(wire, WIRE_BYTES, 'dim');
    const d = r.message(`${r.where}.dim[${dims.length}]`);
    let dim: number | string | undefined;
    while (!d.done) {
      const f = d.tag();
      if (f.field === 1) dim = intField(d, f.wire, 'dim_value');
      else if (f.field === 2) dim = stringField(d, f.wire, 'dim_param');
      else d.skip(f.wire);
    }
    dims.push(dim);
  }
  return dims;
}
