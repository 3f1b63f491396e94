// One shard of a data-parallel batch: a replica of the model that reads the main model's parameters and owns
// its gradients, workspaces and loss, so that shards never write the same memory. A shard is given a block of
// batch rows, copies them in (stage), and writes down the kernels of its zeroGrad, forward, loss and backward
// (record) for any thread to replay.

import { SequenceModel } from '../model/sequence-model.ts';
import { MaskScratch } from '../model/staging.ts';
import type { TapeRecorder } from '../runtime/threads/tape-recorder.ts';
import { Loss } from '../train/loss.ts';
import type { LossSpec } from '../train/loss-spec.ts';

/** Rows [start, end) of shard s of `shards` over B batch rows: sizes differ by at most one, larger first. */
export function shardRows(B: number, shards: number, s: number): [number, number] {
  const q = Math.floor(B / shards);
  const r = B % shards;
  const start = s * q + Math.min(s, r);
  return [start, start + q + (s < r ? 1 : 0)];
}

type Rows = Float32Array | Int32Array;

/** A reusable array of `length` elements like `like`: grown, never shrunk, so steps do not allocate. */
function room<A extends Rows>(have: A | undefined, like: A, length: number): A {
  if (have !== undefined && have.constructor === like.constructor && have.length >= length) {
    return have.subarray(0, length) as A;
  }
  return new (like.constructor as new (n: number) => A)(length);
}

/**
 * Rows [start, end) of a [T, B, W] batch (or [B, T, W] when batchFirst) and a time-major [T, end − start, W] part:
 * from the batch into the part, or (`back`) from the part into the batch.
 */
export function copyRows(
  batch: Rows,
  part: Rows,
  T: number,
  B: number,
  W: number,
  start: number,
  end: number,
  batchFirst = false,
  back = false,
): void {
  const n = end - start;
  for (let t = 0; t < T; t++) {
    if (!batchFirst) {
      const at = (t * B + start) * W;
      if (back) batch.set(part.subarray(t * n * W, (t + 1) * n * W), at);
      else part.set(batch.subarray(at, at + n * W), t * n * W);
      continue;
    }
    for (let b = start; b < end; b++) {
      const at = (b * T + t) * W;
      const local = (t * n + b - start) * W;
      if (back) batch.set(part.subarray(local, local + W), at);
      else part.set(batch.subarray(at, at + W), local);
    }
  }
}

/** What every shard reads of a checked batch: time-major inputs (one-to-many ones expanded), targets, mask. */
export interface ShardSource {
  inputs: Rows;
  targets: Rows;
  /** The batch's own [T, B] step mask, if it gave one. */
  mask: Float32Array | undefined;
  lengths: Int32Array | undefined;
  T: number;
  B: number;
}

export class Shard {
  readonly model: SequenceModel;
  readonly loss: Loss;
  readonly #masks = new MaskScratch();
  #inputs: Rows | undefined;
  #targets: Rows | undefined;
  #mask: Float32Array | undefined;

  constructor(main: SequenceModel, recorder: TapeRecorder, loss: LossSpec) {
    this.model = new SequenceModel(recorder.rt, main.config.options, main.slab);
    this.loss = new Loss(recorder.rt, loss);
  }

  /** Copies rows [start, end) of a checked batch into this shard's model and loss, as the Trainer stages one. */
  stage(src: ShardSource, start: number, end: number): void {
    const model = this.model;
    const { T, B, inputs: x, targets: y } = src;
    const width = x.length / (T * B);
    const n = end - start;
    const inputs = room(this.#inputs, x, T * n * width);
    copyRows(x, inputs, T, B, width, start, end);
    this.#inputs = inputs;
    const lengths = src.lengths?.subarray(start, end);
    const shape =
      model.config.input.kind === 'tokens' || model.config.input.kind === 'embedding'
        ? [T, n]
        : [T, n, width];
    model.load({ data: inputs, shape }, { T, B: n }, { backward: true, training: true, lengths });
    const perRow = y.length / (model.perStep ? T * B : B);
    let targets: Rows;
    let mask: Float32Array | undefined;
    if (model.perStep) {
      targets = room(this.#targets, y, T * n * perRow);
      copyRows(y, targets, T, B, perRow, start, end);
      this.#targets = targets;
      let given: Float32Array | undefined;
      if (src.mask !== undefined) {
        given = room(this.#mask, src.mask, T * n);
        copyRows(src.mask, given, T, B, 1, start, end);
        this.#mask = given;
      }
      mask = this.#masks.make(given, lengths, T, n, 0);
    } else targets = y.subarray(start * perRow, end * perRow);
    this.loss.load(targets, model.outputRows(T, n), model.outputSize, mask);
  }

  /**
   * Writes down this shard's step: zero its gradients, forward, the loss over `count` (the whole batch's, so
   * that shard gradients add up to the batch's) and backward. Returns the tape and the loss's scale: the
   * shard's loss is the tape's result times the scale.
   */
  record(recorder: TapeRecorder, count: number): { tape: Float64Array; scale: number } {
    const model = this.model;
    let scale = 0;
    const tape = recorder.record((capture) => {
      model.zeroGrad();
      model.forward();
      scale = capture(() => this.loss.valueAndGrad(model.output, count));
      model.backward();
    });
    return { tape, scale };
  }

  dispose(): void {
    this.loss.dispose();
    this.model.dispose();
  }
}
