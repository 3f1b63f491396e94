// TextModel's training loop: trainer.fit over the text (a truncated-BPTT stream, or shuffled windows) for a
// budget of steps, with the held-out loss measured every `validateEvery` steps (else at the end of every pass)
// and once more after the last step. A language model trained for a few thousand steps may see less than one
// pass, so a check only at the end of a pass would never run; the weights of the best check are kept.

import type { Dataset } from '../data/dataset.ts';
import type { TbpttStream } from '../data/stream.ts';
import { bitsPerCharacter } from '../data/text-metrics.ts';
import type { Trainer } from '../train/trainer.ts';
import type { FitSummary, TrainingProgress } from './training.ts';

/** One held-out check during fit. */
export interface ValidationEvent {
  /** Steps done in this fit call when it was measured. */
  step: number;
  /** Mean cross-entropy per token of the held-out text, in nats. */
  loss: number;
  bitsPerCharacter: number;
}

export interface TextFitSummary extends FitSummary {
  /** Every held-out check, in order. */
  validations: ValidationEvent[];
}

export interface TextRun {
  data: TbpttStream | Dataset;
  /** Optimizer steps in one pass over `data`. */
  perPass: number;
  batchSize: number;
  tokensPerStep: number;
  steps: number;
  /** The held-out loss in nats now (state carried or not, as the model trains), if there is held-out text. */
  validate: (() => number) | undefined;
  validateEvery: number | undefined;
  patience: number | undefined;
  onProgress?: (p: TrainingProgress) => void | Promise<void>;
  onValidation?: (v: ValidationEvent) => void | Promise<void>;
  signal?: AbortSignal;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function runTextFit(trainer: Trainer, run: TextRun): Promise<TextFitSummary> {
  const model = trainer.model;
  const started = now();
  const first = trainer.steps;
  const validations: ValidationEvent[] = [];
  let best: { loss: number; weights: Record<string, Float32Array>; at: number } | undefined;
  let average = Number.NaN;
  let weight = 0;
  let earlyStopped = false;
  const done = () => trainer.steps - first;
  const check = async () => {
    const step = done();
    if (!run.validate || validations.at(-1)?.step === step) return;
    const loss = run.validate();
    const event = { step, loss, bitsPerCharacter: bitsPerCharacter(loss) };
    validations.push(event);
    if (Number.isFinite(loss) && !(best && best.loss <= loss)) {
      best = { loss, weights: model.getWeights(), at: validations.length };
    }
    await run.onValidation?.(event);
    if (run.patience !== undefined && best && validations.length - best.at >= run.patience) {
      earlyStopped = true;
      trainer.stop();
    }
  };
  // Every fit call starts a pass of its own (a stream from a zero state), whatever an earlier call left.
  trainer.epochBatch = 0;
  let stopped = false;
  try {
    await trainer.fit(run.data, {
      epochs: Math.ceil(run.steps / run.perPass),
      batchSize: run.batchSize,
      shuffle: true,
      ...(run.signal ? { signal: run.signal } : {}),
      callbacks: {
        onStepEnd: async (e) => {
          const step = done();
          // Bias-corrected EMA (as Adam's moments): the first values are not pulled towards 0.
          weight = 0.95 * weight + 0.05;
          average = Number.isNaN(average) ? e.loss : average + (0.05 / weight) * (e.loss - average);
          await run.onProgress?.({
            step,
            totalSteps: run.steps,
            epoch: e.epoch,
            loss: e.loss,
            averageLoss: average,
            tokensPerSecond: e.tokensPerSecond,
            tokens: step * run.tokensPerStep,
            eta: ((run.steps - step) * (now() - started)) / 1000 / step,
          });
          if (step >= run.steps) {
            trainer.stop();
            await check();
          } else if (run.validateEvery !== undefined && step % run.validateEvery === 0) await check();
        },
        onEpochEnd: async () => {
          if (run.validateEvery === undefined) await check();
        },
      },
    });
  } catch (error) {
    // An aborted fit keeps the weights of its last whole step: for the caller that is a Stop, not a failure.
    if (!run.signal?.aborted) throw error;
    stopped = true;
  }
  if (best && !stopped) model.setWeights(best.weights);
  return {
    steps: done(),
    epochs: trainer.epochs,
    loss: average,
    ...(best ? { valLoss: best.loss } : {}),
    ...(earlyStopped ? { earlyStopped } : {}),
    stopped,
    seconds: (now() - started) / 1000,
    validations,
  };
}
