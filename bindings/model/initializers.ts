// Initialisers for the recurrent layers, all drawn from the library's seeded PRNG (bindings/random.ts).
// The default is PyTorch's: every weight and bias uniform(−1/√H, 1/√H). Uniform draws use only +, × and a
// correctly rounded √, so the same seed gives the same weights in every JS engine; 'orthogonal' draws
// normals through Math.log and is therefore only reproducible within one engine.

import { describe, ValueError } from '../errors.ts';
import type { Random } from '../random.ts';
import { optionsObject } from '../validate.ts';

/**
 * Internal option of every layer and model: true leaves the parameters undrawn, for a loader that writes every
 * one from a file next. Drawing them first costs O(parameters), and O(H³) for an 'orthogonal' init (14 s for a
 * 16 MB LSTM), for values that are thrown away. A symbol: no JSON file or options literal can carry it.
 */
export const NO_INIT: unique symbol = Symbol('wasm-rnn: parameters come from a file');

/** Whether `options` asks for no initial draws (see NO_INIT). */
export const skipsInit = (options: object | null | undefined): boolean =>
  (options as { [NO_INIT]?: unknown } | null | undefined)?.[NO_INIT] === true;

export interface RecurrentInit {
  /** weight_hh: 'uniform' (PyTorch) or 'orthogonal' (each gate block [H, H] an orthogonal matrix, as Keras). */
  recurrent?: 'uniform' | 'orthogonal';
  /** weight_ih: 'uniform' (PyTorch) or 'xavier' (Glorot uniform over the whole [G·H, I] matrix, as Keras). */
  input?: 'uniform' | 'xavier';
  /** LSTM only: bias_ih's forget slice is set to this and bias_hh's to 0, so the forget bias sums to it. */
  forgetBias?: number;
}

const INIT_KEYS = ['recurrent', 'input', 'forgetBias'];

export function checkInit(
  init: RecurrentInit | undefined,
  lstm: boolean,
): Required<Omit<RecurrentInit, 'forgetBias'>> & { forgetBias?: number } {
  const o = optionsObject('init ({ recurrent, input, forgetBias })', init, false, INIT_KEYS);
  const recurrent = o.recurrent ?? 'uniform';
  const input = o.input ?? 'uniform';
  if (recurrent !== 'uniform' && recurrent !== 'orthogonal') {
    throw new ValueError(`init.recurrent must be 'uniform' or 'orthogonal' but got ${describe(recurrent)}`);
  }
  if (input !== 'uniform' && input !== 'xavier') {
    throw new ValueError(`init.input must be 'uniform' or 'xavier' but got ${describe(input)}`);
  }
  const forgetBias = o.forgetBias;
  if (forgetBias !== undefined && (!lstm || typeof forgetBias !== 'number' || !Number.isFinite(forgetBias))) {
    throw new ValueError(
      `init.forgetBias must be a finite number on an LSTM but got ${describe(forgetBias)}`,
    );
  }
  return { recurrent, input, forgetBias };
}

/** `init` checked and copied with only the keys it gives (what a model's config, and so its file, stores). */
export function initOptions(init: RecurrentInit | undefined, lstm: boolean): RecurrentInit | undefined {
  if (init === undefined) return undefined;
  checkInit(init, lstm);
  const out: RecurrentInit = {};
  if (init.recurrent !== undefined) out.recurrent = init.recurrent;
  if (init.input !== undefined) out.input = init.input;
  if (init.forgetBias !== undefined) out.forgetBias = init.forgetBias;
  return out;
}

/** out [rows·cols] uniform in (−bound, bound). */
export function fillUniform(rng: Random, out: Float32Array, bound: number): Float32Array {
  return rng.fillUniform(out, -bound, bound);
}

/** out [G·H, fanIn] Glorot uniform: bound √(6 / (fanIn + G·H)). */
export function fillXavier(rng: Random, out: Float32Array, rows: number, fanIn: number): Float32Array {
  return rng.fillUniform(out, ...symmetric(Math.sqrt(6 / (fanIn + rows))));
}

const symmetric = (bound: number): [number, number] => [-bound, bound];

/**
 * out [G·H, H]: each of the G blocks [H, H] orthogonal, by modified Gram–Schmidt in float64 over the rows
 * of a standard normal matrix (a full-rank draw with probability 1).
 */
export function fillOrthogonal(rng: Random, out: Float32Array, gates: number, H: number): Float32Array {
  const q = new Float64Array(H * H);
  for (let g = 0; g < gates; g++) {
    for (let i = 0; i < H * H; i++) q[i] = rng.normal();
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let c = 0; c < H; c++) dot += q[i * H + c] * q[j * H + c];
        for (let c = 0; c < H; c++) q[i * H + c] -= dot * q[j * H + c];
      }
      let norm = 0;
      for (let c = 0; c < H; c++) norm += q[i * H + c] * q[i * H + c];
      norm = Math.sqrt(norm);
      for (let c = 0; c < H; c++) q[i * H + c] /= norm;
    }
    out.set(q, g * H * H);
  }
  return out;
}
