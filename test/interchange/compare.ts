// Error of a result against a reference, as the PyTorch parity tests measure it: max|a − b| / max(max|b|, 1e-3)
// over the whole tensor. Float32 rounding grows with the size of a sum's terms, not of its result, so an element
// that cancels to near zero carries an error set by the tensor's scale; the floor keeps an all-but-zero tensor
// from dividing by ~0. NaN anywhere gives NaN, which fails any `<=`.

export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

/** The 1e-5 of the issue: outputs equal the reference's within 1e-5 relative. */
export const TOLERANCE = 1e-5;
