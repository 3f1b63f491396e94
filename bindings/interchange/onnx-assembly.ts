// What the importer learns about the model while it walks the graph: the input, the embedding, each recurrent
// layer with its weights already under PyTorch's names and gate order, and the head. import builds a
// SequenceModel from it once the walk reached the graph's output.

import type { CellType } from '../model/cells.ts';
import type { Coords } from './onnx-values.ts';

export type Activation = 'softmax' | 'logSoftmax' | 'sigmoid' | 'tanh' | 'relu';

export interface LayerPlan {
  node: string;
  opType: string;
  cell: CellType;
  /** GRU: linear_before_reset 1 (true, PyTorch's) or 0; true for the other cells. */
  resetAfter: boolean;
  H: number;
  D: number;
  I: number;
  /** weight_ih_l{k}[_reverse], …, without the module prefix. */
  weights: Record<string, Float32Array>;
  /** Reads the sequence-lengths input (each row stops at its own length). */
  lengths: boolean;
  /** The initial states: zeros, or the graph input holding every layer's. */
  h0: 'zeros' | 'input';
  c0: 'zeros' | 'input';
}

export interface HeadPlan {
  node: string;
  /** [O, C] (nn.Linear's layout). */
  weight: Float32Array;
  /** [O]; zeros until an Add brings the bias. */
  bias: Float32Array;
  O: number;
  C: number;
  pooling: 'none' | 'last' | 'attention';
  /** Steps taken after the matrix product: the bias, then at most one activation. */
  stage: number;
  biased: boolean;
  activation?: Activation;
}

export interface GraphInput {
  name: string;
  role: 'x' | 'ids' | 'vec' | 'steps' | 'h0' | 'c0' | 'lens';
  /** Declared dims (undefined where unknown or symbolic). */
  declared: (number | undefined)[];
  /** The symbol standing for each dynamic axis. */
  syms: (string | undefined)[];
}

export interface Assembly {
  inputs: GraphInput[];
  embedding?: { node: string; weight: Float32Array; V: number; E: number };
  onehot?: { node: string; V: number };
  /** One vector per sequence, repeated at every step (Expand) or fed at the first (Pad). */
  vector?: 'every' | 'first';
  layers: LayerPlan[];
  /** Symbols of the time and batch axes, bound by the first recurrent node. */
  time?: string;
  batch?: string;
  head?: HeadPlan;
  /** Attention pooling's scorer: weight [1, C], bias. */
  attention?: { node: string; weight: Float32Array; bias: number };
}

/**
 * True when `c` (with `fixed` shared by every position) holds exactly the atoms of `grid` in row-major order
 * plus the constant atoms `constants`, and nothing else.
 */
export function holds(
  c: Coords,
  fixed: Readonly<Record<string, number>>,
  grid: readonly [string, number][],
  constants: Readonly<Record<string, number>> = {},
): boolean {
  const allowed = new Set([...grid.map(([a]) => a), ...Object.keys(constants)]);
  const present = new Set([...Object.keys(c.atoms), ...Object.keys(fixed)]);
  for (const a of present) if (!allowed.has(a)) return false;
  for (const a of allowed) if (!present.has(a)) return false;
  const n = grid.reduce((s, [, size]) => s * size, 1);
  if (c.n !== n) return false;
  const value = (atom: string, i: number) => (c.atoms[atom] !== undefined ? c.atoms[atom][i] : fixed[atom]);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let g = grid.length - 1; g >= 0; g--) {
      const [atom, size] = grid[g];
      if (value(atom, i) !== rest % size) return false;
      rest = Math.floor(rest / size);
    }
    for (const [atom, v] of Object.entries(constants)) if (value(atom, i) !== v) return false;
  }
  return true;
}
