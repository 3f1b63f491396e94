// Ordinary least squares in float64 by the normal equations and a Cholesky factorisation: the statistical
// models fit a handful of coefficients (an intercept and ≤ 2·season lags), where XᵀX is small and well scaled
// once the series is centred, so a QR would buy accuracy nobody can see at the cost of a second code path.

/**
 * Coefficients b minimising |X·b − y|² (+ ridge·|b|² on all but the first coefficient, which keeps a nearly
 * collinear design solvable); X is row-major [rows, cols]. Undefined when the system is singular.
 */
export function leastSquares(
  X: Float64Array,
  y: Float64Array,
  cols: number,
  ridge = 1e-8,
): Float64Array | undefined {
  const rows = y.length;
  const A = new Float64Array(cols * cols);
  const r = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const xj = X[row + j];
      r[j] += xj * y[i];
      for (let k = 0; k <= j; k++) A[j * cols + k] += xj * X[row + k];
    }
  }
  let trace = 0;
  for (let j = 0; j < cols; j++) trace += A[j * cols + j];
  const shift = (ridge * trace) / cols;
  for (let j = 1; j < cols; j++) A[j * cols + j] += shift;
  return choleskySolve(A, r, cols);
}

/** Solves A·x = r for symmetric positive definite A (lower triangle read), in place of a copy. */
export function choleskySolve(A: Float64Array, r: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  const x = Float64Array.from(r);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= L[i * n + k] * x[k];
    x[i] /= L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= L[k * n + i] * x[k];
    x[i] /= L[i * n + i];
  }
  return x;
}
