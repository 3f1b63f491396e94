// Derivative-free minimisation (Nelder & Mead 1965, the standard coefficients) for the few smoothing parameters
// of exponential smoothing: the objective is a recursion over the series with kinks where the bounds' squashing
// saturates, so gradients buy little, and R's ets() and statsforecast use the same method.

export interface Minimum {
  x: Float64Array;
  value: number;
  evaluations: number;
}

/** Minimises f from x0 with initial steps `step` per coordinate; stops at maxEvaluations or a flat simplex. */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  step: number | Float64Array,
  maxEvaluations = 200 * x0.length + 200,
  tolerance = 1e-10,
): Minimum {
  const n = x0.length;
  const safe = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const points: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += typeof step === 'number' ? step : step[i];
    points.push(p);
  }
  const values = points.map(safe);
  let evaluations = n + 1;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const along = (t: number): Float64Array => {
    const worst = points[order[n]];
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (worst[j] - centroid[j]);
    return p;
  };
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a] - values[b]);
    const best = values[order[0]];
    const worstValue = values[order[n]];
    if (Math.abs(worstValue - best) <= tolerance * (Math.abs(best) + tolerance)) break;
    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const p = points[order[i]];
      for (let j = 0; j < n; j++) centroid[j] += p[j] / n;
    }
    const reflected = along(-1);
    const fr = safe(reflected);
    evaluations++;
    if (fr < best) {
      const expanded = along(-2);
      const fe = safe(expanded);
      evaluations++;
      replace(order[n], fe < fr ? expanded : reflected, Math.min(fe, fr));
    } else if (fr < values[order[n - 1]]) {
      replace(order[n], reflected, fr);
    } else {
      const contracted = fr < worstValue ? along(-0.5) : along(0.5);
      const fc = safe(contracted);
      evaluations++;
      if (fc < Math.min(fr, worstValue)) {
        replace(order[n], contracted, fc);
      } else {
        // Shrink every point towards the best one.
        const b = points[order[0]];
        for (let i = 1; i <= n; i++) {
          const p = points[order[i]];
          for (let j = 0; j < n; j++) p[j] = b[j] + 0.5 * (p[j] - b[j]);
          values[order[i]] = safe(p);
        }
        evaluations += n;
      }
    }
  }
  let at = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[at]) at = i;
  return { x: points[at], value: values[at], evaluations };

  function replace(i: number, p: Float64Array, v: number): void {
    points[i] = p;
    values[i] = v;
  }
}
