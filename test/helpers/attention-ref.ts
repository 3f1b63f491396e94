// Float64 reference of attention over time-major rows, written from the equations and independent of the
// kernels: q [Tq·B, H], k, v [Ts·B, *] (row t·B + b), scores and weights [Tq·B, Ts].

export interface AttentionShape {
  Tq: number;
  Ts: number;
  B: number;
}

/** s[r, t] = q[r]·k[t·B + r % B]. */
export function scoreDot(q: ArrayLike<number>, k: ArrayLike<number>, s: AttentionShape, H: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < s.Tq * s.B; r++) {
    for (let t = 0; t < s.Ts; t++) {
      let sum = 0;
      for (let i = 0; i < H; i++) sum += q[r * H + i] * k[(t * s.B + (r % s.B)) * H + i];
      out.push(sum);
    }
  }
  return out;
}

/** s[r, t] = Σ_a v[a]·tanh(qp[r, a] + kp[t·B + r % B, a]). */
export function scoreAdditive(
  qp: ArrayLike<number>,
  kp: ArrayLike<number>,
  v: ArrayLike<number>,
  s: AttentionShape,
  A: number,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < s.Tq * s.B; r++) {
    for (let t = 0; t < s.Ts; t++) {
      let sum = 0;
      for (let a = 0; a < A; a++) sum += v[a] * Math.tanh(qp[r * A + a] + kp[(t * s.B + (r % s.B)) * A + a]);
      out.push(sum);
    }
  }
  return out;
}

/** Softmax of each row over its first len[r % B] steps, 0 beyond. */
export function maskedSoftmax(
  scores: ArrayLike<number>,
  s: AttentionShape,
  lengths?: ArrayLike<number>,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < s.Tq * s.B; r++) {
    const len = lengths ? lengths[r % s.B] : s.Ts;
    const row = Array.from({ length: s.Ts }, (_, t) => scores[r * s.Ts + t]);
    const m = Math.max(...row.slice(0, len));
    const e = row.map((x, t) => (t < len ? Math.exp(x - m) : 0));
    const z = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((x) => x / z));
  }
  return out;
}

/** ctx[r] = Σ_t p[r, t]·v[t·B + r % B]. */
export function context(p: ArrayLike<number>, v: ArrayLike<number>, s: AttentionShape, D: number): number[] {
  const out = new Array<number>(s.Tq * s.B * D).fill(0);
  for (let r = 0; r < s.Tq * s.B; r++) {
    for (let t = 0; t < s.Ts; t++) {
      for (let i = 0; i < D; i++) out[r * D + i] += p[r * s.Ts + t] * v[(t * s.B + (r % s.B)) * D + i];
    }
  }
  return out;
}
