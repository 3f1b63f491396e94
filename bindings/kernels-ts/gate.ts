// TypeScript twin of assembly/gate.ts (the cells' rational tanh and sigmoid): the same f32 operations in the same
// order, each rounded with fround, so results match the `simd` build bit for bit. Errors: see assembly/gate.ts.

import { fround } from './heap.ts';

const SATURATE = fround(8.999919891357422);
const P1 = fround(0.12885305285453796);
const P2 = fround(0.0028840000741183758);
const P3 = fround(8.929050636652391e-6);
const P4 = fround(-1.1768515051358008e-8);
const P5 = fround(1.571004611122806e-11);
const Q1 = fround(0.4621860086917877);
const Q2 = fround(0.023613393306732178);
const Q3 = fround(0.00022299314150586724);

/** tanh in f32 for the cells; bit-identical to assembly/gate.ts tanhGate4. */
export function tanhGate1(x: number): number {
  x = fround(x);
  // The comparisons of wasm's pmin/pmax, which a NaN fails, so it passes through unchanged.
  if (x > SATURATE) x = SATURATE;
  if (x < -SATURATE) x = -SATURATE;
  const z = fround(x * x);
  let p = fround(fround(P5 * z) + P4);
  p = fround(fround(p * z) + P3);
  p = fround(fround(p * z) + P2);
  p = fround(fround(p * z) + P1);
  p = fround(fround(p * z) + 1);
  let q = fround(fround(Q3 * z) + Q2);
  q = fround(fround(q * z) + Q1);
  q = fround(fround(q * z) + 1);
  let y = fround(fround(p * x) / q);
  if (y > 1) y = 1;
  if (y < -1) y = -1;
  return y;
}

/** Sigmoid in f32 for the cells, ½ + ½·tanh(x/2); bit-identical to assembly/gate.ts sigmoidGate4. */
export function sigmoidGate1(x: number): number {
  return fround(fround(0.5 * tanhGate1(fround(x * 0.5))) + 0.5);
}
