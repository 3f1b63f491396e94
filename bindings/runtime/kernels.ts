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

  // --- Optimizers over a flat slab of n parameters p with gradients g (torch.optim semantics).
  /** SGD; buf is the momentum buffer, `first` = 1 on the step that initialises it. */
  sgd_f32(
    p: number,
    g: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: number,
    first: number,
  ): void;
  /** Adam (decoupled = 0) or AdamW (decoupled = 1); stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t), computed by the host. */
  adam_f32(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
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
  /** RMSprop; gavg used when centered = 1, buf when momentum > 0. */
  rmsprop_f32(
    p: number,
    g: number,
    sq: number,
    gavg: number,
    buf: number,
    n: number,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    centered: number,
  ): void;
  /** clip_grad_norm_ (L2): returns the total norm and scales g by min(1, maxNorm / (norm + 1e-6)). */
  clip_grad_norm_f32(g: number, n: number, maxNorm: number): number;
  /** g[i] = clamp(g[i], lo, hi). */
  clip_value_f32(g: number, n: number, lo: number, hi: number): void;

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
  sgd_f32: 10,
  adam_f32: 13,
  adagrad_f32: 7,
  rmsprop_f32: 12,
  clip_grad_norm_f32: 3,
  clip_value_f32: 4,
  heap_base: 0,
  abi_version: 0,
  isa_relaxed: 0,
};

export const ABI_VERSION = 1;
