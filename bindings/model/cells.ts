// What differs between RNN, LSTM and GRU at the layer level: gate count, saved state, and the kernel calls.
// Everything else (projections, weight gradients, directions, layers) is shared in recurrent.ts.

import type { Kernels } from '../kernels-ts/abi.ts';

export type CellType = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

/** Workspace pointers of one direction of one layer, kept from forward for backward. */
export interface UnitBuffers {
  /** [T·B, G·H]: x·W_ihᵀ + b_ih, then the gate activations. */
  gates: number;
  /** [(T+1)·B, H] hidden-state history (see assembly/cell.ts). */
  hs: number;
  /** [(T+1)·B, H] cell-state history (LSTM), else 0. */
  cs: number;
  /** [T·B, H] W_hn·h + b_hn (GRU), r⊙h_{t−1} (GRU with the reset gate before the product), else 0. */
  hn: number;
}

export interface Step {
  T: number;
  B: number;
  H: number;
  reverse: number;
  whh: number;
  bhh: number;
  /** Floats between consecutive rows of the outputs (forward's out, backward's dout). */
  ldo: number;
  u: UnitBuffers;
  /** i32 [B] steps of each row (padding beyond), or 0 for all T. */
  lengths: number;
}

export interface ForwardStep extends Step {
  /** Output rows, ldo floats apart. */
  out: number;
  hproj: number;
  h0: number;
  c0: number;
}

/** A forward no backward follows (Cell.infer): the state alternates between two slots of u.hs and u.cs [2·B·H]. */
export interface InferStep extends ForwardStep {
  /** Input pre-activations: rows of [T·B, G·H], or with ids rows ids[r] of a table [I, G·H] (read only). */
  xg: number;
  /** i32 [T·B] token ids, or 0. */
  ids: number;
}

export interface BackwardStep extends Step {
  /** The gradient of the output rows, ldo floats apart; 0 = none. */
  dout: number;
  dxg: number;
  dhg: number;
  dh: number;
  dc: number;
  /** [G·H] scratch for W_hh packed once per sequence (LSTM; see lstm_seq_bwd_packed_f32), or 0. */
  wpack: number;
}

/** The dW_hh and db_hh accumulation after BPTT, over all N = T·B rows. */
export interface HiddenGradStep {
  N: number;
  H: number;
  gwhh: number;
  gbhh: number;
  /** [N, G·H] dHproj. */
  dhg: number;
  /** [N, H] the states each step read, aligned with time. */
  hPrev: number;
  u: UnitBuffers;
}

export interface Cell {
  readonly type: CellType;
  /** GRU only: false when the reset gate applies before the recurrent product (n reads W_hn (r⊙h)). */
  readonly resetAfter: boolean;
  /** G: 1, 4 or 3. */
  readonly gates: number;
  readonly hasCell: boolean;
  /** dHproj differs from dXproj (GRU's n gate), so backward needs a second buffer. */
  readonly splitGrad: boolean;
  forward(k: Kernels, s: ForwardStep): void;
  /** The forward's results without its history (an inference pass); final states in slot 0. */
  infer(k: Kernels, s: InferStep): void;
  backward(k: Kernels, s: BackwardStep): void;
  hiddenGrads(k: Kernels, s: HiddenGradStep): void;
}

/**
 * Whether the LSTM backward's per-step dh·W_hh GEMM (m = B, n = H, k = 4H) packs W_hh's panels at every step
 * (assembly/gemm-packed.ts packable(): rows of W_hh ≥ 2 KB apart, or ≥ 128 rows of a), so that packing W_hh once
 * per sequence into a scratch of its size pays; the scratch is reserved only then.
 */
export const packsWhh = (B: number, H: number): boolean => B >= 16 && H >= 16 && (B >= 128 || H >= 512);

/** dW_hh += dHprojᵀ·H_prev, db_hh += Σ dHproj: every cell whose recurrent product reads h_{t−1} alone. */
function hiddenGrads(k: Kernels, s: HiddenGradStep, G: number): void {
  const GH = G * s.H;
  k.gemm_tn_f32(s.gwhh, s.dhg, s.hPrev, GH, s.H, s.N, GH, s.H, s.H, 1);
  k.colsum_f32(s.gbhh, s.dhg, s.N, GH, GH, 1);
}

const rnn = (type: CellType, relu: number): Cell => ({
  type,
  gates: 1,
  resetAfter: true,
  hasCell: false,
  splitGrad: false,
  hiddenGrads: (k, s) => hiddenGrads(k, s, 1),
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
  infer: (k, s) =>
    k.rnn_seq_infer_f32(
      s.out,
      s.u.hs,
      s.xg,
      s.ids,
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
    k.rnn_seq_bwd_f32(s.dxg, s.dh, s.dout, s.u.hs, s.whh, s.lengths, s.T, s.B, s.H, s.ldo, s.reverse, relu),
});

export const CELLS: Readonly<Record<CellType, Cell>> = {
  rnn_tanh: rnn('rnn_tanh', 0),
  rnn_relu: rnn('rnn_relu', 1),
  lstm: {
    type: 'lstm',
    gates: 4,
    resetAfter: true,
    hasCell: true,
    splitGrad: false,
    hiddenGrads: (k, s) => hiddenGrads(k, s, 4),
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
    infer: (k, s) =>
      k.lstm_seq_infer_f32(
        s.out,
        s.u.hs,
        s.u.cs,
        s.xg,
        s.ids,
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
      k.lstm_seq_bwd_packed_f32(
        s.dxg,
        s.dh,
        s.dc,
        s.dout,
        s.u.gates,
        s.u.cs,
        s.whh,
        s.wpack,
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
    resetAfter: true,
    hasCell: false,
    splitGrad: true,
    hiddenGrads: (k, s) => hiddenGrads(k, s, 3),
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
    infer: (k, s) =>
      k.gru_seq_infer_f32(
        s.out,
        s.u.hs,
        s.xg,
        s.ids,
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
        s.dout,
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

/**
 * GRU with the reset gate before the recurrent product: n = tanh(W_in x + b_in + W_hn (r⊙h) + b_hn) (Cho et al.,
 * Keras reset_after=False, ONNX linear_before_reset = 0). Same parameters and gate order as the PyTorch GRU; the
 * W_hn rows of dW_hh pair dn with r⊙h_{t−1} (kept in u.hn), the r and z rows with h_{t−1}.
 */
export const GRU_RESET_BEFORE: Cell = {
  type: 'gru',
  gates: 3,
  resetAfter: false,
  hasCell: false,
  splitGrad: true,
  forward: (k, s) =>
    k.gru_reset_before_seq_fwd_f32(
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
  infer: (k, s) =>
    k.gru_reset_before_seq_infer_f32(
      s.out,
      s.u.hs,
      s.xg,
      s.ids,
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
    k.gru_reset_before_seq_bwd_f32(
      s.dxg,
      s.dhg,
      s.dh,
      s.dout,
      s.u.gates,
      s.u.hs,
      s.whh,
      s.lengths,
      s.T,
      s.B,
      s.H,
      s.ldo,
      s.reverse,
    ),
  hiddenGrads: (k, s) => {
    const { N, H } = s;
    const G = 3 * H;
    k.gemm_tn_f32(s.gwhh, s.dhg, s.hPrev, 2 * H, H, N, G, H, H, 1);
    k.gemm_tn_f32(s.gwhh + 2 * H * H * 4, s.dhg + 2 * H * 4, s.u.hn, H, H, N, G, H, H, 1);
    k.colsum_f32(s.gbhh, s.dhg, N, G, G, 1);
  },
};

/** The cell of a layer: its type, and for a GRU where the reset gate applies. */
export const cellOf = (type: CellType, resetAfter: boolean): Cell =>
  type === 'gru' && !resetAfter ? GRU_RESET_BEFORE : CELLS[type];
