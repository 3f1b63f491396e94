// The kernel ABI, declared once: every kernel's name, parameters and result, and the ABI version. The
// WebAssembly builds (assembly/) export exactly these functions and the TypeScript twin (this folder) implements
// them; the `Kernels` type, the arity table and the tape ids of the thread pool are derived from this table, and
// test/kernel-abi.test.ts reads the compiled modules' exports and checks them against it. A new kernel is one row
// here (appended, so that existing ids stay put), its AssemblyScript export, its twin, and an ABI_VERSION bump.
//
// Pointers are byte offsets into the runtime's memory, 16-byte aligned when they start a buffer; sizes and
// leading dimensions (ld*) count elements. Row-major throughout. The out pointer comes first.
// The `simd` build and the TypeScript twin are bit-identical: same operation order, every f32 operation rounded.

export { ABI_VERSION } from './abi-version.ts';

/** What a kernel returns: nothing, or one f32 / i32 (a sum, a norm, a module fact). */
export type KernelResult = 'void' | 'f32' | 'i32';

/** One row of the table: the parameter names in order (all numbers: pointers, sizes, scalars) and the result. */
export interface KernelSignature<
  P extends readonly string[] = readonly string[],
  R extends KernelResult = KernelResult,
> {
  readonly params: P;
  readonly result: R;
}

function kernel<const P extends readonly string[], R extends KernelResult = 'void'>(
  params: P,
  result: R = 'void' as R,
): KernelSignature<P, R> {
  return { params, result };
}

export const KERNEL_SIGNATURES = {
  // --- GEMM: c [m,n] (ldc); `accumulate` 1 adds to c, 0 overwrites it (c is then never read).
  /** c (+)= a·b; a [m,k] (lda), b [k,n] (ldb). */
  gemm_nn_f32: kernel(['c', 'a', 'b', 'm', 'n', 'k', 'lda', 'ldb', 'ldc', 'accumulate']),
  /** c (+)= a·bᵀ; a [m,k] (lda), b [n,k] (ldb). */
  gemm_nt_f32: kernel(['c', 'a', 'b', 'm', 'n', 'k', 'lda', 'ldb', 'ldc', 'accumulate']),
  /** c (+)= aᵀ·b; a [k,m] (lda), b [k,n] (ldb). */
  gemm_tn_f32: kernel(['c', 'a', 'b', 'm', 'n', 'k', 'lda', 'ldb', 'ldc', 'accumulate']),

  // --- Vectors and reductions: x, y, out [n] unless stated; out may alias an input.
  /** out[i] = value. */
  fill_f32: kernel(['out', 'value', 'n']),
  /** out[i] = x[i]; the regions must not overlap unless out === x. */
  copy_f32: kernel(['out', 'x', 'n']),
  /** out[i] = alpha·x[i]. */
  scale_f32: kernel(['out', 'x', 'alpha', 'n']),
  /** y[i] += alpha·x[i]. */
  axpy_f32: kernel(['y', 'x', 'alpha', 'n']),
  /** out[i] = a[i] + b[i]. */
  add_f32: kernel(['out', 'a', 'b', 'n']),
  /** out[i] = a[i]·b[i]. */
  mul_f32: kernel(['out', 'a', 'b', 'n']),
  /** Σ a[i]·b[i]. */
  dot_f32: kernel(['a', 'b', 'n'], 'f32'),
  /** Σ x[i]². */
  sumsq_f32: kernel(['x', 'n'], 'f32'),
  /** out[r,c] += bias[c]; out [rows,cols] (ld), bias [cols]. */
  bias_add_f32: kernel(['out', 'bias', 'rows', 'cols', 'ld']),
  /** out[c] (+)= Σ_r x[r,c]; x [rows,cols] (ld), out [cols]. Bias gradients. */
  colsum_f32: kernel(['out', 'x', 'rows', 'cols', 'ld', 'accumulate']),
  /** out[r] (+)= Σ_c x[r,c]; x [rows,cols] (ld), out [rows]. */
  rowsum_f32: kernel(['out', 'x', 'rows', 'cols', 'ld', 'accumulate']),
  /**
   * Inverted dropout: mask[i] = (next sfc32 draw < keep) ? scale : 0, out[i] = x[i]·mask[i]; state is the
   * generator's 4 × u32, advanced in place; keep = (1 − p)·2³² as u32 (passed as i32), scale = 1/(1 − p).
   */
  dropout_f32: kernel(['out', 'x', 'mask', 'state', 'n', 'keep', 'scale']),

  // --- Activations, fused over a buffer of n floats. Backward takes the forward *output* y.
  sigmoid_f32: kernel(['out', 'x', 'n']),
  tanh_f32: kernel(['out', 'x', 'n']),
  relu_f32: kernel(['out', 'x', 'n']),
  /** dx = dy·y·(1−y). */
  sigmoid_bwd_f32: kernel(['dx', 'y', 'dy', 'n']),
  /** dx = dy·(1−y²). */
  tanh_bwd_f32: kernel(['dx', 'y', 'dy', 'n']),
  /** dx = y > 0 ? dy : 0. */
  relu_bwd_f32: kernel(['dx', 'y', 'dy', 'n']),

  // --- Losses. logits/probs [rows,cols]; targets i32 [rows], a target outside [0,cols) is ignored.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of −log probs[r, target[r]]. */
  softmax_xent_fwd_f32: kernel(['probs', 'logits', 'targets', 'rows', 'cols'], 'f32'),
  /** dlogits = scale·(probs − onehot(target)); ignored rows get 0. */
  softmax_xent_bwd_f32: kernel(['dlogits', 'probs', 'targets', 'rows', 'cols', 'scale']),
  /** Σ (pred[i] − target[i])². */
  mse_fwd_f32: kernel(['pred', 'target', 'n'], 'f32'),
  /** dpred = scale·2·(pred − target). */
  mse_bwd_f32: kernel(['dpred', 'pred', 'target', 'n', 'scale']),

  // --- Class-weighted cross-entropy; weights f32 [cols] (torch's `weight`), targets as above.
  /** probs = softmax(logits) per row; returns Σ over non-ignored rows of weights[t]·(−log probs[r, t]). */
  softmax_xent_weighted_fwd_f32: kernel(['probs', 'logits', 'targets', 'weights', 'rows', 'cols'], 'f32'),
  /** dlogits = scale·weights[t]·(probs − onehot(t)); ignored rows get 0. */
  softmax_xent_weighted_bwd_f32: kernel(['dlogits', 'probs', 'targets', 'weights', 'rows', 'cols', 'scale']),

  // --- Elementwise losses over pred, target [rows, cols]; mask f32 [rows] weighs each row (0 = all weigh 1),
  // a row of weight 0 is skipped. Forward returns Σ_r m_r·Σ_c term; backward dpred = scale·m_r·term'.
  /** term (pred − target)². */
  mse_rows_fwd_f32: kernel(['pred', 'target', 'mask', 'rows', 'cols'], 'f32'),
  mse_rows_bwd_f32: kernel(['dpred', 'pred', 'target', 'mask', 'rows', 'cols', 'scale']),
  /** term |pred − target|; term' sign(pred − target), 0 at 0. */
  l1_rows_fwd_f32: kernel(['pred', 'target', 'mask', 'rows', 'cols'], 'f32'),
  l1_rows_bwd_f32: kernel(['dpred', 'pred', 'target', 'mask', 'rows', 'cols', 'scale']),
  /** term 0.5·d² where |d| < delta, else delta·(|d| − 0.5·delta); term' clamp(d, −delta, delta). */
  huber_rows_fwd_f32: kernel(['pred', 'target', 'mask', 'rows', 'cols', 'delta'], 'f32'),
  huber_rows_bwd_f32: kernel(['dpred', 'pred', 'target', 'mask', 'rows', 'cols', 'scale', 'delta']),
  /** pred = logits x, target y in [0, 1]: term max(x, 0) − x·y + log(1 + e^−|x|); term' σ(x) − y. */
  bce_logits_rows_fwd_f32: kernel(['pred', 'target', 'mask', 'rows', 'cols'], 'f32'),
  bce_logits_rows_bwd_f32: kernel(['dpred', 'pred', 'target', 'mask', 'rows', 'cols', 'scale']),

  // --- Optimizers over a flat slab of n parameters p with gradients g (torch.optim semantics).
  /** SGD; buf is the momentum buffer, `first` = 1 on the step that initialises it; keep = 1 − dampening (host, f64). */
  sgd_f32: kernel(['p', 'g', 'buf', 'n', 'lr', 'momentum', 'keep', 'weightDecay', 'nesterov', 'first']),
  /**
   * Adam (decoupled = 0) or AdamW (decoupled = 1). Computed by the host in f64 and rounded once, as torch does:
   * decay = 1 − lr·weightDecay (AdamW), c1 = 1 − β1, c2 = 1 − β2, stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t).
   */
  adam_f32: kernel([
    'p',
    'g',
    'm',
    'v',
    'n',
    'decay',
    'beta1',
    'c1',
    'beta2',
    'c2',
    'eps',
    'weightDecay',
    'stepSize',
    'bc2Sqrt',
    'decoupled',
  ]),
  /** Adagrad; clr = lr / (1 + (t − 1)·lrDecay), computed by the host. */
  adagrad_f32: kernel(['p', 'g', 'sum', 'n', 'clr', 'weightDecay', 'eps']),
  /** RMSprop; gavg used when centered = 1, buf when momentum > 0; c = 1 − α (host, f64). */
  rmsprop_f32: kernel([
    'p',
    'g',
    'sq',
    'gavg',
    'buf',
    'n',
    'lr',
    'alpha',
    'c',
    'eps',
    'weightDecay',
    'momentum',
    'centered',
  ]),
  /** clip_grad_norm_ (L2): returns the total norm and scales g by min(1, maxNorm / (norm + 1e-6)). */
  clip_grad_norm_f32: kernel(['g', 'n', 'maxNorm'], 'f32'),
  /** g[i] = clamp(g[i], lo, hi). */
  clip_value_f32: kernel(['g', 'n', 'lo', 'hi']),

  // --- Gathers for integer token inputs; idx is an i32 array of `count` ids, each checked in range by the caller.
  /** out[i, :] = table[idx[i], :]; out [count, width], table [*, width] (ldt). Embedding lookup. */
  gather_rows_f32: kernel(['out', 'table', 'idx', 'count', 'width', 'ldt']),
  /** table[idx[i], :] += src[i, :] in order of i (repeated ids accumulate); src [count, width]. */
  scatter_add_rows_f32: kernel(['table', 'src', 'idx', 'count', 'width', 'ldt']),
  /** out[i, r] = w[r, idx[i]]; out [count, rows], w [rows, *] (ldw): one-hot input times wᵀ. */
  gather_cols_f32: kernel(['out', 'w', 'idx', 'count', 'rows', 'ldw']),
  /** w[r, idx[i]] += src[i, r] in order of i; src [count, rows]: the weight gradient of gather_cols_f32. */
  scatter_add_cols_f32: kernel(['w', 'src', 'idx', 'count', 'rows', 'ldw']),
  /** out[c, r] = w[r, c] + bias[r] (bias 0: a copy); out [cols, rows]: the table that makes gather_cols_f32 +
   * bias_add_f32 a gather_rows_f32, bit for bit. */
  transpose_bias_f32: kernel(['out', 'w', 'bias', 'rows', 'cols', 'ldw']),

  // --- Recurrent sequence kernels: one direction of one layer, the time loop inside (assembly/cell-*.ts).
  // gates/xproj [T·B, G·H] hold x·W_ihᵀ + b_ih on entry; hs, cs [(T+1)·B, H] are the state histories in time
  // order with the initial state in row 0 (forward) or row T (reverse); out/dout are [T·B] rows of ldo floats
  // (dout 0 = none); h0, c0 [B, H] (0 = zeros); dh, dc [B, H] carry dh_T in and dh_0 out. reverse 1 = backward direction.
  // lengths i32 [B] (1 ≤ len ≤ T, checked by the caller) or 0 = all T: a step t ≥ len[b] is padding — forward holds
  // the state and writes a zero output row, backward passes dh (dc) through and writes zero gate gradients.
  /** LSTM (i, f, g, o): gates become the activations; hproj [B, 4H] scratch. */
  lstm_seq_fwd_f32: kernel([
    'out',
    'hs',
    'cs',
    'gates',
    'hproj',
    'w_hh',
    'b_hh',
    'h0',
    'c0',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),
  /** dgates [T·B, 4H] = pre-activation gradients (dXproj = dHproj). */
  lstm_seq_bwd_f32: kernel([
    'dgates',
    'dh',
    'dc',
    'dout',
    'gates',
    'cs',
    'w_hh',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),
  /** GRU (r, z, n): gates become the activations, hn [T·B, H] gets W_hn·h + b_hn; hproj [B, 3H] scratch. */
  gru_seq_fwd_f32: kernel([
    'out',
    'hs',
    'gates',
    'hn',
    'hproj',
    'w_hh',
    'b_hh',
    'h0',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj (they differ in the n gate). */
  gru_seq_bwd_f32: kernel([
    'dxg',
    'dhg',
    'dh',
    'dout',
    'gates',
    'hn',
    'hs',
    'w_hh',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),
  /** Elman RNN, φ = tanh (relu 0) or relu (relu 1); xproj is read only; hproj [B, H] scratch. */
  rnn_seq_fwd_f32: kernel([
    'out',
    'hs',
    'xproj',
    'hproj',
    'w_hh',
    'b_hh',
    'h0',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
    'relu',
  ]),
  /** dxproj [T·B, H] = pre-activation gradients (dXproj = dHproj). */
  rnn_seq_bwd_f32: kernel([
    'dxproj',
    'dh',
    'dout',
    'hs',
    'w_hh',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
    'relu',
  ]),

  // --- Attention pooling over time: score grid [T, B] and rows of h [T·B, D] addressed as r = t·st + b·sb.
  /** alpha[·, b] = softmax over t < len[b] of s[·, b], 0 beyond; lengths i32 [B] (1 ≤ len ≤ T) or 0 = all T. */
  softmax_time_f32: kernel(['alpha', 's', 'lengths', 'T', 'B', 'st', 'sb']),
  /** ds = alpha ⊙ (dalpha − Σ_t alpha·dalpha) per batch row b. */
  softmax_time_bwd_f32: kernel(['ds', 'alpha', 'dalpha', 'T', 'B', 'st', 'sb']),
  /** out[b, :] = Σ_t alpha[r]·h[r, :]; out [B, D] is overwritten. */
  wsum_time_f32: kernel(['out', 'h', 'alpha', 'T', 'B', 'D', 'st', 'sb']),
  /** dalpha[r] = dout[b]·h[r, :]; dh[r, :] = alpha[r]·dout[b, :] (overwritten). */
  wsum_time_bwd_f32: kernel(['dh', 'dalpha', 'h', 'alpha', 'dout', 'T', 'B', 'D', 'st', 'sb']),

  // --- GRU with the reset gate before the recurrent product (ONNX linear_before_reset = 0, Keras reset_after=False).
  /** As gru_seq_fwd_f32, but rh [T·B, H] gets r⊙h_{t−1} (0 on padded steps), the input of the dW_hn GEMM. */
  gru_reset_before_seq_fwd_f32: kernel([
    'out',
    'hs',
    'gates',
    'rh',
    'hproj',
    'w_hh',
    'b_hh',
    'h0',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),
  /** dxg, dhg [T·B, 3H] = dXproj, dHproj; the n third of dhg pairs with rh (not H_prev) in dW_hh. */
  gru_reset_before_seq_bwd_f32: kernel([
    'dxg',
    'dhg',
    'dh',
    'dout',
    'gates',
    'hs',
    'w_hh',
    'lengths',
    'T',
    'B',
    'H',
    'ldo',
    'reverse',
  ]),

  // --- Attention of decoder queries over encoder steps (assembly/attention.ts): q [Tq·B, H], keys/values
  // k, v [Ts·B, H] time-major (row t·B + b); scores s and weights p [Tq·B, Ts], one row of source steps per
  // query. Backward kernels add (+=) into dq, dk, dv, dW; ds and dp are overwritten.
  /** s[r, t] = q[r]·k[t·B + r % B] (Luong dot; general with k already multiplied by W_a). */
  attn_score_dot_f32: kernel(['s', 'q', 'k', 'Tq', 'Ts', 'B', 'H']),
  /** dq += ds·k, dk += dsᵀ·q per batch row. */
  attn_score_dot_bwd_f32: kernel(['dq', 'dk', 'ds', 'q', 'k', 'Tq', 'Ts', 'B', 'H']),
  /** s[r, t] = v·tanh(qp[r] + kp[t·B + r % B]) (Bahdanau); qp [Tq·B, A], kp [Ts·B, A], v [A]. */
  attn_score_add_f32: kernel(['s', 'qp', 'kp', 'v', 'Tq', 'Ts', 'B', 'A']),
  /** dv += ds·tanh(·); dqp, dkp += ds·v·(1 − tanh²(·)). */
  attn_score_add_bwd_f32: kernel(['dqp', 'dkp', 'dv', 'ds', 'qp', 'kp', 'v', 'Tq', 'Ts', 'B', 'A']),
  /** p[r] = softmax over t < len[r % B] of s[r], 0 beyond; lengths i32 [B] (1 ≤ len ≤ Ts) or 0 = all Ts. */
  attn_softmax_f32: kernel(['p', 's', 'lengths', 'Tq', 'Ts', 'B']),
  /** ds = p ⊙ (dp − Σ_t p·dp) per row. */
  attn_softmax_bwd_f32: kernel(['ds', 'p', 'dp', 'Tq', 'Ts', 'B']),
  /** ctx [Tq·B, D] = Σ_t p[r, t]·v[t·B + r % B] (overwritten); v [Ts·B, D]. */
  attn_context_f32: kernel(['ctx', 'p', 'v', 'Tq', 'Ts', 'B', 'D']),
  /** dp[r, t] = dctx[r]·v[t·B + r % B] (overwritten); dv += pᵀ·dctx per batch row. */
  attn_context_bwd_f32: kernel(['dp', 'dv', 'dctx', 'p', 'v', 'Tq', 'Ts', 'B', 'D']),

  // --- Module facts.
  heap_base: kernel([], 'i32'),
  abi_version: kernel([], 'i32'),
  isa_relaxed: kernel([], 'i32'),
};

export type KernelName = keyof typeof KERNEL_SIGNATURES;

/** A row as a function type: one number per parameter; a number back unless the kernel returns nothing. */
type KernelFunction<S> =
  S extends KernelSignature<infer P, infer R>
    ? (...args: { -readonly [I in keyof P]: number }) => R extends 'void' ? void : number
    : never;

/** The kernel table of a runtime: the WebAssembly exports, or the TypeScript twin bound to its memory. */
export type Kernels = {
  [K in keyof typeof KERNEL_SIGNATURES]: KernelFunction<(typeof KERNEL_SIGNATURES)[K]>;
};

/** Kernel names in table order: a kernel's position is its id on the thread pool's tapes. */
export const KERNEL_NAMES = Object.keys(KERNEL_SIGNATURES) as KernelName[];

/** Parameter count of every kernel; used to refuse a module that is not this library's (or another version). */
export const KERNEL_ARITY = Object.fromEntries(
  KERNEL_NAMES.map((name) => [name, KERNEL_SIGNATURES[name].params.length]),
) as Readonly<Record<KernelName, number>>;
