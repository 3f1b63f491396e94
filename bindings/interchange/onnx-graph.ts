// Walks an ONNX graph: keeps the nodes the output depends on, orders them (a cycle or a value nothing produces is
// a FormatError), finds what each graph input is (the sequence, token ids, or an initial state) by where it
// flows, then interprets every node on symbolic values (onnx-values.ts). The result is the model's plan
// (onnx-assembly.ts); any node outside the supported subset is refused by name and op type.

import { FormatError } from '../errors.ts';
import { OnnxUnsupportedError } from './import-errors.ts';
import type { Assembly, GraphInput } from './onnx-assembly.ts';
import { mul, reduceSum } from './onnx-attention.ts';
import { activation, add, checkOutput, embedding, isActivation, linear, oneHot } from './onnx-head.ts';
import { gatherLayout, LAYOUT_OPS } from './onnx-layout.ts';
import { NodeCtx } from './onnx-node.ts';
import { DT, type OnnxModelProto, type OnnxNode, type OnnxValueInfo } from './onnx-proto.ts';
import { recurrentNode } from './onnx-recurrent.ts';
import { type Axis, CoordBudget, Dims, range, type Value } from './onnx-values.ts';

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);
/** Graph inputs we look at (initializers excluded): the sequence and two states, with room to spare. */
const MAX_INPUTS = 16;
/** Recurrent nodes: far more than any real stack. */
const MAX_LAYERS = 256;

export interface Interpreted {
  asm: Assembly;
  opset: number;
  output: { name: string; batchFirst: boolean };
  dims: Dims;
}

const fail = (message: string): never => {
  throw new FormatError(`ONNX file: ${message}`);
};

const refuse = (reason: string): never => {
  throw new OnnxUnsupportedError('', '', reason);
};

function defaultOpset(model: OnnxModelProto): number {
  const o = model.opsets.find((s) => s.domain === '' || s.domain === 'ai.onnx');
  if (!o) return fail('the model imports no version of the default operator set');
  if (o.version < 7) refuse(`operator set ${o.version} is older than 7`);
  return o.version;
}

/** Nodes the graph outputs depend on, in an order where every input is produced first. */
function orderNodes(model: OnnxModelProto, constants: Set<string>, inputs: Set<string>): OnnxNode[] {
  const g = model.graph;
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producer.has(o) || constants.has(o) || inputs.has(o)) fail(`value "${o}" is produced twice`);
      producer.set(o, i);
    }
  });
  // Live nodes: walk back from the outputs.
  const live = new Set<number>();
  const stack: string[] = g.outputs.map((o) => o.name);
  while (stack.length > 0) {
    const v = stack.pop()!;
    const i = producer.get(v);
    if (i === undefined) {
      if (!constants.has(v) && !inputs.has(v)) fail(`value "${v}" is read but nothing produces it`);
      continue;
    }
    if (live.has(i)) continue;
    live.add(i);
    for (const x of g.nodes[i].inputs) if (x !== '') stack.push(x);
  }
  // Kahn's algorithm over the live nodes.
  const waiting = new Map<number, number>();
  const readers = new Map<number, number[]>();
  for (const i of live) {
    const deps = new Set(g.nodes[i].inputs.map((x) => producer.get(x)).filter((p) => p !== undefined));
    waiting.set(i, deps.size);
    for (const p of deps) {
      const list = readers.get(p);
      if (list) list.push(i);
      else readers.set(p, [i]);
    }
  }
  const ready = [...live].filter((i) => waiting.get(i) === 0).sort((a, b) => b - a);
  const order: OnnxNode[] = [];
  while (ready.length > 0) {
    const i = ready.pop()!;
    order.push(g.nodes[i]);
    for (const r of readers.get(i) ?? []) {
      const left = waiting.get(r)! - 1;
      waiting.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  if (order.length !== live.size) {
    const stuck = [...live].find((i) => waiting.get(i)! > 0)!;
    fail(`the graph has a cycle through node "${g.nodes[stuck].name || g.nodes[stuck].outputs[0]}"`);
  }
  return order;
}

/** What each graph input is, from the slot of the first recurrent node or embedding it reaches. */
function inputRoles(order: readonly OnnxNode[], names: readonly string[]): Map<string, GraphInput['role']> {
  const roles = new Map<string, GraphInput['role']>();
  for (const name of names) {
    const found = new Set<GraphInput['role']>();
    const reach = new Set([name]);
    for (const n of order) {
      n.inputs.forEach((x, slot) => {
        if (!reach.has(x)) return;
        if (RECURRENT.has(n.opType)) {
          const role =
            slot === 0 ? 'x' : slot === 4 ? 'lens' : slot === 5 ? 'h0' : slot === 6 ? 'c0' : undefined;
          if (role) found.add(role);
        } else if ((n.opType === 'Gather' && slot === 1) || (n.opType === 'OneHot' && slot === 0))
          found.add('ids');
        else if ((n.opType === 'Expand' || n.opType === 'Pad') && slot === 1) found.add('steps');
        else if (n.opType !== 'Shape') for (const o of n.outputs) reach.add(o);
      });
    }
    if (found.size > 1) refuse(`graph input "${name}" is used as ${[...found].join(' and ')}`);
    const role = [...found][0];
    if (role) roles.set(name, role);
  }
  return roles;
}

/** The value a graph input starts as: dynamic axes are symbols, the feature/unit axes coordinates. */
function inputValue(
  info: OnnxValueInfo,
  found: GraphInput['role'],
  dims: Dims,
  budget: CoordBudget,
): [Value, GraphInput] {
  const d = info.dims ?? [];
  // A float input of rank 2 that reaches X is one vector per sequence, expanded over time in the graph.
  const role = found === 'x' && d.length === 2 ? 'vec' : found;
  const rank = { ids: 2, vec: 2, lens: 1, steps: d.length === 0 ? 0 : 1, x: 3, h0: 3, c0: 3 }[role];
  if (info.notTensor || d.length !== rank || (role === 'steps' && rank === 1 && d[0] !== 1)) {
    refuse(`graph input "${info.name}" (${role}) must be a tensor of rank ${rank} with a known shape`);
  }
  const float = info.elemType === DT.FLOAT;
  const int = info.elemType === DT.INT64 || info.elemType === DT.INT32;
  const want =
    role === 'ids' || role === 'steps' ? int : role === 'lens' ? info.elemType === DT.INT32 : float;
  if (!want) {
    const type =
      role === 'ids'
        ? 'int64 or int32 token ids'
        : role === 'lens'
          ? 'int32 lengths'
          : role === 'steps'
            ? 'an integer'
            : 'float32';
    refuse(`graph input "${info.name}" must be ${type}`);
  }
  const symbolic = { ids: [0, 1], x: [0, 1], vec: [0], lens: [0], h0: [1], c0: [1], steps: [] as number[] }[
    role
  ];
  const declared = d.map((x) => (typeof x === 'number' ? x : undefined));
  const syms = d.map((x, a) => {
    if (!symbolic.includes(a)) return undefined;
    const s = `${info.name}:${a}`;
    if (typeof x === 'string') dims.unify(s, `param:${x}`);
    dims.declare(s, typeof x === 'number' ? x : undefined);
    return s;
  });
  const size = (a: number) => {
    const n = d[a];
    if (typeof n !== 'number' || n < 1 || n > 1 << 24) {
      return refuse(`graph input "${info.name}" axis ${a} must have a fixed size but is ${n ?? 'unknown'}`);
    }
    return n;
  };
  const sym = (a: number): Axis => ({ sym: syms[a]! });
  const input: GraphInput = { name: info.name, role, declared, syms };
  if (role === 'steps') {
    // Its value is the number of steps: a symbol that the Expand or Pad it shapes turns into the time axis.
    const steps = `${info.name}:value`;
    input.syms = [steps];
    return [{ kind: 'ints', dims: d as number[], values: [steps] }, input];
  }
  const axes: Axis[] = {
    ids: () => [sym(0), sym(1)],
    lens: () => [sym(0)],
    vec: () => [sym(0), { coords: range('f', size(1), budget) }],
    x: () => [sym(0), sym(1), { coords: range('f', size(2), budget) }],
    h0: () => [{ coords: range('u', size(0), budget) }, sym(1), { coords: range('j', size(2), budget) }],
    c0: () => [{ coords: range('u', size(0), budget) }, sym(1), { coords: range('j', size(2), budget) }],
  }[role]();
  return [{ kind: 'view', src: role, axes, fixed: {}, stage: 0 }, input];
}

export function interpret(model: OnnxModelProto): Interpreted {
  const opset = defaultOpset(model);
  const g = model.graph;
  const constants = new Map(g.initializers.map((t) => [t.name, t]));
  const realInputs = g.inputs.filter((i) => !constants.has(i.name));
  if (realInputs.length > MAX_INPUTS) refuse(`${realInputs.length} graph inputs (at most ${MAX_INPUTS})`);
  if (g.outputs.length !== 1) {
    refuse(
      `the graph has ${g.outputs.length} outputs (${g.outputs.map((o) => o.name).join(', ')}); export the model's single output`,
    );
  }
  const order = orderNodes(model, new Set(constants.keys()), new Set(realInputs.map((i) => i.name)));
  const dims = new Dims();
  const budget = new CoordBudget();
  const asm: Assembly = { inputs: [], layers: [] };
  const values = new Map<string, Value>();
  for (const [name, t] of constants) values.set(name, { kind: 'tensor', t });
  const roles = inputRoles(
    order,
    realInputs.map((i) => i.name),
  );
  const consumed = new Set(order.flatMap((n) => n.inputs));
  for (const info of realInputs) {
    const role = roles.get(info.name);
    if (!role) {
      if (consumed.has(info.name)) {
        refuse(`graph input "${info.name}" is neither the sequence, token ids nor an initial state`);
      }
      continue;
    }
    const [v, gi] = inputValue(info, role, dims, budget);
    values.set(info.name, v);
    asm.inputs.push(gi);
  }
  const sequences = asm.inputs.filter((i) => i.role === 'x' || i.role === 'ids' || i.role === 'vec');
  if (sequences.length !== 1) refuse(`the graph must have one sequence input but has ${sequences.length}`);
  const read = new Set([...order.flatMap((n) => n.inputs), ...g.outputs.map((o) => o.name)]);
  for (const node of order) {
    const ctx = new NodeCtx(node, opset, dims, budget, asm.time);
    const inputs = node.inputs.map((x) => (x === '' ? undefined : values.get(x)));
    const out = run(ctx, inputs, asm);
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      if (out[i] !== undefined) values.set(name, out[i]);
      else if (read.has(name)) {
        ctx.refuse(`output ${i} ("${name}") is used but not supported`);
      }
    });
  }
  const outName = g.outputs[0].name;
  const outCtx = new NodeCtx(
    { name: outName, opType: '', domain: '', inputs: [], outputs: [], attributes: [] },
    opset,
    dims,
    budget,
    asm.time,
  );
  if (asm.layers.length === 0) refuse('the graph has no LSTM, GRU or RNN node');
  const { batchFirst } = checkOutput(outCtx, values.get(outName), asm);
  checkStateInputs(asm);
  return { asm, opset, output: { name: outName, batchFirst }, dims };
}

function run(ctx: NodeCtx, inputs: readonly (Value | undefined)[], asm: Assembly): Value[] {
  const n = ctx.node;
  if (n.domain !== '' && n.domain !== 'ai.onnx') ctx.refuse(`operator domain "${n.domain}" is not supported`);
  const op = n.opType;
  if (RECURRENT.has(op)) {
    if (asm.layers.length >= MAX_LAYERS) ctx.refuse(`more than ${MAX_LAYERS} recurrent layers`);
    return recurrentNode(ctx, inputs, asm);
  }
  if (op === 'Gather' && inputs[1]?.kind === 'view' && inputs[0]?.kind !== 'view') {
    return embedding(ctx, inputs[0] ?? ctx.refuse('Gather data is missing'), inputs[1], asm);
  }
  if (op === 'Gather') {
    ctx.onlyAttributes('axis');
    return gatherLayout(
      ctx,
      inputs[0] ?? ctx.refuse('Gather data is missing'),
      inputs[1] ?? ctx.refuse('Gather indices are missing'),
    );
  }
  if (op === 'OneHot') return oneHot(ctx, inputs, asm);
  if (op === 'MatMul' || op === 'Gemm') return linear(ctx, inputs, asm);
  if (op === 'Add') return add(ctx, inputs, asm);
  if (op === 'Mul') return mul(ctx, inputs, asm);
  if (op === 'ReduceSum') return reduceSum(ctx, inputs, asm);
  if (isActivation(op)) return activation(ctx, inputs, asm);
  const layout = Object.hasOwn(LAYOUT_OPS, op) ? LAYOUT_OPS[op] : undefined;
  if (layout) return layout(ctx, inputs);
  return ctx.refuse(`operator ${op} is not supported by the importer`);
}

/** A state input must hold every layer's rows: [L·D, B, H]. */
function checkStateInputs(asm: Assembly): void {
  const { D, H } = asm.layers[0];
  const L = asm.layers.length;
  for (const i of asm.inputs) {
    if (i.role !== 'h0' && i.role !== 'c0') continue;
    const [rows, , units] = i.declared;
    if (rows !== L * D || units !== H) {
      refuse(
        `graph input "${i.name}" must be [${L * D}, B, ${H}] (every layer's initial ${i.role === 'h0' ? 'hidden' : 'cell'} state)`,
      );
    }
  }
}
