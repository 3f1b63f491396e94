// Gradient checks: the layers' BPTT (ts backend) against central differences of an independent float64 forward
// (test/helpers/recurrent-ref.ts), for every cell × {1, 2 layers} × {uni, bi} × {zero, given initial state}.
// The loss is L = Σ outputs⊙wo + Σ hN⊙wh (+ Σ cN⊙wc), so backward's dOutputs, dHn, dCn are wo, wh, wc.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bindings/index.node.ts';
import { loadRuntime } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';
import { makeLayer, type RefCell, type RefConfig, refForward } from './helpers/recurrent-ref.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

/** max |got − want| / max(max |want|, 1e-3) over a tensor: float32 error scales with the tensor, not the element. */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

const T = 3;
const B = 2;
const EPS = 1e-6;

/** Central differences of the scalar loss with respect to every element of `v` (perturbed in place). */
function numeric(loss: () => number, v: Float64Array): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const keep = v[i];
    v[i] = keep + EPS;
    const up = loss();
    v[i] = keep - EPS;
    const down = loss();
    v[i] = keep;
    g[i] = (up - down) / (2 * EPS);
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const CELLS: RefCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];
const CASES = CELLS.flatMap((cell) =>
  [1, 2].flatMap((L) => [1, 2].flatMap((D) => [false, true].map((state) => ({ cell, L, D, state })))),
);

describe('BPTT matches central differences of a float64 reference', () => {
  it.each(CASES)('$cell L=$L D=$D initial state $state', ({ cell, L, D, state }) => {
    const c: RefConfig = { cell, I: 3, H: 5, L, D };
    const layer = makeLayer(rt, c, L * 10 + D);
    const lstm = cell === 'lstm';
    const n = L * D * B * c.H;
    const x = uniform(T * B * c.I, 1);
    const h0 = state ? uniform(n, 2, -0.8, 0.8) : undefined;
    const c0 = state && lstm ? uniform(n, 3, -0.8, 0.8) : undefined;
    const wo = uniform(T * B * D * c.H, 4);
    const wh = uniform(n, 5);
    const wc = lstm ? uniform(n, 6) : undefined;

    const got = layer.forward({ data: x, shape: [T, B, c.I] }, { h0, c0 });
    const back = layer.backward({ dOutputs: wo, dHn: wh, dCn: wc });

    // float64 copies the differences perturb
    const weights = Object.fromEntries(
      Object.entries(layer.getWeights()).map(([k, v]) => [k, Float64Array.from(v)]),
    );
    const x64 = Float64Array.from(x);
    const h64 = Float64Array.from(h0 ?? new Float32Array(n));
    const c64 = Float64Array.from(c0 ?? new Float32Array(n));
    const loss = () => {
      const r = refForward(c, weights, x64, T, B, h64, c64);
      return dot(r.outputs, wo) + dot(r.hN, wh) + (wc ? dot(r.cN, wc) : 0);
    };

    const ref = refForward(c, weights, x64, T, B, h64, c64);
    expect(relError(got.outputs.data, ref.outputs)).toBeLessThan(1e-5);
    expect(relError(got.hN.data, ref.hN)).toBeLessThan(1e-5);
    if (lstm) expect(relError(got.cN!.data, ref.cN)).toBeLessThan(1e-5);

    const tol = 2e-4;
    expect(relError(back.dX!.data, numeric(loss, x64)), 'dX').toBeLessThan(tol);
    expect(relError(back.dH0.data, numeric(loss, h64)), 'dH0').toBeLessThan(tol);
    if (lstm) expect(relError(back.dC0!.data, numeric(loss, c64)), 'dC0').toBeLessThan(tol);
    const grads = layer.gradients();
    for (const [name, w] of Object.entries(weights)) {
      expect(relError(grads[name], numeric(loss, w)), name).toBeLessThan(tol);
    }
    layer.dispose();
  });
});
