// Mutations of a JSON section inside a file's metadata — the manifest, or a checkpoint's training state — at any
// path: a value of every JSON type put anywhere (objects whose toString and valueOf are not functions, strings of
// 100,000 characters, arrays nested 100,000 deep, tens of thousands of keys), keys that name prototype members,
// keys deleted or named twice. The hostile value is spliced in as text: JSON.stringify itself recurses, and an
// own "__proto__" key exists only in parsed text (assigning it sets the prototype instead).

import type { Random } from '../../bindings/random.ts';
import type { HeaderJson } from './bytes.ts';
import { joinFile } from './bytes.ts';
import { pick } from './mutate-bytes.ts';
import { nested } from './mutate-header.ts';

/** Returns the section's new text, or null when the mutation does not apply. */
export type SectionMutator = (rng: Random, section: unknown) => string | null;

const MARKER = '"__FUZZ_MARKER__"';
const KEY_MARKER = '__FUZZ_KEY__';

const many = (n: number, item: string) => `[${Array.from({ length: n }, () => item).join(',')}]`;
const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;

/** JSON texts of every type, most of them hostile to a reader that trusts types or converts values. */
export const HOSTILE_JSON: readonly (() => string)[] = [
  () => '0',
  () => '-1',
  () => '1.5',
  () => '-0',
  () => '1e308',
  () => '4294967296',
  () => '9007199254740993',
  () => 'true',
  () => 'false',
  () => 'null',
  () => '""',
  () => '"x"',
  () => '"3"',
  () => '"Infinity"',
  () => '"__proto__"',
  () => '"\\ud800"',
  () => JSON.stringify('a'.repeat(100_000)),
  () => '[]',
  () => '[1]',
  () => '[null]',
  () => '["a"]',
  () => many(100_000, '0'),
  () => nested(100_000, false),
  () => '{}',
  () => '{"toString":1,"valueOf":1}',
  () => '{"toString":{},"valueOf":[]}',
  () => '{"constructor":{"name":{"toString":1}}}',
  () => '{"__proto__":{"toString":1}}',
  () => '{"nonFinite":"Infinity"}',
  () => '{"nonFinite":"NaN"}',
  () => '{"nonFinite":{"toString":1}}',
  () => nested(100_000, true),
  () => keys(50_000),
];

/** Keys that name members of Object.prototype, near misses of real options, and plain unknown ones. */
const TRICKY_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'hiddenSzie',
  'numLayer',
  'unknownOption',
  '',
];

interface Node {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** Up to `limit` nodes of a parsed JSON value, breadth first (a vocabulary of 10,000 words is sampled). */
function nodesOf(root: unknown, limit = 2000): Node[] {
  const out: Node[] = [];
  const queue: Node[] = [{ path: [], value: root }];
  for (let i = 0; i < queue.length && out.length < limit; i++) {
    const node = queue[i];
    out.push(node);
    const v = node.value;
    if (Array.isArray(v)) {
      for (let k = 0; k < Math.min(v.length, 50); k++) queue.push({ path: [...node.path, k], value: v[k] });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) queue.push({ path: [...node.path, k], value: x });
    }
  }
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let at = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return root;
}

const objects = (root: unknown) =>
  nodesOf(root).filter((n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value));

export const SECTION_MUTATORS: Record<string, SectionMutator> = {
  /** A value of any JSON type at any path (the path itself, or one of its fields). */
  anyValue(rng, section) {
    const node = pick(rng, nodesOf(section));
    return JSON.stringify(setAt(section, node.path, '__FUZZ_MARKER__')).replace(MARKER, () =>
      pick(rng, HOSTILE_JSON)(),
    );
  },
  /** An object gains a key named after a prototype member, a near miss, or nothing known. */
  trickyKey(rng, section) {
    const all = objects(section);
    if (all.length === 0) return null;
    const node = pick(rng, all);
    (node.value as Record<string, unknown>)[KEY_MARKER] = '__FUZZ_MARKER__';
    const key = JSON.stringify(pick(rng, TRICKY_KEYS));
    return JSON.stringify(section)
      .replace(`"${KEY_MARKER}"`, () => key)
      .replace(MARKER, () => pick(rng, HOSTILE_JSON)());
  },
  deleteKey(rng, section) {
    const all = objects(section).filter((n) => Object.keys(n.value as object).length > 0);
    if (all.length === 0) return null;
    const o = pick(rng, all).value as Record<string, unknown>;
    delete o[pick(rng, Object.keys(o))];
    return JSON.stringify(section);
  },
  /** A key of some object named twice (JSON.parse would keep the second silently). */
  duplicateKey(rng, section) {
    const all = objects(section).filter((n) => Object.keys(n.value as object).length > 0);
    if (all.length === 0) return null;
    const o = pick(rng, all).value as Record<string, unknown>;
    const key = pick(rng, Object.keys(o));
    o[KEY_MARKER] = '__FUZZ_MARKER__';
    const value = pick(rng, [JSON.stringify(o[key]) ?? 'null', pick(rng, HOSTILE_JSON)()]);
    return JSON.stringify(section)
      .replace(`"${KEY_MARKER}"`, () => JSON.stringify(key))
      .replace(MARKER, () => value);
  },
  /** The whole section, or one value, nested 100,000 deep. */
  deep(rng, section) {
    const node = pick(rng, nodesOf(section));
    const depth = pick(rng, [100, 1000, 100_000]);
    const inner = nested(depth, rng.next() < 0.5);
    return JSON.stringify(setAt(section, node.path, '__FUZZ_MARKER__')).replace(MARKER, () => inner);
  },
};

/** Applies `mutate` to the metadata section `key` of a parsed header; null when it has none or it declines. */
export function mutateSection(
  rng: Random,
  header: HeaderJson,
  data: Uint8Array,
  key: string,
  mutate: SectionMutator,
): Uint8Array | null {
  const text = header.__metadata__?.[key];
  if (typeof text !== 'string') return null;
  let section: unknown;
  try {
    section = JSON.parse(text);
  } catch {
    return null;
  }
  const result = mutate(rng, section);
  if (result === null) return null;
  header.__metadata__ = { ...header.__metadata__, [key]: result };
  return joinFile(JSON.stringify(header), data);
}
