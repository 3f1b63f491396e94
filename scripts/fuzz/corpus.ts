// The fuzz corpus: case i of seed s is a pure function of (s, i), so any failing case is reproduced alone with
// `npm run fuzz -- --seed s --case i`. A case is a fresh valid base file (bases.ts) with one to three mutations
// stacked on it (byte, header, manifest, or section level — a hostile value, key or nesting anywhere in the
// manifest or a checkpoint's training state), an unmutated base (which must load), or a file from scratch.

import { MANIFEST_KEY } from '../../bindings/io/manifest.ts';
import { Random } from '../../bindings/random.ts';
import { TRAINING_KEY } from '../../bindings/train/training-state.ts';
import { type Base, type BaseSource, LAYER_FILES, type OtherDtype, withDtype } from './bases.ts';
import { parseHeader, splitFile } from './bytes.ts';
import { BYTE_MUTATORS, pick, SCRATCH } from './mutate-bytes.ts';
import { HEADER_MUTATORS, mutateHeader } from './mutate-header.ts';
import { MANIFEST_MUTATORS, mutateManifest } from './mutate-manifest.ts';
import { mutateSection, SECTION_MUTATORS } from './mutate-section.ts';
import { STATE_MUTATORS } from './mutate-state.ts';

/** The seed kept in the repo: CI's short run and the full script both start from it. */
export const FUZZ_SEED = 8;

export interface FuzzCase {
  readonly index: number;
  /** What was done to the base, e.g. ['base:GRU', 'dtype:F16', 'header:overlap']. */
  readonly steps: readonly string[];
  readonly bytes: Uint8Array;
  /** The base before mutation (absent for files made from scratch). */
  readonly base?: Base;
}

const BYTE = Object.keys(BYTE_MUTATORS);
const HEADER = Object.keys(HEADER_MUTATORS);
const MANIFEST = Object.keys(MANIFEST_MUTATORS);

/** Splitmix-style mixing, so neighbouring (seed, index) pairs give unrelated streams. */
const caseSeed = (seed: number, index: number) => (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ index) >>> 0;

export function fuzzCase(seed: number, index: number, source: BaseSource = LAYER_FILES): FuzzCase {
  const rng = new Random(caseSeed(seed, index));
  if (rng.next() < 0.05) {
    const name = pick(rng, Object.keys(SCRATCH));
    return { index, steps: [`scratch:${name}`], bytes: SCRATCH[name](rng) };
  }
  const base = source.make(rng);
  const steps = [`base:${base.kind}`];
  let bytes = base.bytes;
  if (rng.next() < 0.15) {
    const dtype = pick(rng, ['F16', 'BF16', 'F64'] as OtherDtype[]);
    bytes = withDtype(bytes, dtype);
    steps.push(`dtype:${dtype}`);
  }
  const roll = rng.next();
  // 8% stay valid (they must load); the rest get one mutation, 25% of them two or three.
  const count = roll < 0.08 ? 0 : roll < 0.75 ? 1 : 2 + rng.int(2);
  const other = source.make(rng).bytes;
  for (let n = 0; n < count; n++) {
    const next = mutateOnce(rng, bytes, other);
    bytes = next.bytes;
    steps.push(next.step);
  }
  return { index, steps, bytes, base };
}

function mutateOnce(rng: Random, bytes: Uint8Array, other: Uint8Array): { bytes: Uint8Array; step: string } {
  const level = rng.next();
  if (level < 0.35) {
    const name = pick(rng, HEADER);
    const out = mutateHeader(rng, bytes, HEADER_MUTATORS[name]);
    if (out !== null) return { bytes: out, step: `header:${name}` };
  } else if (level < 0.6) {
    const name = pick(rng, MANIFEST);
    const otherManifest = manifestText(other);
    const out = mutateHeader(rng, bytes, (r, h, data) =>
      mutateManifest(r, h, data, MANIFEST_MUTATORS[name], otherManifest),
    );
    if (out !== null) return { bytes: out, step: `manifest:${name}` };
  } else if (level < 0.85) {
    // A checkpoint's training state half the time, when the file has one; its own field mutators too.
    const state = rng.next() < 0.5;
    const [key, family, mutators] =
      state && rng.next() < 0.5
        ? [TRAINING_KEY, 'state', STATE_MUTATORS]
        : [state ? TRAINING_KEY : MANIFEST_KEY, state ? 'stateSection' : 'section', SECTION_MUTATORS];
    const name = pick(rng, Object.keys(mutators));
    const out = mutateHeader(rng, bytes, (r, h, data) => mutateSection(r, h, data, key, mutators[name]));
    if (out !== null) return { bytes: out, step: `${family}:${name}` };
  }
  // Byte mutations apply to anything, including a file an earlier step already broke.
  const name = pick(rng, BYTE);
  return { bytes: BYTE_MUTATORS[name](rng, bytes), step: `bytes:${name}` };
}

function manifestText(bytes: Uint8Array): string {
  return parseHeader(splitFile(bytes)).__metadata__?.[MANIFEST_KEY] as string;
}
