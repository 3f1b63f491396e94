// A TF.js / Keras functional model (class_name Model or Functional) that is one chain: one input, one output, and
// each layer fed by exactly one tensor of the layer before it, with every layer on that chain. Such a model
// computes what a Sequential model with the same layers in chain order computes, so the importer reads it as
// that list. Branches, merges, shared layers and extra inputs or outputs are refused naming the layer.

import { describe, FormatError } from '../errors.ts';
import { TfjsUnsupportedError } from './import-errors.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const fail = (message: string): never => {
  throw new FormatError(`TF.js model: ${message}`);
};

/** Past any real chain of recurrent layers; also bounds the walk on a hostile (cyclic) file. */
const MAX_LAYERS = 1000;

/** [[name, nodeIndex, tensorIndex], …] of the model's input_layers / output_layers. */
function endpoints(config: Json, key: 'input_layers' | 'output_layers'): string {
  const list = config[key];
  const what = key === 'input_layers' ? 'input' : 'output';
  if (!Array.isArray(list)) return fail(`the functional config has no ${key} list`);
  if (list.length !== 1) {
    throw new TfjsUnsupportedError('', '', `only one ${what} is supported, but the model has ${list.length}`);
  }
  // Keras writes [[name, 0, 0]] and, for one tensor, sometimes [name, 0, 0] itself.
  const entry = Array.isArray(list[0]) ? list[0] : list;
  if (typeof entry[0] !== 'string') return fail(`${key} must name a layer but is ${describe(list)}`);
  return entry[0];
}

/** The name of the one layer feeding `layer` (undefined for a layer with no inbound node: the input). */
function source(layer: Json, name: string, cls: string): string | undefined {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return undefined;
  const refuse = (reason: string): never => {
    throw new TfjsUnsupportedError(name, cls, reason);
  };
  if (!Array.isArray(nodes)) return fail(`layer "${name}" inbound_nodes must be a list`);
  if (nodes.length !== 1)
    refuse(`it is called ${nodes.length} times (a shared layer); only a single chain is supported`);
  const node = nodes[0];
  // Keras 2 / TF.js: [[inbound_name, node_index, tensor_index, kwargs], …]; Keras 3: { args: [tensor], kwargs }.
  const tensors: unknown[] = Array.isArray(node)
    ? node
    : isObject(node) && Array.isArray(node.args)
      ? node.args.map((a) => (isObject(a) && isObject(a.config) ? a.config.keras_history : a))
      : fail(`layer "${name}" has an inbound node of an unknown form`);
  if (tensors.length !== 1) refuse(`it takes ${tensors.length} tensors; only a single chain is supported`);
  const t = tensors[0];
  if (!Array.isArray(t) || typeof t[0] !== 'string')
    return fail(`layer "${name}" has an inbound tensor of an unknown form`);
  if (t[1] !== 0 || t[2] !== 0)
    refuse(`it reads output ${t[2]} of call ${t[1]} of "${t[0]}"; only a single chain is supported`);
  if (isObject(t[3]) && Object.keys(t[3]).length > 0)
    refuse(`it is called with arguments ${Object.keys(t[3]).join(', ')}`);
  return t[0];
}

/** The layers of a single-chain functional model, from its input to its output. */
export function functionalChain(model: Json): Json[] {
  const config = isObject(model.config) ? model.config : fail('the functional model has no config');
  const layers = config.layers;
  if (!Array.isArray(layers) || layers.length > MAX_LAYERS)
    return fail('the functional config has no layer list');
  const byName = new Map<string, Json>();
  for (const [i, l] of layers.entries()) {
    if (!isObject(l)) return fail(`layer ${i} is not an object`);
    const name = typeof l.name === 'string' ? l.name : isObject(l.config) ? l.config.name : undefined;
    if (typeof name !== 'string') return fail(`layer ${i} has no name`);
    if (byName.has(name)) return fail(`two layers are named ${describe(name)}`);
    byName.set(name, l);
  }
  const input = endpoints(config, 'input_layers');
  const chain: Json[] = [];
  const seen = new Set<string>();
  let at: string | undefined = endpoints(config, 'output_layers');
  while (at !== undefined) {
    const layer = byName.get(at) ?? fail(`a layer reads ${describe(at)}, which the model does not have`);
    if (seen.has(at)) return fail(`the layers form a cycle through "${at}"`);
    seen.add(at);
    chain.push(layer);
    const cls = typeof layer.class_name === 'string' ? layer.class_name : '';
    at = source(layer, at, cls);
    if (at === undefined && chain.length > 0 && seen.has(input) === false) {
      throw new TfjsUnsupportedError('', '', `the output does not lead back to the input "${input}"`);
    }
  }
  if (seen.size !== byName.size) {
    const off = [...byName.keys()].find((n) => !seen.has(n))!;
    const cls = byName.get(off)!.class_name;
    throw new TfjsUnsupportedError(
      off,
      typeof cls === 'string' ? cls : '',
      'it is off the input-to-output chain',
    );
  }
  return chain.reverse();
}
