// What differs between RNN, LSTM and GRU at the layer level: gate count, saved state, and the kernel calls.
// Everything else (projections, weight gradients, directions, layers) is shared in recurrent.ts.

import type { Kernels } from '../runtime/kernels.ts';

export type CellType = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/** Workspace pointers of one direction of one layer, kept from forward for backward. */
export interface UnitBuffers {
  /** [T·B, G·H]: x·W_ihᵀ + b_ih, then the gate activations. */
  gates: number;
  /** [(T+1)·B, H] hidden-state history (see assembly/cell.ts). */
  hs: number;
  /** [(T+1)·B, H] cell-state history (LSTM), else 0. */
  cs: number;
  /** [T·B, H] W_hn·h + b_hn (GRU), else 0. */
  hn: number;
}

export interface Step {
  T: number;
  B: number;
  H: number;
  reverse: number;
  whh: number;
  bhh: number;
  /** Output rows (forward) or their gradient (backward, 0 = none), ldo floats apart. */
  out: number;
  ldo: number;
  u: UnitBuffers;
  /** i32 [B] steps of each row (padding beyond), or 0 for all T. */
  lengths: number;
}

export interface ForwardStep extends Step {
  hproj: number;
  h0: number;
  c0: number;
}

export interface BackwardStep extends Step {
  dxg: number;
  dhg: number;
  dh: number;
  dc: number;
}

export interface Cell {
  readonly type: CellType;
  /** G: 1, 4 or 3. */
  readonly gates: number;
  readonly hasCell: boolean;
  /** dHproj differs from dXproj (GRU's n gate), so backward needs a second buffer. */
  readonly splitGrad: boolean;
  forward(k: Kernels, s: ForwardStep): void;
  backward(k: Kernels, s: BackwardStep): void;
}

const rnn = (type: CellType, relu: number): Cell => ({
  type,
  gates: 1,
  hasCell: false,
  splitGrad: false,
  forward: (k, s) =>
    k.rnn_seq_fwd_f32(
      s.out,
      s.u.hs,
      s.u.gates,
      s.hproj,
      s.whh,
      s.bhh,
      s.h0,
      s.lengths,
      s.T,
      s.B,
      s.H,
      s.ldo,
      s.reverse,
      relu,
    ),
  backward: (k, s) =>
    k.rnn_seq_bwd_f32(s.dxg, s.dh, s.out, s.u.hs, s.whh, s.lengths, s.T, s.B, s.H, s.ldo, s.reverse, relu),
});

export const CELLS: Readonly<Record<CellType, Cell>> = {
  rnn_tanh: rnn('rnn_tanh', 0),
  rnn_relu: rnn('rnn_relu', 1),
  lstm: {
    type: 'lstm',
    gates: 4,
    hasCell: true,
    splitGrad: false,
    forward: (k, s) =>
      k.lstm_seq_fwd_f32(
        s.out,
        s.u.hs,
        s.u.cs,
        s.u.gates,
        s.hproj,
        s.whh,
        s.bhh,
        s.h0,
        s.c0,
        s.lengths,
        s.T,
        s.B,
        s.H,
        s.ldo,
        s.reverse,
      ),
    backward: (k, s) =>
      k.lstm_seq_bwd_f32(
        s.dxg,
        s.dh,
        s.dc,
        s.out,
        s.u.gates,
        s.u.cs,
        s.whh,
        s.lengths,
        s.T,
        s.B,
        s.H,
        s.ldo,
        s.reverse,
      ),
  },
  gru: {
    type: 'gru',
    gates: 3,
    hasCell: false,
    splitGrad: true,
    forward: (k, s) =>
      k.gru_seq_fwd_f32(
        s.out,
        s.u.hs,
        s.u.gates,
        s.u.hn,
        s.hproj,
        s.whh,
        s.bhh,
        s.h0,
        s.lengths,
        s.T,
        s.B,
        s.H,
        s.ldo,
        s.reverse,
      ),
    backward: (k, s) =>
      k.gru_seq_bwd_f32(
        s.dxg,
        s.dhg,
        s.dh,
        s.out,
        s.u.gates,
        s.u.hn,
        s.u.hs,
        s.whh,
        s.lengths,
        s.T,
        s.B,
        s.H,
        s.ldo,
        s.reverse,
      ),
  },
};
