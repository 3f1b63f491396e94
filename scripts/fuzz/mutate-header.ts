// Mutations of a parsed safetensors header: offsets outside the data, overlapping tensors, wrong dtypes,
// shapes whose size disagrees with their bytes, renamed/duplicated/deleted tensors, hostile metadata, NaN
// weights, deep nesting and huge JSON. Each returns the re-joined file; `null` means "not applicable".

import type { Random } from '../../bindings/random.ts';
import { type HeaderEntry, type HeaderJson, joinFile, parseHeader, splitFile, tensorNames } from './bytes.ts';
import { pick } from './mutate-bytes.ts';

export type HeaderMutator = (rng: Random, header: HeaderJson, data: Uint8Array) => Uint8Array | null;

const entryOf = (h: HeaderJson, name: string) => h[name] as HeaderEntry;
const offsetsOf = (h: HeaderJson, name: string) => entryOf(h, name).data_offsets as [number, number];
const join = (h: HeaderJson, data: Uint8Array) => joinFile(JSON.stringify(h), data);

function randomTensor(rng: Random, h: HeaderJson): string | undefined {
  const names = tensorNames(h);
  return names.length === 0 ? undefined : pick(rng, names);
}

/** `depth` nested arrays (or objects) around a value, as text: JSON.parse is iterative, recursion in a checker is not. */
export const nested = (depth: number, object: boolean): string =>
  object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;

const DEPTHS = [10, 100, 1000, 10_000, 100_000];
const BAD_OFFSETS: unknown[] = [
  [-4, 0],
  [8, 0],
  [0],
  [0, 4, 8],
  ['0', '4'],
  [0.5, 4.5],
  [2 ** 53, 2 ** 53 + 4],
  null,
  {},
  'x',
];
const BAD_DTYPES: unknown[] = [
  'F16',
  'BF16',
  'F64',
  'I64',
  'I32',
  'U8',
  'BOOL',
  'F8_E4M3',
  'F33',
  'f32',
  '',
  12,
  null,
  ['F32'],
];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

export const HEADER_MUTATORS: Record<string, HeaderMutator> = {
  offsetsOutside(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    const [begin, end] = offsetsOf(h, name);
    const shift = 4 * (1 + rng.int(1 << rng.int(20)));
    entryOf(h, name).data_offsets =
      rng.next() < 0.5 ? [begin + shift, end + shift] : [data.length + 8, data.length + 8];
    return join(h, data);
  },
  offsetsWeird(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    entryOf(h, name).data_offsets = pick(rng, BAD_OFFSETS);
    return join(h, data);
  },
  overlap(rng, h, data) {
    const names = tensorNames(h);
    if (names.length < 2) return null;
    const [a, b] = [pick(rng, names), pick(rng, names)];
    if (a === b) return null;
    const [ab] = offsetsOf(h, a);
    const [bb, be] = offsetsOf(h, b);
    const back = Math.min(bb, 4 * (1 + rng.int(4)));
    entryOf(h, b).data_offsets = rng.next() < 0.5 ? [ab, ab + (be - bb)] : [bb - back, be - back];
    return join(h, data);
  },
  dtypeWrong(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    entryOf(h, name).dtype = pick(rng, BAD_DTYPES);
    return join(h, data);
  },
  shapeWrong(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    const shape = entryOf(h, name).shape as number[];
    const options: unknown[] = [
      shape.map((d) => d * 2),
      [...shape, 2],
      [...shape, 1],
      [1, ...shape],
      [],
      [0],
      [-1],
      [1.5],
      ['2'],
      [2 ** 31, 2 ** 31, 2 ** 31],
      [2 ** 26, 2 ** 26],
      Array(1 + rng.int(50_000)).fill(1),
      null,
      'shape',
    ];
    entryOf(h, name).shape = pick(rng, options);
    return join(h, data);
  },
  /** A header claiming a huge tensor in a tiny file: must be refused before anything is allocated for it. */
  shapeHuge(rng, h, data) {
    const name = randomTensor(rng, h) ?? 'w';
    const dims = pick(rng, [[1e6, 1e6], [2 ** 30], [65536, 65536, 4], [1e5, 1e4]]);
    const bytes = dims.reduce((a, b) => a * b, 4);
    h[name] = { dtype: 'F32', shape: dims, data_offsets: [0, bytes] };
    return join(h, data);
  },
  renameTensor(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    const to = pick(rng, [
      '__proto__',
      '',
      'constructor',
      'toString',
      'weight',
      'bias',
      'x'.repeat(10_000),
      `${name} `,
    ]);
    if (to === name || Object.hasOwn(h, to)) return null;
    // defineProperty: assigning h.__proto__ would set the prototype, and the tensor would vanish from the text.
    Object.defineProperty(h, to, { value: h[name], enumerable: true, writable: true, configurable: true });
    delete h[name];
    return join(h, data);
  },
  duplicateKey(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    const text = JSON.stringify(h);
    const copy = `${JSON.stringify(name)}:${JSON.stringify(h[name])}`;
    return joinFile(`${text.slice(0, -1)},${copy}}`, data);
  },
  deleteTensor(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined) return null;
    const [begin, end] = offsetsOf(h, name);
    delete h[name];
    if (rng.next() < 0.5) return join(h, data);
    // Repack: a well-formed file that simply lacks the tensor the manifest lists.
    for (const other of tensorNames(h)) {
      const [b, e] = offsetsOf(h, other);
      if (b >= end) entryOf(h, other).data_offsets = [b - (end - begin), e - (end - begin)];
    }
    const packed = new Uint8Array(data.length - (end - begin));
    packed.set(data.subarray(0, begin));
    packed.set(data.subarray(end), begin);
    return join(h, packed);
  },
  metadataWeird(rng, h, data) {
    h.__metadata__ = pick(rng, [
      null,
      [],
      'x',
      { n: 1 },
      { k: {} },
      {},
      { ...h.__metadata__, 'wasm_rnn.manifest': 7 },
      { ...h.__metadata__, extra: 'y'.repeat(1 + rng.int(1000)) },
    ]) as HeaderJson['__metadata__'];
    return join(h, data);
  },
  deepNesting(rng, h, data) {
    const depth = pick(rng, DEPTHS);
    const name = randomTensor(rng, h) ?? 'w';
    const field = pick(rng, ['shape', 'data_offsets', 'dtype', 'entry', 'metadata']);
    const inner = nested(depth, rng.next() < 0.5);
    const marker = '"__NESTED__"';
    if (field === 'entry') h[name] = '__NESTED__';
    else if (field === 'metadata') h.__metadata__ = { k: '__NESTED__' } as never;
    else (entryOf(h, name) as unknown as Record<string, unknown>)[field] = '__NESTED__';
    return joinFile(JSON.stringify(h).replace(marker, inner), data);
  },
  /** Huge JSON: a multi-megabyte metadata string, or tens of thousands of empty tensors. */
  hugeJson(rng, h, data) {
    const roll = rng.next();
    if (roll < 0.4) {
      h.__metadata__ = { ...h.__metadata__, blob: 'z'.repeat(1 << (17 + rng.int(5))) };
    } else if (roll < 0.55) {
      // Past the metadata limit; a million keys took seconds to parse (load-hardening.test.ts times that).
      const meta: Record<string, string> = { ...h.__metadata__ } as Record<string, string>;
      for (let i = 0, n = 1100 * (1 + rng.int(10)); i < n; i++) meta[`k${i}`] = '';
      h.__metadata__ = meta;
    } else {
      for (let i = 0, n = 1000 * (1 + rng.int(16)); i < n; i++) {
        h[`empty.${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      }
    }
    return join(h, data);
  },
  /** A well-formed extra tensor named "__proto__" (an own key of the header; 4 bytes of data appended). */
  protoTensor(_rng, h, data) {
    const end = data.length;
    const out = new Uint8Array(end + 4);
    out.set(data);
    const entry = JSON.stringify({ dtype: 'F32', shape: [1], data_offsets: [end, end + 4] });
    return joinFile(
      JSON.stringify(h).replace(/^\{/, () => `{"__proto__":${entry},`),
      out,
    );
  },
  nonFiniteWeight(rng, h, data) {
    const name = randomTensor(rng, h);
    if (name === undefined || entryOf(h, name).dtype !== 'F32') return null;
    const [begin, end] = offsetsOf(h, name);
    if (end === begin) return null;
    const out = data.slice();
    const at = begin + 4 * rng.int((end - begin) / 4);
    // Mostly NaN/Inf (a FormatError); sometimes −0 or a subnormal, which are finite and must load, or
    // 3.4e38, finite but past the weight bound (a FormatError unless the loader is told maxAbsWeight: Infinity).
    const value = rng.next() < 0.8 ? pick(rng, NON_FINITE) : pick(rng, [-0, 1e-45, 3.4e38]);
    new DataView(out.buffer).setFloat32(at, value, true);
    return join(h, out);
  },
};

/** Applies a header mutator to a file whose header parses; null when it does not or the mutator declines. */
export function mutateHeader(rng: Random, bytes: Uint8Array, mutate: HeaderMutator): Uint8Array | null {
  let header: HeaderJson;
  let data: Uint8Array;
  try {
    const raw = splitFile(bytes);
    header = parseHeader(raw);
    data = raw.data;
  } catch {
    return null;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return null;
  try {
    return mutate(rng, header, data);
  } catch {
    // A header an earlier step nested 100,000 deep cannot be re-stringified; a byte mutation is used instead.
    return null;
  }
}
