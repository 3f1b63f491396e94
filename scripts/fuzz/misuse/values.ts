// Wrong values for the API-misuse fuzz: a pool of values of every JS type and edge (NaN, −0, 2^53, BigInt,
// Symbol, functions, the wrong typed array), and mutations of a valid argument that keep it almost right
// (a tensor one dimension off, an options object with one field wrong, a number just outside its range).

import type { Random } from '../../../bindings/random.ts';

export const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];

/** Values of every type; a fresh pool per call so no trial can mutate another's value. */
export function pool(): unknown[] {
  return [
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    0,
    -0,
    0.5,
    1.5,
    2 ** 31,
    2 ** 53,
    1e12,
    -1e12,
    Number.MAX_VALUE,
    '',
    'abc',
    '3',
    true,
    false,
    {},
    [],
    [1, 2],
    [Number.NaN],
    () => 1,
    Symbol('misuse'),
    10n,
    new Float64Array(3),
    new Int32Array(3),
    new Float32Array(0),
    new Uint8Array(5),
    new ArrayBuffer(8),
    new Date(0),
    Object.create(null),
    { data: new Float32Array(2), shape: [2] },
    { data: [1, 2], shape: [2] },
    { length: 3 },
    new Map(),
    // Objects whose toString and valueOf are not functions: a message that converts them throws a TypeError.
    { toString: 1, valueOf: 1 },
    Object.assign(Object.create(null), { toString: 'x' }),
  ];
}

/** `key` with two neighbouring letters swapped (`hiddenSize` → `hiddneSize`): a typo, not a new name. */
export function misspelled(key: string): string | undefined {
  if (key.length < 5) return undefined;
  const i = 1 + ((key.length * 7) % (key.length - 2));
  const out = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  return out === key ? undefined : out;
}

const numberNeighbours = (v: number): number[] => [
  v + 1,
  v - 1,
  -v,
  v * 2,
  v + 0.5,
  v * 1e9,
  -1,
  0,
  Number.NaN,
];

/** A value close to `valid` but (usually) wrong: what a caller's small mistake looks like. */
export function nearMiss(rng: Random, valid: unknown): unknown {
  if (typeof valid === 'number') return pick(rng, numberNeighbours(valid));
  if (typeof valid === 'string') return pick(rng, [`${valid}x`, valid.toUpperCase(), '', ` ${valid}`]);
  if (typeof valid === 'boolean') return pick(rng, [0, 1, 'true', null]);
  if (valid instanceof Float32Array || valid instanceof Int32Array) return typedNearMiss(rng, valid);
  if (Array.isArray(valid)) return arrayNearMiss(rng, valid);
  if (isTensor(valid)) return tensorNearMiss(rng, valid);
  if (valid !== null && typeof valid === 'object')
    return objectNearMiss(rng, valid as Record<string, unknown>);
  return pick(rng, pool());
}

const isTensor = (v: unknown): v is { data: Float32Array | Int32Array; shape: number[] } =>
  v !== null &&
  typeof v === 'object' &&
  ArrayBuffer.isView((v as { data?: unknown }).data) &&
  Array.isArray((v as { shape?: unknown }).shape);

function typedNearMiss(rng: Random, valid: Float32Array | Int32Array): unknown {
  const n = valid.length;
  const poisoned = valid.slice();
  if (n > 0)
    poisoned[rng.int(n)] = pick(
      rng,
      valid instanceof Int32Array ? [-1, 2 ** 31 - 1, 1e6] : [Number.NaN, Number.POSITIVE_INFINITY, -1e30],
    );
  return pick(rng, [
    valid.subarray(0, Math.max(0, n - 1)),
    new (valid.constructor as Float32ArrayConstructor)(n + 1),
    new Float64Array(valid),
    valid instanceof Float32Array ? new Int32Array(n) : new Float32Array(n),
    Array.from(valid),
    poisoned,
  ]);
}

function arrayNearMiss(rng: Random, valid: unknown[]): unknown {
  const i = rng.int(Math.max(1, valid.length));
  const changed = [...valid];
  changed[i] = nearMiss(rng, valid[i]);
  return pick(rng, [changed, valid.slice(1), [...valid, valid[0]], [], [valid]]);
}

function tensorNearMiss(rng: Random, t: { data: Float32Array | Int32Array; shape: number[] }): unknown {
  const d = rng.int(Math.max(1, t.shape.length));
  const shape = [...t.shape];
  shape[d] = pick(rng, [shape[d] + 1, shape[d] - 1, 0, -shape[d], 1.5, Number.NaN, 2 ** 32]);
  return pick(rng, [
    { data: t.data, shape },
    { data: typedNearMiss(rng, t.data), shape: t.shape },
    { data: t.data, shape: [...t.shape, 1] },
    { data: t.data, shape: t.shape.slice(1) },
    { data: t.data },
    { shape: t.shape },
    { data: t.data, shape: 'shape' },
    t.data,
  ]);
}

function objectNearMiss(rng: Random, valid: Record<string, unknown>): unknown {
  const keys = Object.keys(valid);
  const copy: Record<string, unknown> = { ...valid };
  const roll = rng.next();
  const typo = keys.length > 0 ? misspelled(pick(rng, keys)) : undefined;
  if (typo !== undefined && roll < 0.15) {
    // A key misspelled (value kept): an options object must refuse it and name the key it meant.
    const key = keys.find((k) => misspelled(k) === typo) as string;
    const renamed: Record<string, unknown> = {};
    for (const k of keys) renamed[k === key ? typo : k] = valid[k];
    return renamed;
  }
  if (keys.length > 0 && roll < 0.6) {
    const key = pick(rng, keys);
    copy[key] = rng.next() < 0.5 ? nearMiss(rng, valid[key]) : pick(rng, pool());
  } else if (keys.length > 0 && roll < 0.8) delete copy[pick(rng, keys)];
  else {
    const key = pick(rng, ['unknownOption', '__proto__', 'constructor']);
    // Not covered: an object whose prototype is a typed array's passes `instanceof Float32Array` and then
    // throws on .length; the library checks with instanceof (as JS libraries do), except for file bytes.
    const value = pick(rng, pool());
    copy[key] =
      key === '__proto__' && (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) ? {} : value;
  }
  return copy;
}

/** Which field of an options object a near miss changed, to check the error message names it. */
export function changedKey(valid: unknown, wrong: unknown): string | undefined {
  if (valid === null || typeof valid !== 'object' || wrong === null || typeof wrong !== 'object')
    return undefined;
  if (ArrayBuffer.isView(valid) || Array.isArray(valid)) return undefined;
  const keys = new Set([...Object.keys(valid), ...Object.keys(wrong)]);
  for (const k of keys) {
    if (!Object.is((valid as Record<string, unknown>)[k], (wrong as Record<string, unknown>)[k])) return k;
  }
  return undefined;
}
