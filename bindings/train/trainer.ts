// The Trainer: one model, one loss, one optimizer (and schedule, clipping) — PyTorch's training loop with
// Keras's conveniences. step(batch) is one forward + BPTT + update, usable in a custom loop; fit() runs epochs
// (fit.ts); evaluate() and predict() run without updating. Everything is checked before any kernel runs, a
// step whose loss or gradient is not finite throws a NonFiniteError before the optimizer touches the weights,
// and one whose update makes a weight or optimizer buffer non-finite is undone and throws (update-guard.ts).

import type { TbpttStream } from '../data/stream.ts';
import { describe, ValueError } from '../errors.ts';
import type { LoadOptions } from '../io/load-options.ts';
import { checkSavedModel, type SavedModel } from '../io/model-save.ts';
import type { PairData } from '../model/seq2seq-pairs.ts';
import type { ModelInputs } from '../model/sequence-input.ts';
import type { FitData } from '../model/sequence-samples.ts';
import type { Staged, StageMode, TrainBatch } from '../model/trainable.ts';
import type { Tensor } from '../tensor.ts';
import { integer, optionsObject } from '../validate.ts';
import type { History } from './callbacks.ts';
import { applyCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { clipGradNorm, clipGradValue } from './clip.ts';
import { type EvaluateOptions, type Evaluation, evaluateDataset } from './evaluate.ts';
import { type FitOptions, runFit } from './fit.ts';
import { checkGradients } from './guard.ts';
import { Loss } from './loss.ts';
import type { LossSpec } from './loss-spec.ts';
import type { Optimizer } from './optimizer-base.ts';
import { ReduceLROnPlateau } from './schedules.ts';
import { LocalStep, type StepStrategy, type StepStrategyFactory } from './step-strategy.ts';
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
import type { CheckpointedRun, EpochStats, TrainingRun } from './training-run.ts';
import { UpdateGuard } from './update-guard.ts';

export type { Staged, StageMode, TrainableModel, TrainBatch } from '../model/trainable.ts';

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

export interface StepOptions {
  /**
   * Start from the state the previous stateful step left and leave this batch's final state (detached) for the
   * next: truncated BPTT over consecutive windows of long streams (row b of each batch continues row b of the
   * last). Call resetState() where a stream starts over. Default false.
   */
  stateful?: boolean;
}

const TRAINER_KEYS = ['loss', 'optimizer', 'schedule', 'scheduleStep', 'clip', 'seed'];

export class Trainer implements TrainingRun, CheckpointedRun {
  readonly model: SavedModel;
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
  epochStats: EpochStats = { lossSum: 0, counted: 0, tokens: 0 };
  #stopRequested = false;
  readonly #guard: UpdateGuard;
  readonly #strategy: StepStrategy;
  /** The training batch stage() copied in last, until update() or computeGradients() uses it. */
  #staged: Staged | undefined;
  #disposed: Promise<void> | undefined;

  /**
   * `strategy` (internal): how a step turns a batch into gradients; the calling thread by default, a
   * ParallelTrainer's shards on worker threads (bindings/parallel).
   */
  constructor(model: SavedModel, options: TrainerOptions, strategy?: StepStrategyFactory) {
    optionsObject('Trainer options', options, true, TRAINER_KEYS);
    this.model = checkSavedModel(model);
    const seed = integer('seed', options.seed ?? model.config.seed);
    this.seed = seed;
    this.clip = checkClip(options.clip);
    const scheduleStep = options.scheduleStep ?? 'epoch';
    if (scheduleStep !== 'epoch' && scheduleStep !== 'step') {
      throw new ValueError(`scheduleStep must be 'epoch' or 'step' but got ${describe(scheduleStep)}`);
    }
    this.scheduleStep = scheduleStep;
    // The loss, optimizer, guard and step strategy allocate: a part refusing its options frees those made before
    // it (an Optimizer passed in is the caller's and stays).
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
      if (options.seed !== undefined) model.dropout.reseed(seed);
      this.#strategy = strategy ? strategy(loss) : new LocalStep(model, loss);
    } catch (error) {
      guard?.dispose();
      if (optimizer !== options.optimizer) optimizer?.dispose();
      loss.dispose();
      throw error;
    }
    [this.loss, this.optimizer, this.#guard] = [loss, optimizer, guard];
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
    if (staged.stateful) this.model.keepState();
    return loss;
  }

  /** Forgets the state carried between stateful steps. */
  resetState(): void {
    this.model.resetState();
  }

  /**
   * Checks a batch and copies it into linear memory; nothing has run yet when this throws. A training batch
   * (mode.training) is then the one update() runs.
   */
  stage(batch: TrainBatch, mode: StageMode): Staged {
    this.#staged = undefined;
    const staged = this.#strategy.stage(batch, mode);
    if (mode.training) this.#staged = staged;
    return staged;
  }

  /**
   * Forward, loss and BPTT of one batch without an update: the slab's gradients are then those of this batch
   * (checked finite). For custom loops such as gradient accumulation; returns the loss.
   */
  computeGradients(batch: TrainBatch, options: StepOptions = {}): number {
    const { stateful } = optionsObject('computeGradients options', options, false, ['stateful']);
    const staged = this.stage(batch, { training: true, stateful });
    const loss = this.#gradients(staged);
    if (staged.stateful) this.model.keepState();
    return loss;
  }

  /** The NaN/Inf guard over the gradients in the slab, for custom loops that change them by hand. */
  checkGradients(): void {
    checkGradients(this.model.slab, this.steps + 1);
  }

  /** The update of the batch `staged` came from (stage(batch, { training: true }) last; see step). */
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

  /** The gradients of the staged training batch `staged`, checked finite; each staged batch runs once. */
  #gradients(staged: Staged): number {
    if (staged !== this.#staged || staged === undefined) {
      throw new ValueError('stage(batch, { training: true }) must come before update()');
    }
    this.#staged = undefined;
    const step = this.steps + 1;
    const loss = this.#strategy.gradients(step, staged);
    checkGradients(this.model.slab, step);
    return loss;
  }

  /** Loss (and accuracy, for cross-entropy) over a dataset, without updating anything. */
  evaluate(data: FitData | PairData, options: EvaluateOptions = {}): Evaluation {
    return evaluateDataset(this, data, options);
  }

  /** The model's outputs for time-major inputs (see SequenceModel.predict). */
  predict(inputs: ModelInputs): Tensor {
    return this.model.predict(inputs);
  }

  /** Trains for `epochs` over `data`; async, yielding to the event loop between batches. */
  async fit(data: FitData | TbpttStream | PairData, options: FitOptions = {}): Promise<History> {
    this.#strategy.checkFit(data, options);
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

  /**
   * Returns the loss's, optimizer's and step strategy's memory to the arena (the model is the caller's). The
   * memory is free when this returns; the promise settles once worker threads, if any, have exited. A second
   * call does nothing.
   */
  dispose(): Promise<void> {
    if (this.#disposed) return this.#disposed;
    this.#guard.dispose();
    this.loss.dispose();
    this.optimizer.dispose();
    this.#disposed = this.#strategy.dispose();
    return this.#disposed;
  }
}
