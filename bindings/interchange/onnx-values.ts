// What the importer knows about each value of an ONNX graph while it walks the nodes (an abstract
// interpretation: nothing is computed on real data).
//
// - 'tensor', 'floats', 'ints': constants (initializers, Constant nodes, shape arithmetic). Integer tensors may
//   hold symbols: Shape(x) of an input with a dynamic batch axis gives [sym, sym, 5].
// - 'fill': ConstantOfShape's result (torch's zero initial state), never materialised.
// - 'view': a tensor the model computes at run time, described exactly: its source (the input, the embedding, the
//   recurrent outputs, the final states, the head) and, for each axis, either a symbol (time or batch, whole) or
//   the list of source coordinates its positions hold. Transpose, Reshape, Squeeze, Gather, Slice and Concat only
//   move coordinates around, so after any chain of them the importer can check that what reaches a recurrent
//   node or the head is exactly the tensor our model would feed there, and refuse anything else.

import { describe, ValueError } from '../errors.ts';
import type { OnnxTensor } from './onnx-proto.ts';

/** A dimension: a number, or a symbol (a dynamic axis of a graph input). */
export type Dim = number | string;

/** Where a view's values come from. */
export type Source =
  | 'x' // float input [T, B, F] (any layout): atom f
  | 'ids' // token-id input [T, B]
  | 'vec' // one vector per sequence [B, F]: atom f
  | 'vec_every' // that vector at every step [T, B, F] (Expand)
  | 'vec_first' // at the first step, zeros after [T, B, F] (Pad)
  | 'emb' // Embedding rows: atom e
  | 'onehot' // OneHot of the ids: atom v
  | 'y' // recurrent outputs: atoms k (layer), d (direction), j (unit), t = -1 (the last step) when gathered
  | 'hN' // final hidden states: k, d, j
  | 'cN' // final cell states: k, d, j
  | 'h0' // initial hidden state input [L·D, B, H]: u (= k·D + d), j
  | 'c0' // initial cell state input: u, j
  | 'lens' // sequence lengths input [B]
  | 'alpha' // attention weights [T, B, 1]
  | 'weighted' // the top layer's outputs times α
  | 'pooled' // their sum over time: k, d, j
  | 'head'; // the Linear head (and what follows it): o

/** Source coordinates along one axis, as a struct of arrays: atom name → value at each position. */
export interface Coords {
  readonly n: number;
  readonly atoms: Readonly<Record<string, Int32Array>>;
}

export interface SymAxis {
  readonly sym: string;
}
export interface CoordAxis {
  readonly coords: Coords;
}
export type Axis = SymAxis | CoordAxis;

export interface View {
  readonly kind: 'view';
  readonly src: Source;
  readonly axes: readonly Axis[];
  /** Coordinates shared by every position (a gathered or squeezed axis). */
  readonly fixed: Readonly<Record<string, number>>;
  /** For 'head': how many of the head's steps (bias, activation) it has been through. */
  readonly stage: number;
}

export type Value =
  | { readonly kind: 'tensor'; readonly t: OnnxTensor }
  | { readonly kind: 'floats'; readonly dims: readonly number[]; readonly data: Float32Array }
  | { readonly kind: 'ints'; readonly dims: readonly number[]; readonly values: readonly Dim[] }
  | { readonly kind: 'fill'; readonly dims: readonly Dim[]; readonly value: number }
  | View;

export const isSym = (a: Axis): a is SymAxis => 'sym' in a;

/** A symbol minus one (Sub(steps, 1)): only Pad reads it, as the end padding that makes a length-1 axis S long. */
export const MINUS_ONE = 'minus_one:';

/** Coordinate entries one import may build over all its views: bounds time and memory on hostile graphs. */
export const MAX_COORDS = 1 << 23;

/** Counts coordinates built; a graph that shuffles more than MAX_COORDS is refused. */
export class CoordBudget {
  #left = MAX_COORDS;

  spend(n: number): void {
    this.#left -= n;
    if (this.#left < 0) {
      throw new ValueError(`ONNX graph: too large to analyse (more than ${MAX_COORDS} coordinates moved)`);
    }
  }
}

/** One atom 0..n-1 along an axis. */
export function range(atom: string, n: number, budget: CoordBudget): Coords {
  budget.spend(n);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return { n, atoms: { [atom]: a } };
}

/** The single position of a length-1 axis with no coordinates (Unsqueeze). */
export const UNIT: Coords = { n: 1, atoms: {} };

/** Positions `index` of c (each in [0, n)). */
export function select(c: Coords, index: readonly number[], budget: CoordBudget): Coords {
  budget.spend(index.length * (Object.keys(c.atoms).length + 1));
  const atoms: Record<string, Int32Array> = {};
  for (const [k, a] of Object.entries(c.atoms)) atoms[k] = Int32Array.from(index, (i) => a[i]);
  return { n: index.length, atoms };
}

/** The coordinates at position i as a record. */
export function at(c: Coords, i: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, a] of Object.entries(c.atoms)) out[k] = a[i];
  return out;
}

/** c with `fixed` added to every position (atoms c already has win: they cannot differ in a valid view). */
export function withFixed(c: Coords, fixed: Readonly<Record<string, number>>, budget: CoordBudget): Coords {
  const atoms: Record<string, Int32Array> = { ...c.atoms };
  for (const [k, v] of Object.entries(fixed)) {
    if (atoms[k] !== undefined) continue;
    budget.spend(c.n);
    atoms[k] = new Int32Array(c.n).fill(v);
  }
  return { n: c.n, atoms };
}

/** Row-major product of axes (outer first): the axis a Reshape makes by merging them. */
export function product(parts: readonly Coords[], budget: CoordBudget): Coords {
  let out: Coords = UNIT;
  for (const p of parts) {
    const n = out.n * p.n;
    budget.spend(n * (Object.keys(out.atoms).length + Object.keys(p.atoms).length + 1));
    const atoms: Record<string, Int32Array> = {};
    for (const [k, a] of Object.entries(out.atoms)) {
      const b = new Int32Array(n);
      for (let i = 0; i < n; i++) b[i] = a[Math.floor(i / p.n)];
      atoms[k] = b;
    }
    for (const [k, a] of Object.entries(p.atoms)) {
      if (atoms[k] !== undefined) return conflict(k);
      const b = new Int32Array(n);
      for (let i = 0; i < n; i++) b[i] = a[i % p.n];
      atoms[k] = b;
    }
    out = { n, atoms };
  }
  return out;
}

const conflict = (atom: string): never => {
  throw new ValueError(`ONNX graph: two merged axes both index ${describe(atom)}`);
};

/**
 * Splits c into axes of `sizes` (row-major, product = c.n) when its coordinates factor that way: each atom must
 * depend on one of the new axes only. Undefined when they do not (the Reshape mixes what it should not).
 */
export function split(c: Coords, sizes: readonly number[], budget: CoordBudget): Coords[] | undefined {
  if (sizes.length === 1) return [c];
  const keys = Object.keys(c.atoms);
  budget.spend(c.n * sizes.length * (keys.length + 1));
  const out: Record<string, Int32Array>[] = sizes.map(() => ({}));
  // stride of axis a in the flat index
  const strides = sizes.map((_, a) => sizes.slice(a + 1).reduce((x, y) => x * y, 1));
  for (const k of keys) {
    const values = c.atoms[k];
    let owner = -1;
    for (let a = 0; a < sizes.length && owner < 0; a++) {
      const picked = new Int32Array(sizes[a]);
      for (let p = 0; p < sizes[a]; p++) picked[p] = values[p * strides[a]];
      let ok = true;
      for (let i = 0; i < c.n && ok; i++) ok = values[i] === picked[Math.floor(i / strides[a]) % sizes[a]];
      if (ok) {
        owner = a;
        out[a][k] = picked;
      }
    }
    if (owner < 0) return undefined;
  }
  return sizes.map((n, a) => ({ n, atoms: out[a] }));
}

/** Same positions with the same coordinates. */
export function sameCoords(a: Coords, b: Coords): boolean {
  if (a.n !== b.n) return false;
  const ka = Object.keys(a.atoms);
  if (ka.length !== Object.keys(b.atoms).length) return false;
  for (const k of ka) {
    const x = a.atoms[k];
    const y = b.atoms[k];
    if (y === undefined) return false;
    for (let i = 0; i < a.n; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/** Appends axes end to end (Concat along them); all must index the same atoms. */
export function concat(parts: readonly Coords[], budget: CoordBudget): Coords | undefined {
  const keys = Object.keys(parts[0].atoms).sort().join();
  if (parts.some((p) => Object.keys(p.atoms).sort().join() !== keys)) return undefined;
  const n = parts.reduce((s, p) => s + p.n, 0);
  budget.spend(n * (Object.keys(parts[0].atoms).length + 1));
  const atoms: Record<string, Int32Array> = {};
  for (const k of Object.keys(parts[0].atoms)) {
    const a = new Int32Array(n);
    let o = 0;
    for (const p of parts) {
      a.set(p.atoms[k], o);
      o += p.n;
    }
    atoms[k] = a;
  }
  return { n, atoms };
}

/** Union-find over symbols; a symbol may learn its size from a static dimension it meets. */
export class Dims {
  readonly #parent = new Map<string, string>();
  readonly #size = new Map<string, number>();

  root(s: string): string {
    let r = s;
    while (this.#parent.has(r)) r = this.#parent.get(r)!;
    return r;
  }

  declare(s: string, size: number | undefined): void {
    if (size !== undefined) this.#size.set(this.root(s), size);
  }

  size(s: string): number | undefined {
    return this.#size.get(this.root(s));
  }

  /** Makes a and b the same dimension; false when they cannot be (two different numbers). */
  unify(a: Dim, b: Dim): boolean {
    if (typeof a === 'number' && typeof b === 'number') return a === b;
    if (typeof a === 'number') return this.unify(b, a);
    const ra = this.root(a);
    if (typeof b === 'number') {
      const known = this.#size.get(ra);
      if (known !== undefined && known !== b) return false;
      this.#size.set(ra, b);
      return true;
    }
    const rb = this.root(b);
    if (ra === rb) return true;
    const sa = this.#size.get(ra);
    const sb = this.#size.get(rb);
    if (sa !== undefined && sb !== undefined && sa !== sb) return false;
    this.#parent.set(rb, ra);
    if (sb !== undefined) this.#size.set(ra, sb);
    return true;
  }

  same(a: Dim, b: Dim): boolean {
    if (typeof a === 'number' || typeof b === 'number') return a === b;
    return this.root(a) === this.root(b);
  }
}

/** The dims of a view: symbols for symbolic axes, lengths for coordinate axes. */
export const viewDims = (v: View): Dim[] => v.axes.map((a) => (isSym(a) ? a.sym : a.coords.n));

/** The dims of any value. */
export function dimsOf(v: Value): readonly Dim[] {
  if (v.kind === 'view') return viewDims(v);
  if (v.kind === 'tensor') return v.t.dims;
  return v.dims;
}

/** The same view with other axes (and fixed coordinates). */
export const reView = (v: View, axes: Axis[], fixed = v.fixed): View => ({ ...v, axes, fixed });
