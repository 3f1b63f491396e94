// Staging a batch for a training or evaluation pass: every check (inputs, lengths, targets against the loss)
// runs before anything is copied into linear memory, then the model's inputs and the loss's targets and mask
// are copied in. The stage() of each model: a SequenceModel's, and a Seq2Seq's (source → target ids). Each
// takes the few members of its model that it calls, so that the models can import it.

import { describe, ShapeError, ValueError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { checkLengths, type InputShape, type ModelInputs } from './sequence-input.ts';
import type { LossTargets, Staged, StageMode, TrainBatch } from './trainable.ts';

/** A reusable [T, B] buffer for loss masks (grown when a batch needs more). */
export class MaskScratch {
  #mask = new Float32Array(0);

  /** The per-step loss mask [T, B]: `given`, or 1 on each row's real steps (from step `from`), else none. */
  make(given: Float32Array | undefined, lengths: Int32Array | undefined, T: number, B: number, from: number) {
    if (given === undefined && lengths === undefined && from === 0) return undefined;
    if (this.#mask.length < T * B) this.#mask = new Float32Array(T * B);
    const m = this.#mask.subarray(0, T * B);
    if (given) m.set(given.subarray(0, T * B));
    else m.fill(1);
    if (lengths) for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) m[t * B + b] = 0;
    m.fill(0, 0, from * B);
    return m;
  }
}

function checkBatch(batch: TrainBatch): Float32Array | Int32Array {
  if (batch === null || typeof batch !== 'object') {
    throw new ValueError(`batch must be { inputs, targets, lengths? } but got ${describe(batch)}`);
  }
  const targets = batch.targets?.data;
  if (!(targets instanceof Float32Array || targets instanceof Int32Array)) {
    throw new ShapeError(
      `batch.targets must be a tensor of Float32Array or Int32Array but got ${describe(targets)}`,
    );
  }
  return targets;
}

/** What stageSequence calls of a SequenceModel (sequence-model.ts). */
export interface SequenceStaging {
  readonly perStep: boolean;
  readonly outputSize: number;
  expand(inputs: Tensor, T: number): Tensor;
  check(inputs: ModelInputs): InputShape;
  outputRows(T: number, B: number): number;
  load(
    inputs: ModelInputs,
    shape: InputShape,
    pass: { backward?: boolean; lengths?: ArrayLike<number>; state?: boolean },
  ): void;
}

export function stageSequence(
  model: SequenceStaging,
  loss: LossTargets,
  masks: MaskScratch,
  batch: TrainBatch,
  mode: StageMode,
): Staged {
  const targets = checkBatch(batch);
  // One-to-many: one vector per sequence, expanded over the targets' steps.
  const inputs = model.expand(batch.inputs as Tensor, batch.targets.shape?.[0] ?? 1);
  const shape = model.check(inputs);
  const { T, B } = shape;
  const lengths = checkLengths(batch.lengths, T, B);
  const rows = model.outputRows(T, B);
  const given = batch.mask;
  if (given !== undefined && (!(given instanceof Float32Array) || given.length < T * B)) {
    throw new ShapeError(
      `batch.mask must be a Float32Array of [T, B] = ${T * B} values but got ${describe(given)}`,
    );
  }
  const mask = model.perStep ? masks.make(given, lengths, T, B, mode.lossFrom ?? 0) : undefined;
  const locate = model.perStep
    ? (r: number) => `batch row ${r % B}, step ${Math.floor(r / B)}`
    : (r: number) => `batch row ${r}`;
  loss.check(targets, rows, model.outputSize, mask, locate);
  const stateful = mode.stateful ?? false;
  model.load(inputs, shape, { backward: mode.training, lengths, state: stateful });
  loss.load(targets, rows, model.outputSize, mask);
  const tokens = lengths ? lengths.reduce((a, b) => a + b, 0) : T * B;
  return { T, B, rows, tokens, stateful };
}

/** What stageSeq2Seq calls of a Seq2Seq (seq2seq.ts). */
export interface Seq2SeqStaging {
  readonly outputSize: number;
  check(source: ModelInputs): InputShape;
  checkTargets(targets: unknown, B: number): number;
  load(
    source: ModelInputs,
    shape: InputShape,
    targets: Int32Array,
    Tt: number,
    pass: { sourceLengths?: ArrayLike<number>; targetLengths?: ArrayLike<number>; backward?: boolean },
  ): void;
}

export function stageSeq2Seq(
  model: Seq2SeqStaging,
  loss: LossTargets,
  masks: MaskScratch,
  batch: TrainBatch,
  mode: StageMode,
): Staged {
  checkBatch(batch);
  if (!loss.config.classTargets) {
    throw new ValueError(
      `a Seq2Seq predicts target tokens: its loss must be cross_entropy but is ${loss.config.kind}`,
    );
  }
  if (mode.stateful)
    throw new ValueError('a Seq2Seq starts each batch from its encoder; it cannot be stateful');
  const shape = model.check(batch.inputs);
  const { T: Ts, B } = shape;
  const Tt = model.checkTargets(batch.targets, B);
  const sourceLengths = checkLengths(batch.lengths, Ts, B);
  const targetLengths = checkLengths(batch.targetLengths, Tt, B);
  const targets = batch.targets.data as Int32Array;
  const rows = Tt * B;
  const mask = masks.make(undefined, targetLengths, Tt, B, 0);
  loss.check(
    targets,
    rows,
    model.outputSize,
    mask,
    (r) => `batch row ${r % B}, target step ${Math.floor(r / B)}`,
  );
  model.load(batch.inputs, shape, targets, Tt, { sourceLengths, targetLengths, backward: mode.training });
  loss.load(targets, rows, model.outputSize, mask);
  const tokens = targetLengths ? targetLengths.reduce((a, b) => a + b, 0) : rows;
  return { T: Tt, B, rows, tokens, stateful: false };
}
