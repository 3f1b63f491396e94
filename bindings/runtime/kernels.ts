// The kernel ABI shared by the WebAssembly builds (assembly/) and the TypeScript twin (bindings/kernels-ts/).
// Pointers are byte offsets into the runtime's memory, 16-byte aligned when they start a buffer; sizes and
// leading dimensions (ld*) count elements. Row-major throughout. The out pointer comes first.
// The `simd` build and the TypeScript twin are bit-identical: same operation order, every f32 operation rounded.

export interface Kernels {
  // --- GEMM: c [m,n] (ldc); `accumulate` 1 adds to c, 0 overwrites it (c is then never read).
  /** c (+)= a·b; a [m,k] (lda), b [k,n] (ldb). */
  gemm_nn_f32(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    lda: number,
    ldb: number,
    ldc: number,
    accumulate: number,
  ): void;
  /** c (+)= a·bᵀ; a [m,k] (lda), b [n,k] (ldb). */
  gemm_nt_f32(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    lda: number,
    ldb: number,
    ldc: number,
    accumulate: number,
  ): void;
  /** c (+)= aᵀ·b; a [k,m] (lda), b [k,n] (ldb). */
  gemm_tn_f32(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    lda: number,
    ldb: number,
    ldc: number,
    accumulate: number,
  ): void;

  // --- Vectors and reductions: x, y, out [n] unless stated; out may alias an input.
  /** out[i] = value. */
  fill_f32(out: number, value: number, n: number): void;
  /** out[i] = x[i]; the regions must not overlap unless out === x. */
  copy_f32(out: number, x: number, n: number): void;
  /** out[i] = alpha·x[i]. */
  scale_f32(out: number, x: number, alpha: number, n: number): void;
  /** y[i] += alpha·x[i]. */
  axpy_f32(y: number, x: number, alpha: number, n: number): void;
  /** out[i] = a[i] + b[i]. */
  add_f32(out: number, a: number, b: number, n: number): void;
  /** out[i] = a[i]·b[i]. */
  mul_f32(out: number, a: number, b: number, n: number): void;
  /** Σ a[i]·b[i]. */
  dot_f32(a: number, b: number, n: number): number;
  /** Σ x[i]². */
  sumsq_f32(x: number, n: number): number;
  /** out[r,c] += bias[c]; out [rows,cols] (ld), bias [cols]. */
  bias_add_f32(out: number, bias: number, rows: number, cols: number, ld: number): void;
  /** out[c] (+)= Σ_r x[r,c]; x [rows,cols] (ld), out [cols]. Bias gradients. */
  colsum_f32(out: number, x: number, rows: number, cols: number, ld: number, accumulate: number): void;
  /**
   * Inverted dropout: mask[i] = (next sfc32 draw < keep) ? scale : 0, out[i] = x[i]·mask[i]; state is the
   * generator's 4 × u32, advanced in place; keep = (1 − p)·2³² as u32 (passed as i32), scale = 1/(1 − p).
   */
  dropout_f32(
    out: number,
    x: number,
    mask: number,
    state: number,
    n: number,
    keep: number,
    scale: number,
  ): void;
  /** out[r] (+)= Σ_c x[r,c]; x [rows,cols] (ld), out [rows]. */
  rowsum_f32(out: number, x: number, rows: number, cols: number, ld: number, accumulate: number): void;

  // --- Activations, fused over a buffer of n floats. Backward takes the forward *output* y.
  sigmoid_f32(out: number, x: number, n: number): void;
  tanh_f32(out: number, x: number, n: number): void;
  relu_f32(out: number, x: number, n: number): void;
  /** dx = dy·y·(1−y). */
  sigmoid_bwd_f32(dx: number, y: number, dy: number, n: number): void;
  /** dx = dy·(1−y²). */
  tanh_bwd_f32(dx: number, y: number, dy: number, n: number): void;
  /** dx = y > 0 ? dy : 0. */
  relu_bwd_f32(dx: number, y: number, dy: number, n: number): void;

  // --- Losses. logits/probs [rows,cols]; targets i32 [rows], a target outside [0,cols) is ignored.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of −log probs[r, target[r]]. */
  softmax_xent_fwd_f32(probs: number, logits: number, targets: number, rows: number, cols: number): number;
  /** dlogits = scale·(probs − onehot(target)); ignored rows get 0. */
  softmax_xent_bwd_f32(
    dlogits: number,
    probs: number,
    targets: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  /** Σ (pred[i] − target[i])². */
  mse_fwd_f32(pred: number, target: number, n: number): number;
  /** dpred = scale·2·(pred − target). */
  mse_bwd_f32(dpred: number, pred: number, target: number, n: number, scale: number): void;

  // --- Class-weighted cross-entropy; weights f32 [cols] (torch's `weight`), targets as above.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of weights[t]·(−log probs[r, t]). */
  softmax_xent_weighted_fwd_f32(
    probs: number,
    logits: number,
    targets: number,
    weights: number,
    rows: number,
    cols: number,
  ): number;
  /** dlogits = scale·weights[t]·(probs − onehot(t)); ignored rows get 0. */
  softmax_xent_weighted_bwd_f32(
    dlogits: number,
    probs: number,
    targets: number,
    weights: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;

  // --- Elementwise losses over pred, target [rows, cols]; mask f32 [rows] weighs each row (0 = all weigh 1),
  // a row of weight 0 is skipped. Forward returns Σ_r m_r·Σ_c term; backward dpred = scale·m_r·term'.
  /** term (pred − target)². */
  mse_rows_fwd_f32(pred: number, target: number, mask: number, rows: number, cols: number): number;
  mse_rows_bwd_f32(
    dpred: number,
    pred: number,
    target: number,
    mask: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  /** term |pred − target|; term' sign(pred − target), 0 at 0. */
  l1_rows_fwd_f32(pred: number, target: number, mask: number, rows: number, cols: number): number;
  l1_rows_bwd_f32(
    dpred: number,
    pred: number,
    target: number,
    mask: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  /** term 0.5·d² where |d| < delta, else delta·(|d| − 0.5·delta); term' clamp(d, −delta, delta). */
  huber_rows_fwd_f32(
    pred: number,
    target: number,
    mask: number,
    rows: number,
    cols: number,
    delta: number,
  ): number;
  huber_rows_bwd_f32(
    dpred: number,
    pred: number,
    target: number,
    mask: number,
    rows: number,
    cols: number,
    scale: number,
    delta: number,
  ): void;
  /** pred = logits x, target y in [0, 1]: term max(x, 0) − x·y + log(1 + e^−|x|); term' σ(x) − y. */
  bce_logits_rows_fwd_f32(pred: number, target: number, mask: number, rows: number, cols: number): number;
  bce_logits_rows_bwd_f32(
    dpred: number,
    pred: number,
    target: number,
    mask: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;

  // --- Optimizers over a flat slab of n parameters p with gradients g (torch.optim semantics).
  /** SGD; buf is the momentum buffer, `first` = 1 on the step that initialises it; keep = 1 − dampening (host, f64). */
  sgd_f32(
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
  ): void;
  /**
   * Adam (decoupled = 0) or AdamW (decoupled = 1). Computed by the host in f64 and rounded once, as torch does:
   * decay = 1 − lr·weightDecay (AdamW), c1 = 1 − β1, c2 = 1 − β2, stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t).
   */
  adam_f32(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    decay: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    eps: number,
    weightDecay: number,
    stepSize: number,
    bc2Sqrt: number,
    decoupled: number,
  ): void;
  /** Adagrad; clr = lr / (1 + (t − 1)·lrDecay), computed by the host. */
  adagrad_f32(
    p: number,
    g: number,
    sum: number,
    n: number,
    clr: number,
    weightDecay: number,
    eps: number,
  ): void;
  /** RMSprop; gavg used when centered = 1, buf when momentum > 0; c = 1 − α (host, f64). */
  rmsprop_f32(
    p: number,
    g: number,
    sq: number,
    gavg: number,
    buf: number,
    n: number,
    lr: number,
    alpha: number,
    c: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    centered: number,
  ): void;
  /** clip_grad_norm_ (L2): returns the total norm and scales g by min(1, maxNorm / (norm + 1e-6)). */
  clip_grad_norm_f32(g: number, n: number, maxNorm: number): number;
  /** g[i] = clamp(g[i], lo, hi). */
  clip_value_f32(g: number, n: number, lo: number, hi: number): void;

  // --- Gathers for integer token inputs; idx is an i32 array of `count` ids, each checked in range by the caller.
  /** out[i, :] = table[idx[i], :]; out [count, width], table [*, width] (ldt). Embedding lookup. */
  gather_rows_f32(out: number, table: number, idx: number, count: number, width: number, ldt: number): void;
  /** table[idx[i], :] += src[i, :] in order of i (repeated ids accumulate); src [count, width]. */
  scatter_add_rows_f32(
    table: number,
    src: number,
    idx: number,
    count: number,
    width: number,
    ldt: number,
  ): void;
  /** out[i, r] = w[r, idx[i]]; out [count, rows], w [rows, *] (ldw): one-hot input times wᵀ. */
  gather_cols_f32(out: number, w: number, idx: number, count: number, rows: number, ldw: number): void;
  /** w[r, idx[i]] += src[i, r] in order of i; src [count, rows]: the weight gradient of gather_cols_f32. */
  scatter_add_cols_f32(w: number, src: number, idx: number, count: number, rows: number, ldw: number): void;
  /** out[c, r] = w[r, c] + bias[r] (bias 0: a copy); out [cols, rows]: the table that makes gather_cols_f32 +
   * bias_add_f32 a gather_rows_f32, bit for bit. */
  transpose_bias_f32(out: number, w: number, bias: number, rows: number, cols: number, ldw: number): void;

  // --- Recurrent sequence kernels: one direction of one layer, the time loop inside (assembly/cell-*.ts).
  // gates/xproj [T·B, G·H] hold x·W_ihᵀ + b_ih on entry; hs, cs [(T+1)·B, H] are the state histories in time
  // order with the initial state in row 0 (forward) or row T (reverse); out/dout are [T·B] rows of ldo floats
  // (dout 0 = none); h0, c0 [B, H] (0 = zeros); dh, dc [B, H] carry dh_T in and dh_0 out. reverse 1 = backward direction.
  // lengths i32 [B] (1 ≤ len ≤ T, checked by the caller) or 0 = all T: a step t ≥ len[b] is padding — forward holds
  // the state and writes a zero output row, backward passes dh (dc) through and writes zero gate gradients.
  /** LSTM (i, f, g, o): gates become the activations; hproj [B, 4H] scratch. */
  lstm_seq_fwd_f32(
    out: number,
    hs: number,
    cs: number,
    gates: number,
    hproj: number,
    w_hh: number,
    b_hh: number,
    h0: number,
    c0: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** dgates [T·B, 4H] = pre-activation gradients (dXproj = dHproj). */
  lstm_seq_bwd_f32(
    dgates: number,
    dh: number,
    dc: number,
    dout: number,
    gates: number,
    cs: number,
    w_hh: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** lstm_seq_bwd_f32 with wpack [4H·H] scratch (0 = none): where the per-step dh·W_hh GEMM would pack W_hh at
   * every step (H ≥ 512), W_hh is packed into wpack once for the sequence. Same results bit for bit. */
  lstm_seq_bwd_packed_f32(
    dgates: number,
    dh: number,
    dc: number,
    dout: number,
    gates: number,
    cs: number,
    w_hh: number,
    wpack: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** GRU (r, z, n): gates become the activations, hn [T·B, H] gets W_hn·h + b_hn; hproj [B, 3H] scratch. */
  gru_seq_fwd_f32(
    out: number,
    hs: number,
    gates: number,
    hn: number,
    hproj: number,
    w_hh: number,
    b_hh: number,
    h0: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj (they differ in the n gate). */
  gru_seq_bwd_f32(
    dxg: number,
    dhg: number,
    dh: number,
    dout: number,
    gates: number,
    hn: number,
    hs: number,
    w_hh: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** Elman RNN, φ = tanh (relu 0) or relu (relu 1); xproj is read only; hproj [B, H] scratch. */
  rnn_seq_fwd_f32(
    out: number,
    hs: number,
    xproj: number,
    hproj: number,
    w_hh: number,
    b_hh: number,
    h0: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
    relu: number,
  ): void;
  /** dxproj [T·B, H] = pre-activation gradients (dXproj = dHproj). */
  rnn_seq_bwd_f32(
    dxproj: number,
    dh: number,
    dout: number,
    hs: number,
    w_hh: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
    relu: number,
  ): void;

  // --- Attention pooling over time: score grid [T, B] and rows of h [T·B, D] addressed as r = t·st + b·sb.
  /** alpha[·, b] = softmax over t < len[b] of s[·, b], 0 beyond; lengths i32 [B] (1 ≤ len ≤ T) or 0 = all T. */
  softmax_time_f32(
    alpha: number,
    s: number,
    lengths: number,
    T: number,
    B: number,
    st: number,
    sb: number,
  ): void;
  /** ds = alpha ⊙ (dalpha − Σ_t alpha·dalpha) per batch row b. */
  softmax_time_bwd_f32(
    ds: number,
    alpha: number,
    dalpha: number,
    T: number,
    B: number,
    st: number,
    sb: number,
  ): void;
  /** out[b, :] = Σ_t alpha[r]·h[r, :]; out [B, D] is overwritten. */
  wsum_time_f32(
    out: number,
    h: number,
    alpha: number,
    T: number,
    B: number,
    D: number,
    st: number,
    sb: number,
  ): void;
  /** dalpha[r] = dout[b]·h[r, :]; dh[r, :] = alpha[r]·dout[b, :] (overwritten). */
  wsum_time_bwd_f32(
    dh: number,
    dalpha: number,
    h: number,
    alpha: number,
    dout: number,
    T: number,
    B: number,
    D: number,
    st: number,
    sb: number,
  ): void;

  // --- GRU with the reset gate before the recurrent product (ONNX linear_before_reset = 0, Keras reset_after=False).
  /** As gru_seq_fwd_f32, but rh [T·B, H] gets r⊙h_{t−1} (0 on padded steps), the input of the dW_hn GEMM. */
  gru_reset_before_seq_fwd_f32(
    out: number,
    hs: number,
    gates: number,
    rh: number,
    hproj: number,
    w_hh: number,
    b_hh: number,
    h0: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj; the n third of dhg pairs with rh (not H_prev) in dW_hh. */
  gru_reset_before_seq_bwd_f32(
    dxg: number,
    dhg: number,
    dh: number,
    dout: number,
    gates: number,
    hs: number,
    w_hh: number,
    lengths: number,
    T: number,
    B: number,
    H: number,
    ldo: number,
    reverse: number,
  ): void;

  // --- Attention of decoder queries over encoder steps (assembly/attention.ts): q [Tq·B, H], keys/values
  // k, v [Ts·B, H] time-major (row t·B + b); scores s and weights p [Tq·B, Ts], one row of source steps per
  // query. Backward kernels add (+=) into dq, dk, dv, dW; ds and dp are overwritten.
  /** s[r, t] = q[r]·k[t·B + r % B] (Luong dot; general with k already multiplied by W_a). */
  attn_score_dot_f32(s: number, q: number, k: number, Tq: number, Ts: number, B: number, H: number): void;
  /** dq += ds·k, dk += dsᵀ·q per batch row. */
  attn_score_dot_bwd_f32(
    dq: number,
    dk: number,
    ds: number,
    q: number,
    k: number,
    Tq: number,
    Ts: number,
    B: number,
    H: number,
  ): void;
  /** s[r, t] = v·tanh(qp[r] + kp[t·B + r % B]) (Bahdanau); qp [Tq·B, A], kp [Ts·B, A], v [A]. */
  attn_score_add_f32(
    s: number,
    qp: number,
    kp: number,
    v: number,
    Tq: number,
    Ts: number,
    B: number,
    A: number,
  ): void;
  /** dv += ds·tanh(·); dqp, dkp += ds·v·(1 − tanh²(·)). */
  attn_score_add_bwd_f32(
    dqp: number,
    dkp: number,
    dv: number,
    ds: number,
    qp: number,
    kp: number,
    v: number,
    Tq: number,
    Ts: number,
    B: number,
    A: number,
  ): void;
  /** p[r] = softmax over t < len[r % B] of s[r], 0 beyond; lengths i32 [B] (1 ≤ len ≤ Ts) or 0 = all Ts. */
  attn_softmax_f32(p: number, s: number, lengths: number, Tq: number, Ts: number, B: number): void;
  /** ds = p ⊙ (dp − Σ_t p·dp) per row. */
  attn_softmax_bwd_f32(ds: number, p: number, dp: number, Tq: number, Ts: number, B: number): void;
  /** ctx [Tq·B, D] = Σ_t p[r, t]·v[t·B + r % B] (overwritten); v [Ts·B, D]. */
  attn_context_f32(ctx: number, p: number, v: number, Tq: number, Ts: number, B: number, D: number): void;
  /** dp[r, t] = dctx[r]·v[t·B + r % B] (overwritten); dv += pᵀ·dctx per batch row. */
  attn_context_bwd_f32(
    dp: number,
    dv: number,
    dctx: number,
    p: number,
    v: number,
    Tq: number,
    Ts: number,
    B: number,
    D: number,
  ): void;

  // --- Module facts.
  heap_base(): number;
  abi_version(): number;
  isa_relaxed(): number;
}

export type KernelName = keyof Kernels;

/** Parameter count of every export; used to refuse a module that is not this library's (or another version). */
export const KERNEL_ARITY: Readonly<Record<KernelName, number>> = {
  gemm_nn_f32: 10,
  gemm_nt_f32: 10,
  gemm_tn_f32: 10,
  fill_f32: 3,
  copy_f32: 3,
  scale_f32: 4,
  axpy_f32: 4,
  add_f32: 4,
  mul_f32: 4,
  dot_f32: 3,
  sumsq_f32: 2,
  bias_add_f32: 5,
  colsum_f32: 6,
  rowsum_f32: 6,
  dropout_f32: 7,
  sigmoid_f32: 3,
  tanh_f32: 3,
  relu_f32: 3,
  sigmoid_bwd_f32: 4,
  tanh_bwd_f32: 4,
  relu_bwd_f32: 4,
  softmax_xent_fwd_f32: 5,
  softmax_xent_bwd_f32: 6,
  mse_fwd_f32: 3,
  mse_bwd_f32: 5,
  softmax_xent_weighted_fwd_f32: 6,
  softmax_xent_weighted_bwd_f32: 7,
  mse_rows_fwd_f32: 5,
  mse_rows_bwd_f32: 7,
  l1_rows_fwd_f32: 5,
  l1_rows_bwd_f32: 7,
  huber_rows_fwd_f32: 6,
  huber_rows_bwd_f32: 8,
  bce_logits_rows_fwd_f32: 5,
  bce_logits_rows_bwd_f32: 7,
  sgd_f32: 10,
  adam_f32: 15,
  adagrad_f32: 7,
  rmsprop_f32: 13,
  clip_grad_norm_f32: 3,
  clip_value_f32: 4,
  gather_rows_f32: 6,
  scatter_add_rows_f32: 6,
  gather_cols_f32: 6,
  scatter_add_cols_f32: 6,
  transpose_bias_f32: 6,
  lstm_seq_fwd_f32: 15,
  lstm_seq_bwd_f32: 13,
  lstm_seq_bwd_packed_f32: 14,
  gru_seq_fwd_f32: 14,
  gru_seq_bwd_f32: 14,
  rnn_seq_fwd_f32: 14,
  rnn_seq_bwd_f32: 12,
  softmax_time_f32: 7,
  softmax_time_bwd_f32: 7,
  wsum_time_f32: 8,
  wsum_time_bwd_f32: 10,
  gru_reset_before_seq_fwd_f32: 14,
  gru_reset_before_seq_bwd_f32: 13,
  attn_score_dot_f32: 7,
  attn_score_dot_bwd_f32: 9,
  attn_score_add_f32: 8,
  attn_score_add_bwd_f32: 11,
  attn_softmax_f32: 6,
  attn_softmax_bwd_f32: 6,
  attn_context_f32: 7,
  attn_context_bwd_f32: 9,
  heap_base: 0,
  abi_version: 0,
  isa_relaxed: 0,
};

export const ABI_VERSION = 7;
