// `wasm-rnn train` on a text: the TextModel's network trained by a Trainer the command line holds, so that it can
// checkpoint the whole run (weights, Adam's buffers and step, counters, the carried state), continue from such a
// file, and save the last good weights when interrupted. Data, held-out checks and optimizer are TextModel.fit's
// (the library's textSource): by default `batchSize` contiguous streams read in windows of seqLength with the
// state carried and reset each pass, the last 5 % held out and read with the state carried, checked every
// --validate-every steps (else each pass) and after the last step; Adam with a global norm clip of 5. As
// TextModel.fit, the best check's weights are kept (best-check.ts; an interrupted run keeps its last step's).

import { type TextModel, type TextSource, type TextTraining, Trainer, type TrainingProgress } from 'wasm-rnn';
import type { HeldOutBest } from './best-check.ts';
import { UsageError } from './fail.ts';

/** What the command line needs, besides the model, to continue a run exactly; kept in its checkpoints. */
export interface TextSetup {
  seqLength: number;
  batchSize: number;
  /** How the text is read (a checkpoint written before this setting existed trained 'stateless'). */
  training: TextTraining;
  /** The text trained on: a resumed run must read the same windows. */
  text: { characters: number; hash: string };
}

export function newTextTrainer(model: TextModel, lr: number): Trainer {
  return new Trainer(model.model, {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', lr },
    clip: { norm: 5 },
  });
}

/** FNV-1a over the UTF-16 code units: enough to tell one text from another, not a defence against forgery. */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The training ids and held-out ids (the last 5 %, when that is at least four windows), split as TextModel.fit. */
export function textIds(
  model: TextModel,
  text: string,
  T: number,
  file: string,
): { ids: Int32Array; held?: Int32Array } {
  const cut = Math.floor(text.length * 0.95);
  const heldOut = text.length - cut >= 4 * (T + 1);
  const ids = model.vocab.encode(heldOut ? text.slice(0, cut) : text);
  if (ids.length < T + 1) {
    throw new UsageError(
      `${file} has ${ids.length} characters, fewer than one training window (--seq-length ${T}, plus 1); give a longer text or a smaller --seq-length`,
    );
  }
  return heldOut ? { ids, held: model.vocab.encode(text.slice(cut)) } : { ids };
}

export interface TextBudget {
  /** Steps to take in this run, or whole epochs (default 1). */
  steps?: number;
  epochs?: number;
  /** Check the held-out text when the step count (from the run's start) is a multiple; default: each pass. */
  validateEvery?: number;
  /** Where the checks go (it may hold the best check of the run before a checkpoint). */
  best: HeldOutBest;
  batchSize: number;
  signal: AbortSignal;
  onProgress(p: TrainingProgress): void;
  /** After each whole epoch (its number counts from the run's start, checkpoints included). */
  onEpochEnd(epoch: number): Promise<void>;
}

export interface TextRunSummary {
  steps: number;
  epochs: number;
  loss: number;
  /** Held-out checks made in this run. */
  checks: number;
  seconds: number;
  /** The signal stopped it after a whole step. */
  stopped: boolean;
}

/** Trains for the budget from wherever `trainer` is (a fresh run or a restored checkpoint). */
export async function runText(
  trainer: Trainer,
  source: TextSource,
  budget: TextBudget,
  tokensPerStep: number,
): Promise<TextRunSummary> {
  const total = budget.steps ?? source.perPass * (budget.epochs ?? 1);
  const started = performance.now();
  const first = trainer.steps;
  const ema = { value: Number.NaN, weight: 0 };
  let checked = -1;
  let checks = 0;
  // The held-out loss leaves weights, optimizer and carried state as they were: checks do not change the run.
  const check = (scheduled: boolean) => {
    if (!source.validate || checked === trainer.steps) return;
    const loss = source.validate();
    checked = trainer.steps;
    checks++;
    budget.best.see(loss, trainer.steps, scheduled, trainer.model);
  };
  const every = budget.validateEvery;
  let stopped = false;
  try {
    await trainer.fit(source.data, {
      epochs: Math.ceil((total + trainer.epochBatch) / source.perPass),
      batchSize: budget.batchSize,
      shuffle: true,
      signal: budget.signal,
      callbacks: {
        onStepEnd: (e) => {
          const step = trainer.steps - first;
          // Bias-corrected EMA of the loss (as TextModel.fit reports it): the first values are not pulled to 0.
          ema.weight = 0.95 * ema.weight + 0.05;
          ema.value = Number.isNaN(ema.value)
            ? e.loss
            : ema.value + (0.05 / ema.weight) * (e.loss - ema.value);
          budget.onProgress({
            step,
            totalSteps: total,
            epoch: e.epoch,
            loss: e.loss,
            averageLoss: ema.value,
            tokensPerSecond: e.tokensPerSecond,
            tokens: step * tokensPerStep,
            eta: e.eta,
          });
          if (step >= total) {
            trainer.stop();
            // Scheduled when every run checks at this step too: a multiple of --validate-every, or a pass's end.
            check(every !== undefined ? trainer.steps % every === 0 : trainer.epochBatch === source.perPass);
          } else if (every !== undefined && trainer.steps % every === 0) check(true);
        },
        onEpochEnd: async (e) => {
          if (every === undefined) check(true);
          await budget.onEpochEnd(e.epoch);
        },
      },
    });
  } catch (error) {
    // An aborted fit keeps the weights of its last whole step: the caller saves them.
    if (!budget.signal.aborted) throw error;
    stopped = true;
  }
  return {
    steps: trainer.steps - first,
    epochs: trainer.epochs,
    loss: ema.value,
    checks,
    seconds: (performance.now() - started) / 1000,
    stopped,
  };
}
