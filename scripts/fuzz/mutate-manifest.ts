// Mutations of the manifest (the JSON string in __metadata__): options with hostile values, another kind, a
// tensor list that disagrees with the weights, wrong format or version, text that is not JSON, deep or huge.
// The weights are left as they are, so every change is "a manifest that disagrees with the weights" or not.

import { MANIFEST_KEY } from '../../bindings/io/manifest.ts';
import type { Random } from '../../bindings/random.ts';
import type { HeaderJson } from './bytes.ts';
import { joinFile } from './bytes.ts';
import { pick } from './mutate-bytes.ts';
import { nested } from './mutate-header.ts';

type Json = Record<string, unknown>;
export type ManifestMutator = (rng: Random, manifest: Json, other: Json) => Json | string | null;

const HOSTILE: unknown[] = [
  0,
  -1,
  1.5,
  1e9,
  2 ** 31,
  2 ** 53,
  1e300,
  -0,
  'x',
  '',
  true,
  null,
  [],
  {},
  [1],
  { a: 1 },
  // Objects a message would convert: their toString and valueOf are not functions.
  { toString: 1, valueOf: 1 },
  { constructor: { name: { toString: 1 } } },
];
const LARGE_COUNTS = [1e3, 1e5, 1e7, 1e9, 2 ** 40];
const KINDS: unknown[] = [
  'RNN',
  'LSTM',
  'GRU',
  'Dense',
  'Embedding',
  'AttentionPooling',
  'Transformer',
  '',
  1,
  null,
];
const TRICKY_KINDS: unknown[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'rnn', 'Dense '];

const CONVERTIBLE: unknown[] = [
  { toString: 1, valueOf: 1 },
  { toString: {}, valueOf: [] },
  { constructor: { name: { toString: 1 } } },
  [{ toString: 1, valueOf: 1 }],
];

interface Leaf {
  parent: Record<string | number, unknown>;
  key: string | number;
}

/** Every value inside the manifest's objects and arrays (arrays sampled), as (parent, key) to overwrite. */
function leavesOf(root: Json): Leaf[] {
  const out: Leaf[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0 && out.length < 2000) {
    const v = stack.pop() as Record<string | number, unknown>;
    const keys = Array.isArray(v) ? v.slice(0, 20).map((_, i) => i) : Object.keys(v);
    for (const key of keys) {
      out.push({ parent: v, key });
      const x = v[key];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return out;
}

const optionsOf = (m: Json) => (m.architecture as { options: Json }).options;

export const MANIFEST_MUTATORS: Record<string, ManifestMutator> = {
  optionValue(rng, m) {
    const options = optionsOf(m);
    const keys = Object.keys(options);
    const extra = [
      'numLayers',
      'hiddenSize',
      'inputSize',
      'paddingIdx',
      'init',
      'nonlinearity',
      'unknownOption',
      'hiddenSzie',
    ];
    options[pick(rng, [...keys, ...extra])] = pick(rng, HOSTILE);
    return m;
  },
  optionHuge(rng, m) {
    const options = optionsOf(m);
    const key = pick(rng, [
      'numLayers',
      'hiddenSize',
      'inputSize',
      'inFeatures',
      'outFeatures',
      'numEmbeddings',
    ]);
    options[key] = pick(rng, LARGE_COUNTS);
    return m;
  },
  optionDelete(rng, m) {
    const options = optionsOf(m);
    const keys = Object.keys(options);
    if (keys.length === 0) return null;
    delete options[pick(rng, keys)];
    return m;
  },
  optionInit(rng, m) {
    optionsOf(m).init = pick(rng, [
      { recurrent: 'orthogonal' },
      { recurrent: 'identity' },
      { input: 'he' },
      { forgetBias: 1 },
      { forgetBias: 'x' },
      { recurrent: { toString: 1, valueOf: 1 } },
      { input: ['xavier'] },
      { recurrent: 'orthogonal', bogus: 1 },
      'orthogonal',
      null,
    ]);
    return m;
  },
  kind(rng, m) {
    (m.architecture as Json).kind = pick(rng, rng.next() < 0.8 ? KINDS : TRICKY_KINDS);
    return m;
  },
  /** The architecture of another base (other kind or sizes) over these weights. */
  architectureOfOther(_rng, m, other) {
    m.architecture = other.architecture;
    return m;
  },
  tensorsOfOther(_rng, m, other) {
    m.tensors = other.tensors;
    return m;
  },
  tensorShape(rng, m) {
    const tensors = m.tensors as Json;
    const names = Object.keys(tensors);
    if (names.length === 0) return null;
    const name = pick(rng, names);
    const shape = tensors[name] as number[];
    tensors[name] = pick(rng, [[...shape, 1], shape.map((d) => d + 1), [], [-1], ['1'], null, 3]);
    return m;
  },
  tensorNames(rng, m) {
    const tensors = m.tensors as Json;
    const names = Object.keys(tensors);
    if (names.length === 0 || rng.next() < 0.5) tensors[`extra_${rng.int(9)}`] = [1];
    else delete tensors[pick(rng, names)];
    return m;
  },
  topLevel(rng, m) {
    const field = pick(rng, ['format', 'version', 'architecture', 'tensors', 'extra']);
    if (rng.next() < 0.3) delete m[field];
    else m[field] = pick(rng, [...HOSTILE, 'wasm-rnn', 2, 0]);
    return m;
  },
  text(rng, m) {
    const json = JSON.stringify(m);
    return pick(rng, [
      json.slice(0, rng.int(json.length)),
      `${json} trailing`,
      `[${json}]`,
      json.replace('"format"', '"format":"wasm-rnn","format"'),
      json.replace('"kind"', '"kind":"Dense","kind"'),
      'null',
      '',
      nested(pick(rng, [100, 10_000, 100_000]), rng.next() < 0.5),
      json.replace('"extra":', `"extra":{"deep":${nested(50_000, false)}},"extra2":`),
    ]);
  },
  /** A value a careless message would convert (toString/valueOf not functions) at any path of the manifest. */
  convertible(rng, m) {
    const node = pick(rng, leavesOf(m));
    if (node === undefined) return null;
    node.parent[node.key] = pick(rng, CONVERTIBLE);
    return m;
  },
  /** An option or extra nested 100,000 deep (a reader that recurses overflows its stack). */
  deepValue(rng, m) {
    const node = pick(rng, leavesOf(m));
    if (node === undefined) return null;
    node.parent[node.key] = '__DEEP__';
    const deep = nested(100_000, rng.next() < 0.5);
    return JSON.stringify(m).replace('"__DEEP__"', () => deep);
  },
  /** A tensor named "__proto__" in the manifest's list (an own key: JSON text, not an assignment). */
  protoTensor(_rng, m) {
    const text = JSON.stringify(m);
    return text.replace('"tensors":{', () => '"tensors":{"__proto__":[1],');
  },
  hugeExtra(rng, m) {
    m.extra = { vocabulary: Array.from({ length: 1000 * (1 + rng.int(50)) }, (_, i) => `w${i}`) };
    return m;
  },
};

/** Applies a manifest mutator to a header holding a parseable manifest; null when it has none. */
export function mutateManifest(
  rng: Random,
  header: HeaderJson,
  data: Uint8Array,
  mutate: ManifestMutator,
  otherManifest: string,
): Uint8Array | null {
  const text = header.__metadata__?.[MANIFEST_KEY];
  if (typeof text !== 'string') return null;
  let manifest: Json;
  try {
    manifest = JSON.parse(text) as Json;
    if (typeof manifest?.architecture !== 'object' || manifest.architecture === null) return null;
    if (typeof optionsOf(manifest) !== 'object' || optionsOf(manifest) === null) return null;
  } catch {
    return null;
  }
  const result = mutate(rng, manifest, JSON.parse(otherManifest) as Json);
  if (result === null) return null;
  header.__metadata__ = {
    ...header.__metadata__,
    [MANIFEST_KEY]: typeof result === 'string' ? result : JSON.stringify(result),
  };
  return joinFile(JSON.stringify(header), data);
}
