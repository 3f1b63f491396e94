// A loss over model outputs that stay in linear memory: targets (and the step mask of a padded batch) are
// copied in once per batch, then forward and backward are one kernel call each (torch.nn.functional semantics).
// Padded steps (mask 0) and ignored class ids count for nothing, in the loss and in its denominator.

import { Workspace } from '../model/workspace.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { checkTargets, type Locate, type LossConfig, type LossSpec, lossConfig } from './loss-spec.ts';

export class Loss {
  readonly rt: Runtime;
  readonly config: LossConfig;
  readonly #ws: Workspace;
  #rows = 0;
  #cols = 0;
  #masked = false;
  /** What 'mean' divides by: counted elements, or Σ class weights of the counted targets. */
  #count = 0;

  constructor(rt: Runtime, spec: LossSpec) {
    this.rt = rt;
    this.config = lossConfig(spec);
    this.#ws = new Workspace(rt);
    const w = this.config.classWeights;
    if (w) {
      const at = this.#ws.need('weights', w.length) >> 2;
      this.rt.arena.memoryF32.set(w, at);
    }
  }

  /** Checks targets against outputs of `cols` per row; throws a typed error naming the bad element. */
  check(
    targets: Float32Array | Int32Array,
    rows: number,
    cols: number,
    mask?: Float32Array,
    locate: Locate = (r) => `row ${r}`,
  ): void {
    checkTargets(this.config, targets, rows, cols, mask, locate);
  }

  /** Copies checked targets (and the row mask, 0 = padding) in for the next compute(). */
  load(targets: Float32Array | Int32Array, rows: number, cols: number, mask?: Float32Array): void {
    const c = this.config;
    const ws = this.#ws;
    this.#rows = rows;
    this.#cols = cols;
    if (c.classTargets) {
      const t = ws.need('targets', rows) >> 2;
      const i32 = this.rt.arena.memoryI32;
      const w = c.classWeights;
      let count = 0;
      for (let r = 0; r < rows; r++) {
        const id = targets[r];
        const counted = id !== c.ignoreIndex && !(mask && mask[r] === 0);
        // Ignored and padded rows become −1, which the kernels skip.
        i32[t + r] = counted ? id : -1;
        if (counted) count += w ? w[id] : 1;
      }
      this.#count = count;
      this.#masked = false;
      return;
    }
    const at = ws.need('targets', rows * cols) >> 2;
    const mp = mask ? ws.need('mask', rows) >> 2 : 0;
    this.rt.arena.memoryF32.set(targets, at);
    this.#masked = mask !== undefined;
    if (mask) {
      this.rt.arena.memoryF32.set(mask.subarray(0, rows), mp);
      let m = 0;
      for (let r = 0; r < rows; r++) m += mask[r];
      this.#count = m * cols;
    } else this.#count = rows * cols;
  }

  /** The reduced loss of the outputs at `pred` [rows, cols] against the loaded targets; nothing is written. */
  value(pred: number): number {
    return this.#reduce(pred, 0, this.#count);
  }

  /**
   * The reduced loss of the outputs at `pred` [rows, cols], and its gradient ∂loss/∂pred written over them (what
   * a model's backward() reads from its `output`). `count` is what 'mean' divides by, default what load()
   * counted (a shard of a batch passes the whole batch's).
   */
  valueAndGrad(pred: number, count = this.#count): number {
    return this.#reduce(pred, pred, count);
  }

  /** The loss; with `grad` (0 = none), its gradient there. Cross-entropy keeps its probabilities in grad, or scratch. */
  #reduce(pred: number, grad: number, count: number): number {
    const c = this.config;
    const k = this.rt.kernels;
    const rows = this.#rows;
    const cols = this.#cols;
    const ws = this.#ws;
    const t = ws.ptr('targets');
    const scale = c.reduction === 'sum' ? 1 : count > 0 ? 1 / count : 0;
    let sum: number;
    if (c.classTargets) {
      const probs = grad || ws.need('probs', rows * cols);
      const w = ws.ptr('weights');
      sum = w
        ? k.softmax_xent_weighted_fwd_f32(probs, pred, t, w, rows, cols)
        : k.softmax_xent_fwd_f32(probs, pred, t, rows, cols);
      if (grad) {
        if (w) k.softmax_xent_weighted_bwd_f32(grad, probs, t, w, rows, cols, scale);
        else k.softmax_xent_bwd_f32(grad, probs, t, rows, cols, scale);
      }
      return sum * scale;
    }
    const m = this.#masked ? ws.ptr('mask') : 0;
    switch (c.kind) {
      case 'mse':
        sum = k.mse_rows_fwd_f32(pred, t, m, rows, cols);
        if (grad) k.mse_rows_bwd_f32(grad, pred, t, m, rows, cols, scale);
        break;
      case 'mae':
        sum = k.l1_rows_fwd_f32(pred, t, m, rows, cols);
        if (grad) k.l1_rows_bwd_f32(grad, pred, t, m, rows, cols, scale);
        break;
      case 'huber':
        sum = k.huber_rows_fwd_f32(pred, t, m, rows, cols, c.delta);
        if (grad) k.huber_rows_bwd_f32(grad, pred, t, m, rows, cols, scale, c.delta);
        break;
      default:
        sum = k.bce_logits_rows_fwd_f32(pred, t, m, rows, cols);
        if (grad) k.bce_logits_rows_bwd_f32(grad, pred, t, m, rows, cols, scale);
    }
    return sum * scale;
  }

  /** Elements (or class weight) the last load() counted: what 'mean' divides by. */
  get count(): number {
    return this.#count;
  }

  dispose(): void {
    this.#ws.free();
  }
}

export interface LossResult {
  loss: number;
  /** ∂loss/∂pred, shaped like pred. */
  grad: Float32Array;
}

/**
 * The loss of `pred` [rows, cols] (the last axis is cols) against targets, and its gradient: the functional
 * form of Loss, for tests and one-off use. Targets are class ids [rows] for cross-entropy, else like pred.
 */
export function lossValue(
  rt: Runtime,
  spec: LossSpec,
  pred: { data: Float32Array; shape: readonly number[] },
  targets: Float32Array | Int32Array,
  mask?: Float32Array,
): LossResult {
  const cols = pred.shape[pred.shape.length - 1];
  const rows = pred.data.length / cols;
  const loss = new Loss(rt, spec);
  const ws = new Workspace(rt);
  try {
    loss.check(targets, rows, cols, mask);
    loss.load(targets, rows, cols, mask);
    const p = ws.need('pred', rows * cols);
    rt.arena.f32At(p, rows * cols).set(pred.data);
    const value = loss.valueAndGrad(p);
    return { loss: value, grad: rt.arena.f32At(p, rows * cols).slice() };
  } finally {
    ws.free();
    loss.dispose();
  }
}
