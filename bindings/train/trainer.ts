// The Trainer: one model, one loss, one optimizer (and schedule, clipping) — PyTorch's training loop with
// Keras's conveniences. step(batch) is one forward + BPTT + update, usable in a custom loop; fit() runs epochs
// (fit.ts); evaluate() and predict() run without updating. Everything is checked before any kernel runs, a
// step whose loss or gradient is not finite throws a NonFiniteError before the optimizer touches the weights,
// and one whose update makes a weight or optimizer buffer non-finite is undone and throws (update-guard.ts).

import type { TbpttStream } from '../data/stream.ts';
import { describe, ValueError } from '../errors.ts';
import type { LoadOptions } from '../io/load-options.ts';
import { checkSavedModel } from '../io/model-save.ts';
import type { Seq2Seq } from '../model/seq2seq.ts';
import type { InputShape, ModelInputs } from '../model/sequence-input.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import type { Tensor } from '../tensor.ts';
import { knownKeys, optionsObject } from '../validate.ts';
import type { History } from './callbacks.ts';
import { applyCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { clipGradNorm, clipGradValue } from './clip.ts';
import { type EvaluateOptions, type Evaluation, evaluateDataset } from './evaluate.ts';
import { type FitData, type FitOptions, runFit } from './fit.ts';
import { checkGradients, checkLoss } from './guard.ts';
import { Loss } from './loss.ts';
import type { LossSpec } from './loss-spec.ts';
import type { Optimizer } from './optimizers.ts';
import type { PairData } from './pairs.ts';
import { ReduceLROnPlateau } from './schedules.ts';
import { isSeq2Seq, MaskScratch, stageSeq2Seq, stageSequence } from './stage.ts';
import {
  type ClipOptions,
  checkClip,
  makeOptimizer,
  makeSchedule,
  type OptimizerSpec,
  type Schedule,
  type ScheduleSpec,
} from './trainer-options.ts';
import { describeLoss, describeOptimizer, describeSchedule, type TrainerSpec } from './trainer-spec.ts';
import { UpdateGuard } from './update-guard.ts';

/** One batch, time-major: what collate() and batches() give. */
export interface TrainBatch {
  inputs: ModelInputs;
  /** Per step: floats [T, B, O] or class ids [T, B]; per sequence: floats [B, O] or class ids [B]. */
  targets: Tensor<Float32Array | Int32Array>;
  /** Real steps of each row [B] (a padded batch; a Seq2Seq's source); absent = all T. */
  lengths?: Int32Array;
  /** A Seq2Seq's real target steps [B]; absent = all Tt. */
  targetLengths?: Int32Array;
  /** [T, B]: 1 for a real step, 0 for padding; derived from lengths when absent. */
  mask?: Float32Array;
}

export interface TrainerOptions {
  loss: LossSpec;
  /** Default Adam (lr 1e-3). */
  optimizer?: OptimizerSpec | Optimizer;
  schedule?: ScheduleSpec | Schedule;
  /** When the schedule steps: after every epoch (default, as in PyTorch's examples) or every optimizer step. */
  scheduleStep?: 'epoch' | 'step';
  clip?: ClipOptions;
  /** Drives shuffling (and dropout). Default: the model's seed. */
  seed?: number;
}

/** What a Trainer trains. */
export type TrainableModel = SequenceModel | Seq2Seq;

/** What a staged batch holds: its shape, output rows and real (unpadded) time steps. */
export interface Staged extends InputShape {
  rows: number;
  tokens: number;
  /** The pass starts from the carried state and carries its own on (stateful training). */
  stateful: boolean;
}

export interface StepOptions {
  /**
   * Start from the state the previous stateful step left and leave this batch's final state (detached) for the
   * next: truncated BPTT over consecutive windows of long streams (row b of each batch continues row b of the
   * last). Call resetState() where a stream starts over. Default false.
   */
  stateful?: boolean;
}

/** How stage() prepares a batch. */
export interface StageMode extends StepOptions {
  /** Backward blocks and dropout on (training) or off (evaluation). */
  training: boolean;
  /** Rows of each sequence whose loss counts start here (the history part of a k2 > k1 window before). */
  lossFrom?: number;
}

const TRAINER_KEYS = ['loss', 'optimizer', 'schedule', 'scheduleStep', 'clip', 'seed'];

export class Trainer {
  readonly model: TrainableModel;
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  readonly schedule: Schedule | undefined;
  readonly scheduleStep: 'epoch' | 'step';
  readonly clip: ClipOptions;
  readonly seed: number;
  /** These options as plain JSON (what a checkpoint stores to rebuild this trainer). */
  readonly spec: TrainerSpec;
  /** Optimizer steps taken. */
  steps = 0;
  /** Epochs completed by fit(). */
  epochs = 0;
  /** Batches done in the epoch under way (0 between epochs): where a resumed fit() continues. */
  epochBatch = 0;
  /** Running sums of the epoch under way (its mean loss, tokens), kept in checkpoints. */
  epochStats = { lossSum: 0, counted: 0, tokens: 0 };
  #stopRequested = false;
  readonly #masks = new MaskScratch();
  readonly #guard: UpdateGuard;

  constructor(model: TrainableModel, options: TrainerOptions) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ValueError(`Trainer options must be { loss, optimizer?, … } but got ${describe(options)}`);
    }
    knownKeys('Trainer options', options, TRAINER_KEYS);
    this.model = checkSavedModel(model);
    const seed = options.seed ?? model.config.seed;
    if (!Number.isInteger(seed)) throw new ValueError(`seed must be an integer but got ${describe(seed)}`);
    this.seed = seed;
    this.clip = checkClip(options.clip);
    const scheduleStep = options.scheduleStep ?? 'epoch';
    if (scheduleStep !== 'epoch' && scheduleStep !== 'step') {
      throw new ValueError(`scheduleStep must be 'epoch' or 'step' but got ${describe(scheduleStep)}`);
    }
    this.scheduleStep = scheduleStep;
    // The loss, optimizer and guard allocate: a part refusing its options frees those made before it (an
    // Optimizer passed in is the caller's and stays).
    const loss = new Loss(model.rt, options.loss);
    let optimizer: Optimizer | undefined;
    let guard: UpdateGuard | undefined;
    let lr = 0;
    try {
      optimizer = makeOptimizer(model.slab, options.optimizer);
      // The rate before a schedule sets its first value: what the spec records.
      lr = optimizer.lr;
      guard = new UpdateGuard(model.slab, optimizer);
      this.schedule = makeSchedule(optimizer, options.schedule);
      if (this.schedule instanceof ReduceLROnPlateau && scheduleStep === 'step') {
        throw new ValueError("a plateau schedule steps on an epoch's loss; use scheduleStep 'epoch'");
      }
    } catch (error) {
      guard?.dispose();
      if (optimizer !== options.optimizer) optimizer?.dispose();
      loss.dispose();
      throw error;
    }
    [this.loss, this.optimizer, this.#guard] = [loss, optimizer, guard];
    if (options.seed !== undefined) model.dropout.reseed(seed);
    this.spec = {
      loss: describeLoss(this.loss.config),
      optimizer: describeOptimizer(this.optimizer, lr),
      scheduleStep,
      clip: this.clip,
      seed,
      ...(this.schedule ? { schedule: describeSchedule(this.schedule) } : {}),
    };
  }

  /** One training step: forward, loss, BPTT, NaN/Inf guard, clipping, optimizer update. Returns the loss. */
  step(batch: TrainBatch, options: StepOptions = {}): number {
    const { stateful } = optionsObject('step options', options, false, ['stateful']);
    const staged = this.stage(batch, { training: true, stateful });
    const loss = this.update(staged);
    if (staged.stateful) (this.model as SequenceModel).keepState();
    return loss;
  }

  /** Forgets the state carried between stateful steps. */
  resetState(): void {
    if (!isSeq2Seq(this.model)) this.model.resetState();
  }

  /** Checks a batch and copies it into linear memory; nothing has run yet when this throws. */
  stage(batch: TrainBatch, mode: StageMode): Staged {
    const m = this.model;
    return isSeq2Seq(m)
      ? stageSeq2Seq(m, this.loss, this.#masks, batch, mode)
      : stageSequence(m, this.loss, this.#masks, batch, mode);
  }

  /**
   * Forward, loss and BPTT of one batch without an update: the slab's gradients are then those of this batch
   * (checked finite). For custom loops such as gradient accumulation; returns the loss.
   */
  computeGradients(batch: TrainBatch, options: StepOptions = {}): number {
    const { stateful } = optionsObject('computeGradients options', options, false, ['stateful']);
    const staged = this.stage(batch, { training: true, stateful });
    const loss = this.#gradients(staged);
    if (staged.stateful) (this.model as SequenceModel).keepState();
    return loss;
  }

  /** The NaN/Inf guard over the gradients in the slab, for custom loops that change them by hand. */
  checkGradients(): void {
    checkGradients(this.model.slab, this.steps + 1);
  }

  /** The update of a staged batch (see step). */
  update(staged: Staged): number {
    const loss = this.#gradients(staged);
    this.applyGradients();
    return loss;
  }

  /**
   * Clipping, then one optimizer step (and a per-step schedule) from the gradients in the slab. A step that
   * makes a weight or an optimizer buffer non-finite is undone and throws a NonFiniteError.
   */
  applyGradients(): void {
    const slab = this.model.slab;
    if (this.clip.value !== undefined) clipGradValue(slab, this.clip.value);
    if (this.clip.norm !== undefined) clipGradNorm(slab, this.clip.norm);
    this.#guard.step(this.steps + 1);
    this.steps += 1;
    if (this.scheduleStep === 'step') (this.schedule as { step(): void } | undefined)?.step();
  }

  #gradients(_staged: Staged): number {
    const model = this.model;
    const step = this.steps + 1;
    model.zeroGrad();
    model.forward();
    const loss = this.loss.compute(model.output, model.output);
    checkLoss(loss, step);
    model.backward();
    checkGradients(model.slab, step);
    return loss;
  }

  /** Loss (and accuracy, for cross-entropy) over a dataset, without updating anything. */
  evaluate(data: FitData | PairData, options: EvaluateOptions = {}): Evaluation {
    return evaluateDataset(this, data, options);
  }

  /** The model's outputs for time-major inputs (see SequenceModel.predict). */
  predict(inputs: ModelInputs): Tensor {
    if (isSeq2Seq(this.model))
      throw new ValueError('a Seq2Seq generates with greedyDecode() or beamSearch()');
    return this.model.predict(inputs);
  }

  /** Trains for `epochs` over `data`; async, yielding to the event loop between batches. */
  fit(data: FitData | TbpttStream | PairData, options: FitOptions = {}): Promise<History> {
    this.#stopRequested = false;
    return runFit(this, data, options);
  }

  /** Asks a running fit() to return after the current step (Keras's model.stop_training = true). */
  stop(): void {
    this.#stopRequested = true;
  }

  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** The optimizer's learning rate for the next step. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /**
   * A checkpoint: the model file (weights, architecture, `extra`) plus optimizer buffers, schedule, counters,
   * dropout and carried state — resuming from it continues bit-identically (restore, or resumeTrainer).
   */
  checkpoint(extra?: Record<string, unknown>): Uint8Array {
    // saveModel's options look like an extra: a { dtype } here would be stored as metadata, weights still f32.
    if (extra !== null && typeof extra === 'object' && 'dtype' in extra) {
      throw new ValueError(
        'checkpoint(extra) takes no dtype: a checkpoint keeps f32 weights so that a resumed run continues from ' +
          "the exact weights (dtype is for saveModel and the task models' save)",
      );
    }
    return encodeCheckpoint(this, this.spec, extra);
  }

  /**
   * Continues from a checkpoint of a trainer with the same model and options; checks it all before any change
   * (`options.maxAbsWeight` bounds the file's weights, default 1e6).
   */
  restore(bytes: Uint8Array | ArrayBuffer, options?: LoadOptions): void {
    applyCheckpoint(this, bytes, options);
  }

  /** Returns the loss's and optimizer's memory to the arena (the model is the caller's). */
  dispose(): void {
    this.#guard.dispose();
    this.loss.dispose();
    this.optimizer.dispose();
  }
}
