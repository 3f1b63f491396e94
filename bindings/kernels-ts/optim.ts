// TypeScript twin of assembly/optim.ts: the same f32 operations in the same order, each rounded with fround, so
// the ts and wasm-simd backends train to bit-identical weights. The updates are elementwise, so the WASM lanes
// and its scalar tail compute the same thing and one loop here mirrors both. Hyperparameters arrive as f32 in
// WASM; they are rounded once at entry. Complements (1 − β, 1 − dampening, 1 − lr·wd) are formed by the host in
// f64, as torch forms them in Python, and arrive like any other hyperparameter. Pointers are byte offsets (>> 2 gives the f32 index).

import { fround, type Heap } from './heap.ts';

export function sgd_f32(
  h: Heap,
  p: number,
  g: number,
  buf: number,
  n: number,
  lr: number,
  momentum: number,
  keep: number,
  weightDecay: number,
  nesterov: number,
  first: number,
): void {
  const f = h.f32;
  const pi = p >> 2;
  const gi = g >> 2;
  const bi = buf >> 2;
  const nlr = -fround(lr);
  const mom = fround(momentum);
  const k = fround(keep);
  const wd = fround(weightDecay);
  for (let i = 0; i < n; i++) {
    const w = f[pi + i];
    let d = f[gi + i];
    if (wd !== 0) d = fround(fround(w * wd) + d);
    if (mom !== 0) {
      const b = first ? d : fround(fround(d * k) + fround(f[bi + i] * mom));
      f[bi + i] = b;
      d = nesterov ? fround(fround(b * mom) + d) : b;
    }
    f[pi + i] = fround(d * nlr) + w;
  }
}

export function adam_f32(
  h: Heap,
  p: number,
  g: number,
  m: number,
  v: number,
  n: number,
  decay: number,
  beta1: number,
  complement1: number,
  beta2: number,
  complement2: number,
  eps: number,
  weightDecay: number,
  stepSize: number,
  bc2Sqrt: number,
  decoupled: number,
): void {
  const f = h.f32;
  const pi = p >> 2;
  const gi = g >> 2;
  const mi = m >> 2;
  const vi = v >> 2;
  const wd = fround(weightDecay);
  const keep = fround(decay);
  const coupled = !decoupled && wd !== 0;
  const b1 = fround(beta1);
  const b2 = fround(beta2);
  const e = fround(eps);
  const c1 = fround(complement1);
  const c2 = fround(complement2);
  const nstep = -fround(stepSize);
  const bc2 = fround(bc2Sqrt);
  for (let i = 0; i < n; i++) {
    let w = f[pi + i];
    let gs = f[gi + i];
    if (decoupled) w = fround(w * keep);
    else if (coupled) gs = fround(fround(w * wd) + gs);
    const ms = fround(fround(gs * c1) + fround(f[mi + i] * b1));
    const vs = fround(fround(fround(gs * c2) * gs) + fround(f[vi + i] * b2));
    const denom = fround(fround(fround(Math.sqrt(vs)) / bc2) + e);
    f[pi + i] = w + fround(fround(nstep * ms) / denom);
    f[mi + i] = ms;
    f[vi + i] = vs;
  }
}

export function adagrad_f32(
  h: Heap,
  p: number,
  g: number,
  sum: number,
  n: number,
  clr: number,
  weightDecay: number,
  eps: number,
): void {
  const f = h.f32;
  const pi = p >> 2;
  const gi = g >> 2;
  const si = sum >> 2;
  const nclr = -fround(clr);
  const wd = fround(weightDecay);
  const e = fround(eps);
  for (let i = 0; i < n; i++) {
    const w = f[pi + i];
    let gs = f[gi + i];
    if (wd !== 0) gs = fround(fround(w * wd) + gs);
    const s = fround(fround(gs * gs) + f[si + i]);
    const std = fround(fround(Math.sqrt(s)) + e);
    f[pi + i] = w + fround(fround(nclr * gs) / std);
    f[si + i] = s;
  }
}

export function rmsprop_f32(
  h: Heap,
  p: number,
  g: number,
  sq: number,
  gavg: number,
  buf: number,
  n: number,
  lr: number,
  alpha: number,
  complement: number,
  eps: number,
  weightDecay: number,
  momentum: number,
  centered: number,
): void {
  const f = h.f32;
  const pi = p >> 2;
  const gi = g >> 2;
  const si = sq >> 2;
  const ai = gavg >> 2;
  const bi = buf >> 2;
  const nlr = -fround(lr);
  const a = fround(alpha);
  const c = fround(complement);
  const e = fround(eps);
  const wd = fround(weightDecay);
  const mom = fround(momentum);
  for (let i = 0; i < n; i++) {
    const w = f[pi + i];
    let gs = f[gi + i];
    if (wd !== 0) gs = fround(fround(w * wd) + gs);
    const s = fround(fround(fround(gs * c) * gs) + fround(f[si + i] * a));
    f[si + i] = s;
    let avg: number;
    if (centered) {
      const ga = fround(fround(gs * c) + fround(f[ai + i] * a));
      f[ai + i] = ga;
      avg = fround(Math.sqrt(fround(s - fround(ga * ga))));
    } else {
      avg = fround(Math.sqrt(s));
    }
    avg = fround(avg + e);
    if (mom > 0) {
      const b = fround(fround(f[bi + i] * mom) + fround(gs / avg));
      f[bi + i] = b;
      f[pi + i] = fround(b * nlr) + w;
    } else {
      f[pi + i] = w + fround(fround(nlr * gs) / avg);
    }
  }
}
