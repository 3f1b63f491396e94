// Dropout across shards: shard 0 draws from the model's own mask generator (so one shard drops out exactly the
// units the Trainer would), the others from generators seeded each step by hashing the model's state apart,
// and afterwards the model's generator is where shard 0 left it. Masks differ across shards, depend on the step
// and not on the threads, and a checkpoint (which stores the model's generator) fixes every later step's.

import type { DropoutStream } from '../model/dropout.ts';

/** One word of an sfc32 state, hashed apart for `salt` (murmur3's finaliser over the word, salt and position). */
function mixWord(word: number, salt: number, position: number): number {
  let h = (word ^ Math.imul(salt + 1, 0x9e3779b9) ^ Math.imul(position + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const mix = (state: readonly number[], salt: number): number[] => state.map((w, i) => mixWord(w, salt, i));

/** Before a step: seeds every shard's generator from the model's. */
export function splitDropout(model: DropoutStream, shards: readonly DropoutStream[]): void {
  const state = model.getState();
  shards.forEach((stream, s) => {
    stream.setState(s === 0 ? state : mix(state, s));
  });
}

/** After a step: the model's generator continues from shard 0's. */
export function joinDropout(model: DropoutStream, shards: readonly DropoutStream[]): void {
  model.setState(shards[0].getState());
}
