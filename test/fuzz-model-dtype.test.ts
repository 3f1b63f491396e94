// The model-file fuzz over small-weights files: the corpus's byte, header and manifest mutators (scripts/fuzz),
// and mutators of the manifest's `dtype`, the I8 values and the `.scale` tensors, applied to layer and
// SequenceModel files saved as f16, bf16 and int8. (The corpus itself is not reused: its re-storing of a
// whole file as F16/BF16/F64 assumes F32 tensors.) Each case must end in a
// FormatError or load exactly what the file states; an unmutated base loads exactly the rounded weights.

import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../bindings/errors.ts';
import type { Runtime } from '../bindings/index.node.ts';
import { MANIFEST_KEY } from '../bindings/io/manifest.ts';
import { LAYER_KINDS, saveLayer } from '../bindings/io/model-file.ts';
import { saveModel } from '../bindings/io/model-save.ts';
import type { WeightDtype } from '../bindings/io/weight-dtype.ts';
import { SequenceModel } from '../bindings/model/sequence-model.ts';
import { Random } from '../bindings/random.ts';
import { type BaseSource, LAYER_FILES } from '../scripts/fuzz/bases.ts';
import { type HeaderJson, joinFile, parseHeader, splitFile } from '../scripts/fuzz/bytes.ts';
import { FUZZ_SEED, type FuzzCase } from '../scripts/fuzz/corpus.ts';
import type { FuzzTarget } from '../scripts/fuzz/harness.ts';
import { randomModelOptions } from '../scripts/fuzz/model-bases.ts';
import { modelFileTarget, modelTarget } from '../scripts/fuzz/model-file-target.ts';
import { BYTE_MUTATORS, pick } from '../scripts/fuzz/mutate-bytes.ts';
import { HEADER_MUTATORS, type HeaderMutator, mutateHeader } from '../scripts/fuzz/mutate-header.ts';
import { MANIFEST_MUTATORS, mutateManifest } from '../scripts/fuzz/mutate-manifest.ts';
import { loadRuntime } from './helpers/backends.ts';
import { rounded } from './helpers/dtype-files.ts';

const DTYPES: WeightDtype[] = ['f16', 'bf16', 'int8'];
const pickDtype = (rng: Random) => pick(rng, DTYPES);

/** The corpus's layer files, saved again in a random small dtype; their weights are what loading must give. */
const SMALL_LAYER_FILES: BaseSource = {
  name: 'small-dtype layer files',
  make(rng) {
    const base = LAYER_FILES.make(rng);
    const dtype = pickDtype(rng);
    const layer = { getWeights: () => base.weights, setWeights: () => {} };
    const specs = LAYER_KINDS[base.kind].paramSpecs(base.options as never);
    const weights = Object.fromEntries(
      specs.map((s) => [s.name, rounded(dtype, s.shape, base.weights[s.name])]),
    );
    const bytes = saveLayer(layer, base.kind as never, base.options, { note: 'fuzz' }, { dtype });
    return { kind: `${base.kind}:${dtype}`, options: base.options, weights, bytes };
  },
};

/** Random SequenceModels saved in a random small dtype. */
const smallModelFiles = (rt: Runtime): BaseSource => ({
  name: 'small-dtype SequenceModel files',
  make(rng) {
    const options = randomModelOptions(rng);
    const dtype = pickDtype(rng);
    const model = new SequenceModel(rt, options);
    try {
      const weights = Object.fromEntries(
        model.slab.entries.map((e) => [e.name, rounded(dtype, e.shape, model.slab.read(e.name))]),
      );
      return {
        kind: `SequenceModel:${dtype}`,
        options: { ...options },
        weights,
        bytes: saveModel(model, undefined, { dtype }),
      };
    } finally {
      model.dispose();
    }
  },
});

/** Changes aimed at what small-weights files add: the manifest's dtype, I8 values, and the scale tensors. */
const DTYPE_MUTATORS: Record<string, HeaderMutator> = {
  manifestDtype(rng, h, data) {
    const meta = h.__metadata__ as Record<string, string>;
    const m = JSON.parse(meta[MANIFEST_KEY]);
    m.dtype = pick(rng, [
      undefined,
      'f32',
      'f16',
      'bf16',
      'int8',
      'INT8',
      8,
      null,
      ['int8'],
      { dtype: 'int8' },
    ]);
    h.__metadata__ = { ...meta, [MANIFEST_KEY]: JSON.stringify(m) };
    return joinFile(JSON.stringify(h), data);
  },
  scaleValue(rng, h, data) {
    const name = pick(rng, scales(h));
    if (name === undefined) return null;
    const [begin, end] = (h[name] as { data_offsets: number[] }).data_offsets;
    const at = begin + 4 * rng.int((end - begin) / 4);
    const copy = data.slice();
    new DataView(copy.buffer).setFloat32(
      at,
      pick(rng, [Number.NaN, -1, Number.POSITIVE_INFINITY, 1e30, 0, 3.4e38]),
      true,
    );
    return joinFile(JSON.stringify(h), copy);
  },
  scaleDropped(rng, h, data) {
    const name = pick(rng, scales(h));
    if (name === undefined) return null;
    delete h[name];
    return joinFile(JSON.stringify(h), data);
  },
  scaleRenamed(rng, h, data) {
    const name = pick(rng, scales(h));
    if (name === undefined) return null;
    h[
      pick(rng, [`${name}.scale`, name.replace('.scale', ''), name.replace('.scale', '.Scale'), '__proto__'])
    ] = h[name];
    delete h[name];
    return joinFile(JSON.stringify(h), data);
  },
  scaleShape(rng, h, data) {
    const name = pick(rng, scales(h));
    if (name === undefined) return null;
    const e = h[name] as { shape: number[] };
    e.shape = pick(rng, [[e.shape[0], 1], [], [e.shape[0] + 1], [1, e.shape[0]]]);
    return joinFile(JSON.stringify(h), data);
  },
  int8Value(rng, h, data) {
    const names = Object.keys(h).filter((n) => (h[n] as { dtype?: string }).dtype === 'I8');
    const name = pick(rng, names);
    if (name === undefined) return null;
    const [begin, end] = (h[name] as { data_offsets: number[] }).data_offsets;
    if (end === begin) return null;
    const copy = data.slice();
    copy[begin + rng.int(end - begin)] = pick(rng, [0x80, 0x7f, 0x81, 0]);
    return joinFile(JSON.stringify(h), copy);
  },
  dtypeSwapped(rng, h, data) {
    const name = pick(
      rng,
      Object.keys(h).filter((n) => n !== '__metadata__'),
    );
    if (name === undefined) return null;
    (h[name] as { dtype: string }).dtype = pick(rng, ['I8', 'F16', 'BF16', 'U8', 'F32']);
    return joinFile(JSON.stringify(h), data);
  },
};

const scales = (h: HeaderJson) => Object.keys(h).filter((n) => n.endsWith('.scale'));

/** Case i: a fresh base, then 0 to 3 mutations drawn from the small-weights, header, manifest and byte families. */
function smallCase(source: BaseSource, seed: number, index: number): FuzzCase {
  const rng = new Random((Math.imul(seed ^ 0x2545f491, 0x9e3779b1) ^ index) >>> 0);
  const base = source.make(rng);
  const other = source.make(rng).bytes;
  const steps = [`base:${base.kind}`];
  let bytes = base.bytes;
  const roll = rng.next();
  const count = roll < 0.1 ? 0 : roll < 0.75 ? 1 : 2 + rng.int(2);
  for (let n = 0; n < count; n++) {
    const level = rng.next();
    let out: Uint8Array | null = null;
    let step = '';
    if (level < 0.5) {
      step = pick(rng, Object.keys(DTYPE_MUTATORS));
      out = mutateHeader(rng, bytes, DTYPE_MUTATORS[step]);
    } else if (level < 0.7) {
      step = pick(rng, Object.keys(HEADER_MUTATORS));
      out = mutateHeader(rng, bytes, HEADER_MUTATORS[step]);
    } else if (level < 0.85) {
      step = pick(rng, Object.keys(MANIFEST_MUTATORS));
      const otherManifest = parseHeader(splitFile(other)).__metadata__?.[MANIFEST_KEY] as string;
      out = mutateHeader(rng, bytes, (r, h, d) =>
        mutateManifest(r, h, d, MANIFEST_MUTATORS[step], otherManifest),
      );
    }
    if (out === null) {
      step = pick(rng, Object.keys(BYTE_MUTATORS));
      out = BYTE_MUTATORS[step](rng, bytes);
    }
    bytes = out;
    steps.push(step);
  }
  return { index, steps, bytes, base };
}

/** Runs `count` cases through `target`: each must be a FormatError or verify, within a second. */
function fuzz<R>(target: FuzzTarget<R>, source: BaseSource, count: number) {
  const report = { valid: 0, refused: 0, failures: [] as string[], maxMs: 0, families: new Set<string>() };
  for (let i = 0; i < count; i++) {
    const c = smallCase(source, FUZZ_SEED, i);
    for (const s of c.steps.slice(1)) report.families.add(s);
    const start = performance.now();
    let result: R | undefined;
    try {
      result = target.load(c.bytes, i);
    } catch (error) {
      if (error instanceof FormatError) report.refused++;
      else report.failures.push(`case ${i} [${c.steps.join(', ')}]: ${String(error)}`);
    }
    report.maxMs = Math.max(report.maxMs, performance.now() - start);
    if (result === undefined) continue;
    try {
      target.verify(result, c);
      report.valid++;
    } catch (error) {
      report.failures.push(`case ${i} [${c.steps.join(', ')}] loaded wrongly: ${String(error)}`);
    } finally {
      target.dispose(result);
    }
  }
  return report;
}

let runtimes: Runtime[];
beforeAll(async () => {
  runtimes = [await loadRuntime('ts'), await loadRuntime('wasm-simd')];
});

describe('fuzzing small-weights files', () => {
  it('1,000 mutated f16 / bf16 / int8 layer files through loadLayer: each a FormatError or the file, < 1 s', () => {
    const used = runtimes.map((rt) => rt.arena.usedBytes);
    const report = fuzz(modelFileTarget(runtimes), SMALL_LAYER_FILES, 1000);
    expect(report.failures).toEqual([]);
    expect(report.valid).toBeGreaterThan(100);
    expect(report.refused).toBeGreaterThan(500);
    for (const name of Object.keys(DTYPE_MUTATORS)) expect([...report.families]).toContain(name);
    expect(report.maxMs).toBeLessThan(1000);
    // Refusals and disposals leave nothing behind in linear memory.
    expect(runtimes.map((rt) => rt.arena.usedBytes)).toEqual(used);
  });

  it('300 mutated small-dtype SequenceModel files through loadModel: each a FormatError or the file', async () => {
    const report = fuzz(modelTarget(runtimes), smallModelFiles(await loadRuntime('ts')), 300);
    expect(report.failures).toEqual([]);
    expect(report.valid).toBeGreaterThan(30);
    expect(report.refused).toBeGreaterThan(150);
    expect(report.maxMs).toBeLessThan(1000);
  });
});
