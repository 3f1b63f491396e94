// The kernel ABI, declared once: every kernel's name and signature (one row each), and the ABI version. The
// WebAssembly builds (assembly/) export exactly these functions and the TypeScript twin (this folder) implements
// them; the `Kernels` type, the arity table and the tape ids of the thread pool are derived from this table, and
// test/kernel-abi.test.ts reads the compiled modules' exports and checks them against it. A new kernel is one row
// here, its AssemblyScript export (same parameter names), its twin in index.ts, and an ABI_VERSION bump.
// Parameter names live in the rows' types, so a bundle carries only the arities and result types.
//
// Pointers are byte offsets into the runtime's memory, 16-byte aligned when they start a buffer; sizes and
// leading dimensions (ld*) count elements. Row-major throughout. The out pointer comes first.
// The `simd` build and the TypeScript twin are bit-identical: same operation order, every f32 operation rounded.

export { ABI_VERSION } from './abi-version.ts';

/** What a kernel returns: nothing, or one f32 / i32 (a sum, a norm, a module fact). */
export type KernelResult = 'void' | 'f32' | 'i32';

/** Every kernel takes numbers (pointers, sizes, scalars) and returns nothing or one number. */
type KernelFunction = (...args: number[]) => unknown;

/**
 * One row of the table: the kernel's signature as a type (its parameter names are those of the AssemblyScript
 * export), and what the host needs of it at run time, each checked against that type by the compiler: the
 * parameter count, and the result's wasm type when it returns one.
 */
export interface KernelSignature<F extends KernelFunction = KernelFunction> {
  readonly arity: number;
  readonly result: KernelResult;
  /** Never set: carries F for the Kernels type. */
  readonly signature?: F;
}

function kernel<F extends KernelFunction>(
  arity: Parameters<F>['length'],
  ...result: ReturnType<F> extends void ? [] : ['f32' | 'i32']
): KernelSignature<F> {
  return { arity, result: result[0] ?? 'void' };
}

// biome-ignore format: one row per kernel, its signature on as few lines as it fits
export const KERNEL_SIGNATURES = {
  // --- GEMM: c [m,n] (ldc); `accumulate` 1 adds to c, 0 overwrites it (c is then never read).
  /** c (+)= a·b; a [m,k] (lda), b [k,n] (ldb). */
  gemm_nn_f32: kernel<(c: number, a: number, b: number, m: number, n: number, k: number, lda: number,
    ldb: number, ldc: number, accumulate: number) => void>(10),
  /** c (+)= a·bᵀ; a [m,k] (lda), b [n,k] (ldb). */
  gemm_nt_f32: kernel<(c: number, a: number, b: number, m: number, n: number, k: number, lda: number,
    ldb: number, ldc: number, accumulate: number) => void>(10),
  /** c (+)= aᵀ·b; a [k,m] (lda), b [k,n] (ldb). */
  gemm_tn_f32: kernel<(c: number, a: number, b: number, m: number, n: number, k: number, lda: number,
    ldb: number, ldc: number, accumulate: number) => void>(10),

  // --- Vectors and reductions: x, y, out [n] unless stated; out may alias an input.
  /** out[i] = value. */
  fill_f32: kernel<(out: number, value: number, n: number) => void>(3),
  /** out[i] = x[i]; the regions must not overlap unless out === x. */
  copy_f32: kernel<(out: number, x: number, n: number) => void>(3),
  /** out[i] = alpha·x[i]. */
  scale_f32: kernel<(out: number, x: number, alpha: number, n: number) => void>(4),
  /** y[i] += alpha·x[i]. */
  axpy_f32: kernel<(y: number, x: number, alpha: number, n: number) => void>(4),
  /** out[i] = a[i] + b[i]. */
  add_f32: kernel<(out: number, a: number, b: number, n: number) => void>(4),
  /** out[i] = a[i]·b[i]. */
  mul_f32: kernel<(out: number, a: number, b: number, n: number) => void>(4),
  /** Σ a[i]·b[i]. */
  dot_f32: kernel<(a: number, b: number, n: number) => number>(3, 'f32'),
  /** Σ x[i]². */
  sumsq_f32: kernel<(x: number, n: number) => number>(2, 'f32'),
  /** out[r,c] += bias[c]; out [rows,cols] (ld), bias [cols]. */
  bias_add_f32: kernel<(out: number, bias: number, rows: number, cols: number, ld: number) => void>(5),
  /** out[c] (+)= Σ_r x[r,c]; x [rows,cols] (ld), out [cols]. Bias gradients. */
  colsum_f32: kernel<(out: number, x: number, rows: number, cols: number, ld: number,
    accumulate: number) => void>(6),
  /** out[r] (+)= Σ_c x[r,c]; x [rows,cols] (ld), out [rows]. */
  rowsum_f32: kernel<(out: number, x: number, rows: number, cols: number, ld: number,
    accumulate: number) => void>(6),
  /**
   * Inverted dropout: mask[i] = (next sfc32 draw < keep) ? scale : 0, out[i] = x[i]·mask[i]; state is the
   * generator's 4 × u32, advanced in place; keep = (1 − p)·2³² as u32 (passed as i32), scale = 1/(1 − p).
   */
  dropout_f32: kernel<(out: number, x: number, mask: number, state: number, n: number, keep: number,
    scale: number) => void>(7),

  // --- Activations, fused over a buffer of n floats. Backward takes the forward *output* y.
  sigmoid_f32: kernel<(out: number, x: number, n: number) => void>(3),
  tanh_f32: kernel<(out: number, x: number, n: number) => void>(3),
  relu_f32: kernel<(out: number, x: number, n: number) => void>(3),
  /** dx = dy·y·(1−y). */
  sigmoid_bwd_f32: kernel<(dx: number, y: number, dy: number, n: number) => void>(4),
  /** dx = dy·(1−y²). */
  tanh_bwd_f32: kernel<(dx: number, y: number, dy: number, n: number) => void>(4),
  /** dx = y > 0 ? dy : 0. */
  relu_bwd_f32: kernel<(dx: number, y: number, dy: number, n: number) => void>(4),

  // --- Losses. logits/probs [rows,cols]; targets i32 [rows], a target outside [0,cols) is ignored.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of −log probs[r, target[r]]. */
  softmax_xent_fwd_f32: kernel<(probs: number, logits: number, targets: number, rows: number,
    cols: number) => number>(5, 'f32'),
  /** dlogits = scale·(probs − onehot(target)); ignored rows get 0. */
  softmax_xent_bwd_f32: kernel<(dlogits: number, probs: number, targets: number, rows: number, cols: number,
    scale: number) => void>(6),
  /** Σ (pred[i] − target[i])². */
  mse_fwd_f32: kernel<(pred: number, target: number, n: number) => number>(3, 'f32'),
  /** dpred = scale·2·(pred − target). */
  mse_bwd_f32: kernel<(dpred: number, pred: number, target: number, n: number, scale: number) => void>(5),

  // --- Class-weighted cross-entropy; weights f32 [cols] (torch's `weight`), targets as above.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of weights[t]·(−log probs[r, t]). */
  softmax_xent_weighted_fwd_f32: kernel<(probs: number, logits: number, targets: number, weights: number,
    rows: number, cols: number) => number>(6, 'f32'),
  /** dlogits = scale·weights[t]·(probs − onehot(t)); ignored rows get 0. */
  softmax_xent_weighted_bwd_f32: kernel<(dlogits: number, probs: number, targets: number, weights: number,
    rows: number, cols: number, scale: number) => void>(7),

  // --- Elementwise losses over pred, target [rows, cols]; mask f32 [rows] weighs each row (0 = all weigh 1),
  // a row of weight 0 is skipped. Forward returns Σ_r m_r·Σ_c term; backward dpred = scale·m_r·term'.
  /** term (pred − target)². */
  mse_rows_fwd_f32: kernel<(pred: number, target: number, mask: number, rows: number,
    cols: number) => number>(5, 'f32'),
  mse_rows_bwd_f32: kernel<(dpred: number, pred: number, target: number, mask: number, rows: number,
    cols: number, scale: number) => void>(7),
  /** term |pred − target|; term' sign(pred − target), 0 at 0. */
  l1_rows_fwd_f32: kernel<(pred: number, target: number, mask: number, rows: number,
    cols: number) => number>(5, 'f32'),
  l1_rows_bwd_f32: kernel<(dpred: number, pred: number, target: number, mask: number, rows: number,
    cols: number, scale: number) => void>(7),
  /** term 0.5·d² where |d| < delta, else delta·(|d| − 0.5·delta); term' clamp(d, −delta, delta). */
  huber_rows_fwd_f32: kernel<(pred: number, target: number, mask: number, rows: number, cols: number,
    delta: number) => number>(6, 'f32'),
  huber_rows_bwd_f32: kernel<(dpred: number, pred: number, target: number, mask: number, rows: number,
    cols: number, scale: number, delta: number) => void>(8),
  /** pred = logits x, target y in [0, 1]: term max(x, 0) − x·y + log(1 + e^−|x|); term' σ(x) − y. */
  bce_logits_rows_fwd_f32: kernel<(pred: number, target: number, mask: number, rows: number,
    cols: number) => number>(5, 'f32'),
  bce_logits_rows_bwd_f32: kernel<(dpred: number, pred: number, target: number, mask: number, rows: number,
    cols: number, scale: number) => void>(7),

  // --- Optimizers over a flat slab of n parameters p with gradients g (torch.optim semantics).
  /** SGD; buf is the momentum buffer, `first` = 1 on the step that initialises it; keep = 1 − dampening (host, f64). */
  sgd_f32: kernel<(p: number, g: number, buf: number, n: number, lr: number, momentum: number, keep: number,
    weightDecay: number, nesterov: number, first: number) => void>(10),
  /**
   * Adam (decoupled = 0) or AdamW (decoupled = 1). Computed by the host in f64 and rounded once, as torch does:
   * decay = 1 − lr·weightDecay (AdamW), c1 = 1 − β1, c2 = 1 − β2, stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t).
   */
  adam_f32: kernel<(p: number, g: number, m: number, v: number, n: number, decay: number, beta1: number,
    c1: number, beta2: number, c2: number, eps: number, weightDecay: number, stepSize: number,
    bc2Sqrt: number, decoupled: number) => void>(15),
  /** Adagrad; clr = lr / (1 + (t − 1)·lrDecay), computed by the host. */
  adagrad_f32: kernel<(p: number, g: number, sum: number, n: number, clr: number, weightDecay: number,
    eps: number) => void>(7),
  /** RMSprop; gavg used when centered = 1, buf when momentum > 0; c = 1 − α (host, f64). */
  rmsprop_f32: kernel<(p: number, g: number, sq: number, gavg: number, buf: number, n: number, lr: number,
    alpha: number, c: number, eps: number, weightDecay: number, momentum: number,
    centered: number) => void>(13),
  /** clip_grad_norm_ (L2): returns the total norm and scales g by min(1, maxNorm / (norm + 1e-6)). */
  clip_grad_norm_f32: kernel<(g: number, n: number, maxNorm: number) => number>(3, 'f32'),
  /** g[i] = clamp(g[i], lo, hi). */
  clip_value_f32: kernel<(g: number, n: number, lo: number, hi: number) => void>(4),

  // --- Gathers for integer token inputs; idx is an i32 array of `count` ids, each checked in range by the caller.
  /** out[i, :] = table[idx[i], :]; out [count, width], table [*, width] (ldt). Embedding lookup. */
  gather_rows_f32: kernel<(out: number, table: number, idx: number, count: number, width: number,
    ldt: number) => void>(6),
  /** table[idx[i], :] += src[i, :] in order of i (repeated ids accumulate); src [count, width]. */
  scatter_add_rows_f32: kernel<(table: number, src: number, idx: number, count: number, width: number,
    ldt: number) => void>(6),
  /** out[i, r] = w[r, idx[i]]; out [count, rows], w [rows, *] (ldw): one-hot input times wᵀ. */
  gather_cols_f32: kernel<(out: number, w: number, idx: number, count: number, rows: number,
    ldw: number) => void>(6),
  /** w[r, idx[i]] += src[i, r] in order of i; src [count, rows]: the weight gradient of gather_cols_f32. */
  scatter_add_cols_f32: kernel<(w: number, src: number, idx: number, count: number, rows: number,
    ldw: number) => void>(6),
  /** out[c, r] = w[r, c] + bias[r] (bias 0: a copy); out [cols, rows]: the table that makes gather_cols_f32 +
   * bias_add_f32 a gather_rows_f32, bit for bit. */
  transpose_bias_f32: kernel<(out: number, w: number, bias: number, rows: number, cols: number,
    ldw: number) => void>(6),

  // --- Recurrent sequence kernels: one direction of one layer, the time loop inside (assembly/cell-*.ts).
  // gates/xproj [T·B, G·H] hold x·W_ihᵀ + b_ih on entry; hs, cs [(T+1)·B, H] are the state histories in time
  // order with the initial state in row 0 (forward) or row T (reverse); out/dout are [T·B] rows of ldo floats
  // (dout 0 = none); h0, c0 [B, H] (0 = zeros); dh, dc [B, H] carry dh_T in and dh_0 out. reverse 1 = backward direction.
  // lengths i32 [B] (1 ≤ len ≤ T, checked by the caller) or 0 = all T: a step t ≥ len[b] is padding — forward holds
  // the state and writes a zero output row, backward passes dh (dc) through and writes zero gate gradients.
  /** LSTM (i, f, g, o): gates become the activations; hproj [B, 4H] scratch. */
  lstm_seq_fwd_f32: kernel<(out: number, hs: number, cs: number, gates: number, hproj: number, w_hh: number,
    b_hh: number, h0: number, c0: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(15),
  /** Inference: lstm_seq_fwd_f32's bits without the history a backward reads. hs, cs [2·B·H]: the state alternates
   * between two slots, slot 0 holding h0/c0 on entry and h_T/c_T on return; no activation is stored. xg: input
   * pre-activations, row r of [T·B, 4H], or with ids (i32 [T·B], 0 = none) row ids[r] of a table [I, 4H] (read only). */
  lstm_seq_infer_f32: kernel<(out: number, hs: number, cs: number, xg: number, ids: number, hproj: number,
    w_hh: number, b_hh: number, h0: number, c0: number, lengths: number, T: number, B: number, H: number,
    ldo: number, reverse: number) => void>(16),
  /** dgates [T·B, 4H] = pre-activation gradients (dXproj = dHproj). */
  lstm_seq_bwd_f32: kernel<(dgates: number, dh: number, dc: number, dout: number, gates: number, cs: number,
    w_hh: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(13),
  /** lstm_seq_bwd_f32 with wpack [4H·H] scratch (0 = none): where the per-step dh·W_hh GEMM would pack W_hh at
   * every step (H ≥ 512 or B ≥ 128), W_hh is packed into wpack once for the sequence. Same results bit for bit. */
  lstm_seq_bwd_packed_f32: kernel<(dgates: number, dh: number, dc: number, dout: number, gates: number,
    cs: number, w_hh: number, wpack: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** GRU (r, z, n): gates become the activations, hn [T·B, H] gets W_hn·h + b_hn; hproj [B, 3H] scratch. */
  gru_seq_fwd_f32: kernel<(out: number, hs: number, gates: number, hn: number, hproj: number, w_hh: number,
    b_hh: number, h0: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** Inference: gru_seq_fwd_f32's bits without the history a backward reads. hs [2·B·H]: the state alternates
   * between two slots, slot 0 holding h0 on entry and h_T on return; no activation and no hn is stored. xg: input
   * pre-activations, row r of [T·B, 3H], or with ids (i32 [T·B], 0 = none) row ids[r] of a table [I, 3H] (read only). */
  gru_seq_infer_f32: kernel<(out: number, hs: number, xg: number, ids: number, hproj: number, w_hh: number,
    b_hh: number, h0: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj (they differ in the n gate). */
  gru_seq_bwd_f32: kernel<(dxg: number, dhg: number, dh: number, dout: number, gates: number, hn: number,
    hs: number, w_hh: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** Elman RNN, φ = tanh (relu 0) or relu (relu 1); xproj is read only; hproj [B, H] scratch. */
  rnn_seq_fwd_f32: kernel<(out: number, hs: number, xproj: number, hproj: number, w_hh: number, b_hh: number,
    h0: number, lengths: number, T: number, B: number, H: number, ldo: number, reverse: number,
    relu: number) => void>(14),
  /** Inference: rnn_seq_fwd_f32's bits without the history a backward reads. hs [2·B·H]: the state alternates
   * between two slots, slot 0 holding h0 on entry and h_T on return. xg: input pre-activations, row r of [T·B, H],
   * or with ids (i32 [T·B], 0 = none) row ids[r] of a table [I, H] (read only). */
  rnn_seq_infer_f32: kernel<(out: number, hs: number, xg: number, ids: number, hproj: number, w_hh: number,
    b_hh: number, h0: number, lengths: number, T: number, B: number, H: number, ldo: number, reverse: number,
    relu: number) => void>(15),
  /** dxproj [T·B, H] = pre-activation gradients (dXproj = dHproj). */
  rnn_seq_bwd_f32: kernel<(dxproj: number, dh: number, dout: number, hs: number, w_hh: number,
    lengths: number, T: number, B: number, H: number, ldo: number, reverse: number,
    relu: number) => void>(12),

  // --- Attention pooling over time: score grid [T, B] and rows of h [T·B, D] addressed as r = t·st + b·sb.
  /** alpha[·, b] = softmax over t < len[b] of s[·, b], 0 beyond; lengths i32 [B] (1 ≤ len ≤ T) or 0 = all T. */
  softmax_time_f32: kernel<(alpha: number, s: number, lengths: number, T: number, B: number, st: number,
    sb: number) => void>(7),
  /** ds = alpha ⊙ (dalpha − Σ_t alpha·dalpha) per batch row b. */
  softmax_time_bwd_f32: kernel<(ds: number, alpha: number, dalpha: number, T: number, B: number, st: number,
    sb: number) => void>(7),
  /** out[b, :] = Σ_t alpha[r]·h[r, :]; out [B, D] is overwritten. */
  wsum_time_f32: kernel<(out: number, h: number, alpha: number, T: number, B: number, D: number, st: number,
    sb: number) => void>(8),
  /** dalpha[r] = dout[b]·h[r, :]; dh[r, :] = alpha[r]·dout[b, :] (overwritten). */
  wsum_time_bwd_f32: kernel<(dh: number, dalpha: number, h: number, alpha: number, dout: number, T: number,
    B: number, D: number, st: number, sb: number) => void>(10),

  // --- GRU with the reset gate before the recurrent product (ONNX linear_before_reset = 0, Keras reset_after=False).
  /** As gru_seq_fwd_f32, but rh [T·B, H] gets r⊙h_{t−1} (0 on padded steps), the input of the dW_hn GEMM. */
  gru_reset_before_seq_fwd_f32: kernel<(out: number, hs: number, gates: number, rh: number, hproj: number,
    w_hh: number, b_hh: number, h0: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** Inference: gru_reset_before_seq_fwd_f32's bits without the history a backward reads; hs, xg and ids as in
   * gru_seq_infer_f32 (no activation and no rh is stored). */
  gru_reset_before_seq_infer_f32: kernel<(out: number, hs: number, xg: number, ids: number, hproj: number,
    w_hh: number, b_hh: number, h0: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(14),
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj; the n third of dhg pairs with rh (not H_prev) in dW_hh. */
  gru_reset_before_seq_bwd_f32: kernel<(dxg: number, dhg: number, dh: number, dout: number, gates: number,
    hs: number, w_hh: number, lengths: number, T: number, B: number, H: number, ldo: number,
    reverse: number) => void>(13),

  // --- Attention of decoder queries over encoder steps (assembly/attention.ts): q [Tq·B, H], keys/values
  // k, v [Ts·B, H] time-major (row t·B + b); scores s and weights p [Tq·B, Ts], one row of source steps per
  // query. Backward kernels add (+=) into dq, dk, dv, dW; ds and dp are overwritten.
  /** s[r, t] = q[r]·k[t·B + r % B] (Luong dot; general with k already multiplied by W_a). */
  attn_score_dot_f32: kernel<(s: number, q: number, k: number, Tq: number, Ts: number, B: number,
    H: number) => void>(7),
  /** dq += ds·k, dk += dsᵀ·q per batch row. */
  attn_score_dot_bwd_f32: kernel<(dq: number, dk: number, ds: number, q: number, k: number, Tq: number,
    Ts: number, B: number, H: number) => void>(9),
  /** s[r, t] = v·tanh(qp[r] + kp[t·B + r % B]) (Bahdanau); qp [Tq·B, A], kp [Ts·B, A], v [A]. */
  attn_score_add_f32: kernel<(s: number, qp: number, kp: number, v: number, Tq: number, Ts: number, B: number,
    A: number) => void>(8),
  /** dv += ds·tanh(·); dqp, dkp += ds·v·(1 − tanh²(·)). */
  attn_score_add_bwd_f32: kernel<(dqp: number, dkp: number, dv: number, ds: number, qp: number, kp: number,
    v: number, Tq: number, Ts: number, B: number, A: number) => void>(11),
  /** p[r] = softmax over t < len[r % B] of s[r], 0 beyond; lengths i32 [B] (1 ≤ len ≤ Ts) or 0 = all Ts. */
  attn_softmax_f32: kernel<(p: number, s: number, lengths: number, Tq: number, Ts: number,
    B: number) => void>(6),
  /** ds = p ⊙ (dp − Σ_t p·dp) per row. */
  attn_softmax_bwd_f32: kernel<(ds: number, p: number, dp: number, Tq: number, Ts: number,
    B: number) => void>(6),
  /** ctx [Tq·B, D] = Σ_t p[r, t]·v[t·B + r % B] (overwritten); v [Ts·B, D]. */
  attn_context_f32: kernel<(ctx: number, p: number, v: number, Tq: number, Ts: number, B: number,
    D: number) => void>(7),
  /** dp[r, t] = dctx[r]·v[t·B + r % B] (overwritten); dv += pᵀ·dctx per batch row. */
  attn_context_bwd_f32: kernel<(dp: number, dv: number, dctx: number, p: number, v: number, Tq: number,
    Ts: number, B: number, D: number) => void>(9),

  // --- Module facts.
  heap_base: kernel<() => number>(0, 'i32'),
  abi_version: kernel<() => number>(0, 'i32'),
  isa_relaxed: kernel<() => number>(0, 'i32'),
};

export type KernelName = keyof typeof KERNEL_SIGNATURES;

/** The kernel table of a runtime: the WebAssembly exports, or the TypeScript twin bound to its memory. */
export type Kernels = {
  [K in keyof typeof KERNEL_SIGNATURES]: (typeof KERNEL_SIGNATURES)[K] extends KernelSignature<infer F>
    ? F
    : never;
};

/** Kernel names in table order: a kernel's position is its id on the thread pool's tapes. */
export const KERNEL_NAMES = Object.keys(KERNEL_SIGNATURES) as KernelName[];

/** Parameter count of every kernel; used to refuse a module that is not this library's (or another version). */
export const KERNEL_ARITY = Object.fromEntries(
  KERNEL_NAMES.map((name) => [name, KERNEL_SIGNATURES[name].arity]),
) as Readonly<Record<KernelName, number>>;
