// Decoding a Seq2Seq: the encoder runs once over the source (each row to its own length), its final state
// seeds a streaming decoder (Stepper, one step at a time), and each step's logits choose the next input:
// greedy (argmax) or beam search (the beamWidth best partial sequences by summed log-probability, finished
// ones ranked by score / length^lengthPenalty, as Hugging Face's generate()). Output excludes bos and eos.
// With attention, each step attends over the encoder's outputs (AttentionStep) and the weights of the
// sequences chosen are kept for model.attentionWeights(). With input feeding, each step's input is
// [x_t ; ctx_{t−1}] (ctx_{−1} = 0; one-hot x_t for target tokens), as in teacher forcing (attention-feed.ts),
// and beam search reorders the fed contexts with the states.

import { finiteNumber, positiveInt } from '../validate.ts';
import { feedsInput } from './attention-config.ts';
import { AttentionStep } from './attention-step.ts';
import type { Seq2Seq } from './seq2seq.ts';
import type { ModelInputs } from './sequence-input.ts';
import type { Stepper } from './stepper.ts';

export interface DecodeOptions {
  /** Steps to generate at most. Default: 2 × source steps + 10. */
  maxSteps?: number;
  /** Real steps of each source row [B]. */
  sourceLengths?: ArrayLike<number>;
}

export interface BeamOptions extends DecodeOptions {
  /** Default 4. */
  beamWidth?: number;
  /** Finished sequences are ranked by log-probability / length^lengthPenalty. Default 1. */
  lengthPenalty?: number;
}

export interface Decoded {
  /** Generated target ids of each source row, bos and eos excluded. */
  tokens: Int32Array[];
  /** Summed log-probability of each (eos included when produced). */
  logProbs: Float64Array;
}

interface Decoder {
  /** Logits [N, V] after feeding ids [N]. */
  step(ids: Int32Array): Float32Array;
  /** Attention weights [Ts] of row n at the last step, or undefined without attention. */
  weights(n: number): Float32Array | undefined;
  /** Row n of the new state (and fed context) is row parents[n] of the old one. */
  reorder(parents: Int32Array): void;
  dispose(): void;
}

/** Runs the encoder; returns a decoder stepper over N = B·copies rows, each row b's state repeated `copies` times. */
function start(
  model: Seq2Seq,
  source: ModelInputs,
  copies: number,
  o: DecodeOptions,
): { dec: Decoder; B: number; Ts: number } {
  const { T: Ts, B } = model.check(source);
  const c = model.config;
  const x = model.encoderEmbedding ? model.encoderEmbedding.forward(source as never) : source;
  // Decoding trains nothing: the encoder runs an inference pass (no history kept, the same results).
  const enc = model.encoder.forward(x as never, {}, { lengths: o.sourceLengths, grad: false });
  const L = c.recurrent.numLayers;
  const H = c.recurrent.hiddenSize;
  const N = B * copies;
  const D = c.directions;
  // [L·D, B, H] final states as the decoder's [L, N, H]: the directions of a layer summed, each row repeated.
  const repeat = (all: Float32Array) => {
    const s = new Float32Array(L * B * H);
    for (let u = 0; u < L * D; u++) {
      const at = Math.floor(u / D) * B * H;
      for (let i = 0; i < B * H; i++) s[at + i] += all[u * B * H + i];
    }
    const out = new Float32Array(L * N * H);
    for (let l = 0; l < L; l++) {
      for (let n = 0; n < N; n++)
        out.set(
          s.subarray((l * B + Math.floor(n / copies)) * H, (l * B + Math.floor(n / copies) + 1) * H),
          (l * N + n) * H,
        );
    }
    return out;
  };
  const stepper = model.decoder.stepper({ batchSize: N });
  let att: AttentionStep | undefined;
  try {
    att = model.attention
      ? new AttentionStep(
          model.rt,
          model.attention,
          model.head,
          enc.outputs.data,
          { Ts, B, copies },
          o.sourceLengths,
        )
      : undefined;
  } catch (error) {
    // Linear memory too small for the repeated keys: give the stepper's blocks back before saying so.
    stepper.dispose();
    throw error;
  }
  stepper.setState(enc.cN ? { h: repeat(enc.hN.data), c: repeat(enc.cN.data) } : { h: repeat(enc.hN.data) });
  const E = c.target.dim;
  const K = c.attention?.keySize ?? 0;
  const fed = feedsInput(c.attention);
  let ctx: Float32Array = new Float32Array(N * K);
  const step = (ids: Int32Array) => {
    const input = model.decoderEmbedding
      ? model.decoderEmbedding.forward({ data: ids, shape: [N] }).data
      : ids;
    const h = stepper.step(fed ? feedInput(input, ctx, N, E, K) : input);
    if (att === undefined) return model.head.forward({ data: h, shape: [N, H] }).data;
    const logits = att.step(h);
    if (fed) ctx = att.context();
    return logits;
  };
  const weights = (n: number) => att?.weights(n);
  const reorderAll = (parents: Int32Array) => {
    reorder(stepper, parents, H);
    if (fed) ctx = pickRows(ctx, parents, 1, K);
  };
  const dispose = () => {
    stepper.dispose();
    att?.dispose();
  };
  return { dec: { step, weights, reorder: reorderAll, dispose }, B, Ts };
}

/** Rows [x_n ; ctx_n] [N, E + K] of the decoder's input; x is ids (one-hot, E = vocabulary) or rows [N, E]. */
function feedInput(x: Float32Array | Int32Array, ctx: Float32Array, N: number, E: number, K: number) {
  const out = new Float32Array(N * (E + K));
  for (let n = 0; n < N; n++) {
    const at = n * (E + K);
    if (x instanceof Int32Array) out[at + x[n]] = 1;
    else out.set(x.subarray(n * E, (n + 1) * E), at);
    out.set(ctx.subarray(n * K, (n + 1) * K), at + E);
  }
  return out;
}

function maxSteps(o: DecodeOptions, Ts: number): number {
  return positiveInt('maxSteps', o.maxSteps ?? 2 * Ts + 10);
}

/** Log-softmax of row r of logits [*, V] into out (float64). */
function logSoftmax(logits: Float32Array, r: number, V: number, out: Float64Array): void {
  let mx = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < V; v++) mx = Math.max(mx, logits[r * V + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[r * V + v] - mx);
  const lse = mx + Math.log(sum);
  for (let v = 0; v < V; v++) out[v] = logits[r * V + v] - lse;
}

/** Greedy decoding: the most probable token at every step, until eos (or maxSteps). */
export function greedyDecode(model: Seq2Seq, source: ModelInputs, options: DecodeOptions = {}): Decoded {
  const { dec, B, Ts } = start(model, source, 1, options);
  const { bos, eos } = model.config;
  const V = model.outputSize;
  const steps = maxSteps(options, Ts);
  const ids = new Int32Array(B).fill(bos);
  const out: number[][] = Array.from({ length: B }, () => []);
  const logProbs = new Float64Array(B);
  const done = new Uint8Array(B);
  const lp = new Float64Array(V);
  const attended: Float32Array[][] = Array.from({ length: B }, () => []);
  try {
    for (let s = 0; s < steps && done.some((d) => d === 0); s++) {
      const logits = dec.step(ids);
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const w = dec.weights(b);
        if (w) attended[b].push(w);
        logSoftmax(logits, b, V, lp);
        let best = 0;
        for (let v = 1; v < V; v++) if (lp[v] > lp[best]) best = v;
        logProbs[b] += lp[best];
        if (best === eos) done[b] = 1;
        else out[b].push(best);
        ids[b] = best;
      }
    }
  } finally {
    dec.dispose();
  }
  if (model.attention) model.keepDecodedAttention(stack(attended, Ts));
  return { tokens: out.map((t) => Int32Array.from(t)), logProbs };
}

interface Hypothesis {
  tokens: number[];
  logProb: number;
  /** Attention weights [Ts] of every step taken (eos included), with attention. */
  weights: Float32Array[];
}

/** Per-row lists of [Ts] weight rows as one [T, Ts, B] tensor, T the longest, zeros after a row ends. */
function stack(rows: Float32Array[][], Ts: number): { data: Float32Array; shape: number[] } {
  const B = rows.length;
  const T = Math.max(0, ...rows.map((r) => r.length));
  const data = new Float32Array(T * Ts * B);
  rows.forEach((r, b) => {
    r.forEach((w, t) => {
      for (let s = 0; s < Ts; s++) data[(t * Ts + s) * B + b] = w[s];
    });
  });
  return { data, shape: [T, Ts, B] };
}

/** Beam search with `beamWidth` beams per source row. */
export function beamSearch(model: Seq2Seq, source: ModelInputs, options: BeamOptions = {}): Decoded {
  const K = positiveInt('beamWidth', options.beamWidth ?? 4);
  const alpha = finiteNumber('lengthPenalty', options.lengthPenalty ?? 1);
  const { dec, B, Ts } = start(model, source, K, options);
  const { bos, eos } = model.config;
  const V = model.outputSize;
  const steps = maxSteps(options, Ts);
  const rank = (h: Hypothesis) => h.logProb / Math.max(1, h.tokens.length) ** alpha;
  // Only beam 0 of each row is live at first, so the K beams do not start as K copies of one.
  const beams: Hypothesis[][] = Array.from({ length: B }, () => [{ tokens: [], logProb: 0, weights: [] }]);
  const finished: Hypothesis[][] = Array.from({ length: B }, () => []);
  const done = (b: number) => finished[b].length >= K || beams[b].length === 0;
  const ids = new Int32Array(B * K).fill(bos);
  const parents = new Int32Array(B * K);
  const lp = new Float64Array(V);
  try {
    for (let s = 0; s < steps && beams.some((_, b) => !done(b)); s++) {
      const logits = dec.step(ids);
      for (let b = 0; b < B; b++) {
        const live: Hypothesis[] = [];
        if (!done(b)) {
          const candidates: { parent: number; token: number; logProb: number }[] = [];
          beams[b].forEach((h, k) => {
            logSoftmax(logits, b * K + k, V, lp);
            for (let v = 0; v < V; v++) candidates.push({ parent: k, token: v, logProb: h.logProb + lp[v] });
          });
          // Ties broken by beam then token, so the search is a function of the logits alone.
          candidates.sort((x, y) => y.logProb - x.logProb || x.parent - y.parent || x.token - y.token);
          for (const cand of candidates) {
            if (live.length === K || finished[b].length >= K) break;
            const parent = beams[b][cand.parent];
            const tokens = [...parent.tokens];
            const w = dec.weights(b * K + cand.parent);
            const weights = w ? [...parent.weights, w] : parent.weights;
            if (cand.token === eos) {
              finished[b].push({ tokens, logProb: cand.logProb, weights });
              continue;
            }
            tokens.push(cand.token);
            parents[b * K + live.length] = b * K + cand.parent;
            ids[b * K + live.length] = cand.token;
            live.push({ tokens, logProb: cand.logProb, weights });
          }
        }
        // Rows without K live beams fill the rest with copies of row b's first (never read back).
        for (let k = live.length; k < K; k++) {
          parents[b * K + k] = b * K;
          ids[b * K + k] = eos;
        }
        if (!done(b)) beams[b] = finished[b].length >= K ? [] : live;
      }
      dec.reorder(parents);
    }
  } finally {
    dec.dispose();
  }
  const tokens: Int32Array[] = [];
  const logProbs = new Float64Array(B);
  const attended: Float32Array[][] = [];
  for (let b = 0; b < B; b++) {
    const pool = finished[b].length > 0 ? finished[b] : beams[b];
    const best = pool.reduce((x, y) => (rank(y) > rank(x) ? y : x));
    tokens.push(Int32Array.from(best.tokens));
    logProbs[b] = best.logProb;
    attended.push(best.weights);
  }
  if (model.attention) model.keepDecodedAttention(stack(attended, Ts));
  return { tokens, logProbs };
}

/** Row n of the new decoder state [L, N, H] is row parents[n] of the old one. */
function reorder(stepper: Stepper, parents: Int32Array, H: number): void {
  const s = stepper.getState();
  const N = parents.length;
  const L = s.h.length / (N * H);
  const pick = (a: Float32Array) => pickRows(a, parents, L, H);
  stepper.setState(s.c ? { h: pick(s.h), c: pick(s.c) } : { h: pick(s.h) });
}

/** [L, N, W] blocks whose row n is row parents[n] of a's. */
function pickRows(a: Float32Array, parents: Int32Array, L: number, W: number): Float32Array {
  const N = parents.length;
  const out = new Float32Array(a.length);
  for (let l = 0; l < L; l++) {
    for (let n = 0; n < N; n++) {
      out.set(a.subarray((l * N + parents[n]) * W, (l * N + parents[n] + 1) * W), (l * N + n) * W);
    }
  }
  return out;
}
