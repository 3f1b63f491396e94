// What the three task models share: the network options a user picks (cell, size, layers), training by the
// Trainer's fit() with a budget in steps or epochs, progress in one shape, Stop (an AbortSignal) as a normal
// end rather than an error, Keras's restore-best-weights on the validation loss, and files tagged with the task.

import { describe, FormatError, ValueError } from '../errors.ts';
import { type LoadOptions, loadOptions } from '../io/load-options.ts';
import { buildModel, type Loaded, readModelFile, saveModel } from '../io/model-save.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import type { SaveOptions } from '../io/weight-dtype.ts';
import { type ModelConfig, modelConfig, type SequenceModelOptions } from '../model/sequence-config.ts';
import type { SequenceModel } from '../model/sequence-model.ts';
import { checkRuntime, type Runtime } from '../runtime/runtime.ts';
import type { FitData } from '../train/fit.ts';
import { Trainer, type TrainerOptions } from '../train/trainer.ts';
import { nonNegativeInt, positiveInt } from '../validate.ts';

export type CellName = 'lstm' | 'gru' | 'rnn';

/** The keys of NetworkOptions and BudgetOptions, for the task classes' unknown-key checks. */
export const NETWORK_KEYS = ['cell', 'hiddenSize', 'numLayers', 'dropout', 'seed'];
export const BUDGET_KEYS = ['steps', 'epochs', 'batchSize', 'onProgress', 'signal'];

export interface NetworkOptions {
  /** Default 'lstm'. */
  cell?: CellName;
  hiddenSize?: number;
  /** Default 1. */
  numLayers?: number;
  /** Between stacked layers, in training (default 0). */
  dropout?: number;
  /** Initialisation and shuffling (default 0). */
  seed?: number;
}

export interface TrainingProgress {
  /** Steps done in this fit call, and the budget. */
  step: number;
  totalSteps: number;
  epoch: number;
  /** This step's loss, and an exponential average over the last ~20 steps (what a progress bar should show). */
  loss: number;
  averageLoss: number;
  tokensPerSecond: number;
  /** Tokens (time steps × rows) trained on in this fit call. */
  tokens: number;
  /** Seconds left at the current pace. */
  eta: number;
}

export interface BudgetOptions {
  /** Optimizer steps to take (default: `epochs` epochs). */
  steps?: number;
  /** Passes over the training data when `steps` is not given. */
  epochs?: number;
  batchSize?: number;
  onProgress?: (p: TrainingProgress) => void | Promise<void>;
  /** Aborting stops after the current step; fit then resolves with `stopped: true`. */
  signal?: AbortSignal;
  /**
   * With validation data: stop after this many epochs without a lower validation loss (the best epoch's weights
   * are kept either way). Default: train the whole budget.
   */
  patience?: number;
}

export interface FitSummary {
  steps: number;
  epochs: number;
  /** Mean training loss of the last epoch (or of the steps taken, when stopped early). */
  loss: number;
  /** Best validation loss seen (its weights are the ones kept), when there was validation data. */
  valLoss?: number;
  /** Training ended before its budget because the validation loss stopped improving (`patience`). */
  earlyStopped?: boolean;
  stopped: boolean;
  seconds: number;
}

const CELLS: Record<CellName, SequenceModelOptions['recurrent']['cell']> = {
  lstm: 'lstm',
  gru: 'gru',
  rnn: 'rnn_tanh',
};

export function recurrentSpec(o: NetworkOptions, defaultHidden: number): SequenceModelOptions['recurrent'] {
  const cell = o.cell ?? 'lstm';
  if (!Object.hasOwn(CELLS, cell)) {
    throw new ValueError(`cell must be 'lstm', 'gru' or 'rnn' but got ${describe(cell)}`);
  }
  return {
    cell: CELLS[cell],
    hiddenSize: o.hiddenSize ?? defaultHidden,
    numLayers: o.numLayers ?? 1,
    dropout: o.dropout ?? 0,
  };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * trainer.fit over `data` for a budget of steps (or epochs), reporting progress; with `validation`, the weights
 * of the epoch with the lowest validation loss are restored at the end (Keras's restore_best_weights).
 */
export async function fitWithBudget(
  trainer: Trainer,
  data: FitData & { size: number },
  validation: (FitData & { size: number }) | undefined,
  budget: BudgetOptions,
  tokensPerStep: number,
): Promise<FitSummary> {
  const batchSize = budget.batchSize ?? 32;
  const perEpoch = Math.ceil(data.size / batchSize);
  const steps = budget.steps ?? perEpoch * (budget.epochs ?? 1);
  positiveInt('steps', steps);
  const epochs = Math.ceil(steps / perEpoch);
  const started = now();
  const first = trainer.steps;
  let average = Number.NaN;
  let weight = 0;
  let best: { loss: number; weights: Record<string, Float32Array> } | undefined;
  let lastLoss = Number.NaN;
  const model = trainer.model;
  const summary = (stopped: boolean): FitSummary => ({
    steps: trainer.steps - first,
    epochs: trainer.epochs,
    loss: lastLoss,
    ...(best ? { valLoss: best.loss } : {}),
    ...(earlyStopped ? { earlyStopped } : {}),
    stopped,
    seconds: (now() - started) / 1000,
  });
  let stopped = false;
  let bestEpoch = 0;
  let earlyStopped = false;
  const patience = budget.patience === undefined ? undefined : nonNegativeInt('patience', budget.patience);
  try {
    await trainer.fit(data, {
      epochs,
      batchSize,
      ...(validation ? { validation } : {}),
      ...(budget.signal ? { signal: budget.signal } : {}),
      callbacks: {
        onStepEnd: async (e) => {
          const step = trainer.steps - first;
          // Bias-corrected EMA (as Adam's moments): the first values are not pulled towards 0.
          weight = 0.95 * weight + 0.05;
          average = Number.isNaN(average) ? e.loss : average + (0.05 / weight) * (e.loss - average);
          lastLoss = average;
          await budget.onProgress?.({
            step,
            totalSteps: steps,
            epoch: e.epoch,
            loss: e.loss,
            averageLoss: average,
            tokensPerSecond: e.tokensPerSecond,
            tokens: step * tokensPerStep,
            eta: ((steps - step) * (now() - started)) / 1000 / step,
          });
          if (step >= steps) trainer.stop();
        },
        onEpochEnd: (e) => {
          if (e.valLoss !== undefined && Number.isFinite(e.valLoss) && !(best && best.loss <= e.valLoss)) {
            best = { loss: e.valLoss, weights: model.getWeights() };
            bestEpoch = e.epoch;
          }
          if (patience !== undefined && best && e.epoch - bestEpoch >= patience) {
            earlyStopped = true;
            trainer.stop();
          }
        },
      },
    });
  } catch (error) {
    // An aborted fit keeps the weights of its last whole step: for the caller that is a Stop, not a failure.
    if (!budget.signal?.aborted) throw error;
    stopped = true;
  }
  if (best && !stopped) model.setWeights(best.weights);
  return summary(stopped);
}

/** A Trainer for one fit call, disposed after it (its optimizer state is not kept or saved). */
export async function fitOnce(
  model: SequenceModel,
  options: TrainerOptions,
  data: FitData & { size: number },
  validation: (FitData & { size: number }) | undefined,
  budget: BudgetOptions,
  stepsPerRow: number,
): Promise<FitSummary> {
  const trainer = new Trainer(model, options);
  try {
    return await fitWithBudget(trainer, data, validation, budget, stepsPerRow * (budget.batchSize ?? 32));
  } finally {
    trainer.dispose();
  }
}

/** options.runtime, checked: the task classes take it in their options, as Keras takes a device. */
export function requireRuntime(options: { runtime?: unknown } | undefined): Runtime {
  const rt = options?.runtime;
  if (!rt || typeof rt !== 'object' || !('kernels' in rt)) {
    throw new ValueError(`options.runtime must be a Runtime from init() but got ${describe(rt)}`);
  }
  return rt as Runtime;
}

/**
 * One model file: the network and the task's own state, tagged so a file of another task is refused; the
 * network's weights in `options.dtype` (the task's state is JSON and stays exact whatever the dtype).
 */
export function saveTask(
  model: SequenceModel,
  task: string,
  state: Record<string, unknown>,
  options?: SaveOptions,
): Uint8Array {
  return saveModel(model, { task, ...state }, options);
}

/**
 * A task's model file, decoded once and checked whole before the model is built: manifest, weights (finite,
 * within ±maxAbsWeight), the task tag, and — through `read` — the task's own extras against the architecture
 * (a ValueError from `read` becomes a FormatError). `task` is what `read` made of the extras.
 */
export function loadTask<T = undefined>(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  task: string,
  what: string,
  read?: (extra: Record<string, unknown>, config: ModelConfig) => T,
  options?: LoadOptions,
): Loaded<SequenceModel> & { task: T } {
  checkRuntime(rt);
  const o = loadOptions(options);
  const file = decodeSafetensors(bytes);
  const r = readModelFile(file);
  const extra = (r.manifest.extra ?? {}) as Record<string, unknown>;
  if (r.kind !== 'SequenceModel' || extra.task !== task) {
    const kind =
      r.kind !== 'SequenceModel'
        ? `a ${r.kind}`
        : typeof extra.task === 'string'
          ? `a ${extra.task.slice(0, 40)} model`
          : 'a plain SequenceModel';
    throw new FormatError(`this file holds ${kind}, not ${what}`);
  }
  let parsed: T;
  try {
    parsed = read ? read(extra, modelConfig(r.options as SequenceModelOptions)) : (undefined as T);
  } catch (cause) {
    if (cause instanceof ValueError) throw new FormatError(`model file: ${cause.message}`);
    throw cause;
  }
  const loaded = buildModel(rt, file, r, o) as Loaded<SequenceModel>;
  return { ...loaded, task: parsed };
}
