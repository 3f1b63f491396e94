// `wasm-rnn train` on a text: the TextModel's network trained by a Trainer the command line holds, so that it can
// checkpoint the whole run (weights, Adam's buffers and step, counters), continue from such a file, and save the
// last good weights when interrupted. The data and the optimizer are TextModel.fit's: windows of seqLength
// characters, the last 5 % held out for the validation loss, Adam with a global norm clip of 5. Unlike
// TextModel.fit it keeps the last epoch's weights (as Keras does by default), not the best validation epoch's:
// a run resumed from a checkpoint could not know the best epoch before it, and must end where the whole run ends.

import { makeDataset, type TextModel, Trainer, type TrainingProgress } from 'wasm-rnn';
import { UsageError } from './fail.ts';

/** What the command line needs, besides the model, to continue a run exactly; kept in its checkpoints. */
export interface TextSetup {
  seqLength: number;
  batchSize: number;
  /** The text trained on: a resumed run must read the same windows. */
  text: { characters: number; hash: string };
}

type Data = ReturnType<typeof makeDataset>;

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

/** Training windows and held-out windows (the last 5 %, when that is at least four windows), as TextModel.fit. */
export function textData(
  model: TextModel,
  text: string,
  T: number,
  file: string,
): { train: Data; validation?: Data } {
  const cut = Math.floor(text.length * 0.95);
  const heldOut = text.length - cut >= 4 * (T + 1);
  const ids = model.vocab.encode(heldOut ? text.slice(0, cut) : text);
  if (ids.length < T + 1) {
    throw new UsageError(
      `${file} has ${ids.length} characters, fewer than one training window (--seq-length ${T}, plus 1); give a longer text or a smaller --seq-length`,
    );
  }
  const train = windows(ids, T);
  return heldOut ? { train, validation: windows(model.vocab.encode(text.slice(cut)), T) } : { train };
}

/** Non-overlapping windows: sample i is ids[iT .. iT+T) and its targets the same range one id later (views). */
function windows(ids: Int32Array, T: number): Data {
  const n = Math.floor((ids.length - 1) / T);
  const inputs = Array.from({ length: n }, (_, i) => ids.subarray(i * T, i * T + T));
  const targets = Array.from({ length: n }, (_, i) => ids.subarray(i * T + 1, i * T + T + 1));
  return makeDataset(inputs, targets, { targetsPer: 'step' });
}

export interface TextBudget {
  /** Steps to take in this run, or whole epochs (default 1). */
  steps?: number;
  epochs?: number;
  batchSize: number;
  signal: AbortSignal;
  onProgress(p: TrainingProgress): void;
  /** After each whole epoch (its number counts from the run's start, checkpoints included). */
  onEpochEnd(epoch: number, valLoss: number | undefined): Promise<void>;
}

export interface TextRunSummary {
  steps: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  seconds: number;
  /** The signal stopped it after a whole step. */
  stopped: boolean;
}

/** Trains for the budget from wherever `trainer` is (a fresh run or a restored checkpoint). */
export async function runText(
  trainer: Trainer,
  data: { train: Data; validation?: Data },
  budget: TextBudget,
  tokensPerStep: number,
): Promise<TextRunSummary> {
  const perEpoch = Math.ceil(data.train.size / budget.batchSize);
  const total = budget.steps ?? perEpoch * (budget.epochs ?? 1);
  const started = performance.now();
  const first = trainer.steps;
  const ema = { value: Number.NaN, weight: 0 };
  let valLoss: number | undefined;
  let stopped = false;
  try {
    await trainer.fit(data.train, {
      epochs: Math.ceil((total + trainer.epochBatch) / perEpoch),
      batchSize: budget.batchSize,
      ...(data.validation ? { validation: data.validation } : {}),
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
          if (step >= total) trainer.stop();
        },
        onEpochEnd: async (e) => {
          if (e.valLoss !== undefined) valLoss = e.valLoss;
          await budget.onEpochEnd(e.epoch, e.valLoss);
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
    ...(valLoss !== undefined ? { valLoss } : {}),
    seconds: (performance.now() - started) / 1000,
    stopped,
  };
}
