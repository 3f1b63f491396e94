// Seed splitting: every part of a model or a run (a layer's initialisation, dropout, shuffling, sampling) draws
// from its own stream, seeded by a hash of the user's seed and the part's path ('rnn', 'head', 'shuffle/3', …).
// Offsets (seed + 1 for the recurrent layer, seed + 3 for the head) made streams of nearby seeds coincide:
// model s's head drew exactly what model s + 2's recurrent layer drew. A hash has no such neighbours.

import { integer } from './validate.ts';

/** murmur3's block mix: one 32-bit word into the running hash. */
function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seed of the component at `path` under the user's integer `seed` (a uint32 for `new Random`). Both 32-bit
 * halves of the seed enter the hash, so seeds 2^32 apart differ too; integer operations only, so every engine
 * derives the same seeds.
 */
export function deriveSeed(seed: number, path: string): number {
  integer('seed', seed);
  let h = 0x9e3779b9;
  h = mixWord(h, seed >>> 0);
  h = mixWord(h, Math.floor(seed / 2 ** 32) >>> 0);
  for (let i = 0; i < path.length; i++) h = mixWord(h, path.charCodeAt(i));
  return finalise(h ^ path.length);
}
