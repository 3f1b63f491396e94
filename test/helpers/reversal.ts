// The encoder–decoder tests' task: random symbol sequences whose target is the sequence reversed, then eos,
// and the time-major padding that turns a list of them into a batch.

import { rng } from './random.ts';

export interface ReversalSet {
  inputs: Int32Array[];
  targets: Int32Array[];
}

/**
 * A generator of reversal pairs over symbols 2..vocab−1 (0 and 1 are bos and eos), lengths in [lo, hi] unless a
 * call asks for others; each pair draws its length, then its symbols, from the seeded stream.
 */
export function reversals(o: { vocab: number; eos: number; lo: number; hi: number }) {
  return (n: number, seed: number, lo = o.lo, hi = o.hi): ReversalSet => {
    const next = rng(seed);
    const inputs: Int32Array[] = [];
    const targets: Int32Array[] = [];
    for (let i = 0; i < n; i++) {
      const len = lo + Math.floor(next() * (hi - lo + 1));
      const x = Int32Array.from({ length: len }, () => 2 + Math.floor(next() * (o.vocab - 2)));
      inputs.push(x);
      targets.push(Int32Array.from([...x].reverse().concat([o.eos])));
    }
    return { inputs, targets };
  };
}

/** Time-major padded ids [T, B] and lengths of a list of sequences. */
export function pad(seqs: readonly Int32Array[]) {
  const B = seqs.length;
  const T = Math.max(...seqs.map((s) => s.length));
  const data = new Int32Array(T * B);
  seqs.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) data[t * B + b] = s[t];
  });
  return { tensor: { data, shape: [T, B] }, lengths: Int32Array.from(seqs.map((s) => s.length)) };
}

/** A padded training batch of pairs: inputs and targets time-major, with both lengths. */
export function batchOf(d: ReversalSet) {
  const src = pad(d.inputs);
  const tgt = pad(d.targets);
  return { inputs: src.tensor, targets: tgt.tensor, lengths: src.lengths, targetLengths: tgt.lengths };
}
