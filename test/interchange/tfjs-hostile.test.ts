// Hostile TF.js files, fuzzed as the ONNX importer is (onnx-hostile.test.ts): every fixture's model.json and
// weights truncated at every length, weights bit-flipped, and the topology and weight manifest edited in place
// (each value swapped for a hostile one: huge, negative, fractional, wrong type, deeply nested, a key that is
// a prototype's), huge dims and layer floods. Each ends in a typed error (a WasmRnnError) within a second,
// with linear memory back where it was, or in a model that runs and is then freed; never a crash, a hang or an
// untyped exception.

import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime, WasmRnnError } from '../../bindings/index.node.ts';
import { importTfjs } from '../../bindings/interchange/tfjs-import.ts';
import { Random } from '../../bindings/random.ts';
import { loadRuntime } from '../helpers/backends.ts';

const ROOT = new URL('../fixtures/tfjs/', import.meta.url);
const read = (name: string, file: string) => readFileSync(new URL(`${name}/${file}`, ROOT));
const FIXTURES = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('refuse_'))
  .map((d) => ({
    name: d.name,
    json: read(d.name, 'model.json').toString(),
    weights: new Uint8Array(read(d.name, 'weights.bin')),
    input: JSON.parse(read(d.name, 'expected.json').toString()).input as { shape: number[]; data: number[] },
  }));

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

interface Outcome {
  error?: unknown;
  ms: number;
}

/** Imports and, when that works, runs the model on its fixture's input shape; the error, if any, and the time. */
function attempt(
  json: string | object,
  weights: Uint8Array,
  input: Outcome & { shape?: number[] } = { ms: 0 },
) {
  const used = rt.arena.usedBytes;
  const start = performance.now();
  let error: unknown;
  try {
    const m = importTfjs(rt, json, weights);
    try {
      const shape = (input.shape ?? [2, 3]).slice();
      const c = m.model.config.input;
      const ids = c.kind === 'tokens' || c.kind === 'embedding';
      if (!ids) shape[shape.length - 1] = c.size;
      const n = shape.reduce((a, b) => a * b, 1);
      const x = ids ? { data: new Int32Array(n), shape } : { data: new Float32Array(n).fill(0.5), shape };
      m.predict(x as never);
    } finally {
      m.dispose();
    }
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - start;
  if (error !== undefined && !(error instanceof WasmRnnError)) {
    throw new Error(`untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
  }
  // Refused or run, the import leaves linear memory as it found it.
  expect(rt.arena.usedBytes).toBe(used);
  return { error, ms };
}

/** The parts of model.json the targeted edits reach. */
interface TfjsJson {
  modelTopology: { config: { layers: { class_name?: string; config: Record<string, unknown> }[] } };
  weightsManifest: { weights: { name?: string; shape: number[]; dtype?: string }[] }[];
}

const HOSTILE: (() => unknown)[] = [
  () => 1e9,
  () => 2 ** 31,
  () => -1,
  () => 0,
  () => 1.5,
  () => Number.MAX_SAFE_INTEGER + 2,
  () => '',
  () => 'NaN',
  () => null,
  () => true,
  () => [],
  () => ({}),
  () => [1e9, 1e9],
  () => 'x'.repeat(100_000),
  () => JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`),
  () => JSON.parse('{"__proto__": {"units": 3}, "constructor": 1}'),
];

/** Every path to a value in `value` (objects and arrays), up to `limit`. */
function paths(
  value: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (out.length > 5000) return out;
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...at, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
}

describe('hostile TF.js files', () => {
  it('each fixture loads and runs unchanged (the mutations start from valid files)', () => {
    for (const f of FIXTURES)
      expect(attempt(f.json, f.weights, { ms: 0, shape: f.input.shape }).error).toBeUndefined();
    expect(FIXTURES.length).toBeGreaterThanOrEqual(6);
  });

  it('model.json and weights truncated at every length: typed errors, each fast', () => {
    let slowest = 0;
    for (const f of FIXTURES) {
      for (let n = 0; n < f.json.trimEnd().length; n += 3) {
        const { error, ms } = attempt(f.json.slice(0, n), f.weights);
        expect(error).toBeInstanceOf(WasmRnnError);
        slowest = Math.max(slowest, ms);
      }
      for (let n = 0; n < f.weights.length; n++) {
        const { error, ms } = attempt(f.json, f.weights.subarray(0, n));
        expect(error, `${f.name} weights cut at ${n}`).toBeInstanceOf(FormatError);
        slowest = Math.max(slowest, ms);
      }
    }
    expect(slowest).toBeLessThan(1000);
  });

  it('2,000 bit flips in the weights: a FormatError, or a model that runs', () => {
    const rng = new Random(181);
    for (let i = 0; i < 2000; i++) {
      const f = FIXTURES[i % FIXTURES.length];
      const bin = f.weights.slice();
      bin[rng.int(bin.length)] ^= 1 << rng.int(8);
      const { error } = attempt(f.json, bin, { ms: 0, shape: f.input.shape });
      if (error !== undefined) expect(error).toBeInstanceOf(FormatError);
    }
  });

  it('a NaN or an infinity anywhere in the weights is a FormatError naming the weight', () => {
    const rng = new Random(183);
    for (let i = 0; i < 300; i++) {
      const f = FIXTURES[i % FIXTURES.length];
      const bin = f.weights.slice();
      const at = 4 * rng.int(bin.length / 4);
      new DataView(bin.buffer).setFloat32(at, [Number.NaN, Number.POSITIVE_INFINITY, -Infinity][i % 3], true);
      const { error } = attempt(f.json, bin);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(
        /weight ".+"\[\d+\] is (NaN|-?Infinity); a model's weights must be finite/,
      );
    }
  });

  it('3,000 in-place edits of the topology and weight manifest: typed errors or models that run, < 1 s each', () => {
    const rng = new Random(182);
    let slowest = 0;
    let ran = 0;
    for (let i = 0; i < 3000; i++) {
      const f = FIXTURES[i % FIXTURES.length];
      const json = JSON.parse(f.json);
      for (let k = 0; k < 1 + rng.int(2); k++) {
        // Paths again after each edit: the first may have replaced a parent of what the second picks.
        const all = paths(json);
        setAt(json, all[rng.int(all.length)], HOSTILE[rng.int(HOSTILE.length)]());
      }
      // Half as the object, half as text: both ways in.
      const { error, ms } = attempt(i % 2 === 0 ? json : JSON.stringify(json), f.weights, {
        ms: 0,
        shape: f.input.shape,
      });
      if (error === undefined) ran++;
      slowest = Math.max(slowest, ms);
    }
    expect(ran).toBeGreaterThan(100);
    expect(slowest).toBeLessThan(1000);
  });

  it('huge dims, layer floods and deep nesting are refused before anything is allocated', () => {
    const f = FIXTURES.find((x) => x.name === 'emb_bilstm_last_sigmoid') ?? FIXTURES[0];
    const cases: ((j: TfjsJson) => unknown)[] = [
      (j) => {
        (j as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest[0].weights[0].shape =
          [2 ** 26, 2 ** 26];
      },
      (j) => {
        const layers = (j as { modelTopology: { config: { layers: unknown[] } } }).modelTopology.config
          .layers;
        const lstm = layers[1];
        for (let k = 0; k < 200_000; k++) layers.push(lstm);
      },
      (j) => {
        const layers = j.modelTopology.config.layers;
        layers[0].config.input_dim = 2 ** 40;
        layers[0].config.output_dim = 2 ** 40;
      },
      (j) => {
        const layers = (j as { modelTopology: { config: { layers: Record<string, unknown>[] } } })
          .modelTopology.config.layers;
        let wrapped: Record<string, unknown> = layers[1];
        for (let k = 0; k < 50_000; k++)
          wrapped = { class_name: 'Bidirectional', config: { layer: wrapped } };
        layers[1] = wrapped;
      },
      (j) => {
        const m = j.weightsManifest[0];
        for (let k = 0; k < 100_000; k++) m.weights.push({ name: `w${k}`, shape: [1], dtype: 'float32' });
      },
    ];
    for (const edit of cases) {
      const json = JSON.parse(f.json);
      edit(json);
      const { error, ms } = attempt(json, f.weights);
      expect(error).toBeInstanceOf(WasmRnnError);
      expect(ms).toBeLessThan(1000);
    }
    // As text, a topology nested 100,000 deep is refused as JSON, not by a stack overflow.
    const deep = `{"modelTopology":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expect(attempt(deep, f.weights).error).toBeInstanceOf(WasmRnnError);
  });
});
