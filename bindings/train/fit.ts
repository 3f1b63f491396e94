// fit(): epochs of shuffled batches (each epoch's order drawn from the trainer's seed), or of truncated-BPTT
// windows of a stream with the state carried between them (fit-sources.ts); validation after each epoch, the
// LR schedule, callbacks with progress (loss, tokens/s, ETA), and a yield to the event loop every few
// milliseconds of work so a browser page stays responsive. An AbortSignal stops it between steps: the promise
// rejects with the signal's reason and the weights are those of the last completed step. What the samples are
// (a dataset, a Seq2Seq's pairs) is the model's to say (model.samples).

import type { TbpttStream } from '../data/stream.ts';
import { describe, ValueError } from '../errors.ts';
import type { PairData } from '../model/seq2seq-pairs.ts';
import type { FitData } from '../model/sequence-samples.ts';
import { flag, knownKeys, optionsObject, positiveInt } from '../validate.ts';
import type { Callback, EpochEvent, History } from './callbacks.ts';
import { yieldToEventLoop } from './callbacks.ts';
import { type EpochSource, samplesSource, streamSource } from './fit-sources.ts';
import { ReduceLROnPlateau } from './schedules.ts';
import { isStream } from './stream-eval.ts';
import type { TrainingRun } from './training-run.ts';
import { checkSplit, splitValidation } from './validation-split.ts';

export type { FitData } from '../model/sequence-samples.ts';

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** A new order every epoch, from the trainer's seed. Default true. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Evaluated after every epoch (valLoss, valAccuracy); a stream for a stream, pairs for a Seq2Seq. */
  validation?: FitData | TbpttStream | PairData;
  /**
   * Keras's validation_split: the last fraction (0 < split < 1) of the samples, before shuffling, is held out
   * and evaluated after every epoch (valLoss). Not with `validation`, not on a stream.
   */
  validationSplit?: number;
  callbacks?: Callback | readonly Callback[];
  signal?: AbortSignal;
  /** Milliseconds of work between yields to the event loop (0 = after every batch). Default 10. */
  yieldEveryMs?: number;
  /**
   * Every `every` optimizer steps, trainer.checkpoint() is handed to `save` (awaited) — bytes only, so it works
   * in any runtime; in Node, writeFileAtomic(path, bytes) keeps the previous file whole until the new one is.
   */
  checkpoint?: CheckpointOptions;
}

export interface CheckpointOptions {
  every: number;
  save(bytes: Uint8Array, at: { step: number; epoch: number; batch: number }): void | Promise<void>;
}

interface Plan {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  callbacks: readonly Callback[];
  signal: AbortSignal | undefined;
  yieldEveryMs: number;
  checkpoint: CheckpointOptions | undefined;
}

const FIT_KEYS = [
  'epochs',
  'batchSize',
  'shuffle',
  'dropLast',
  'validation',
  'validationSplit',
  'callbacks',
  'signal',
  'yieldEveryMs',
  'checkpoint',
];

function plan(o: FitOptions): Plan {
  optionsObject('fit options', o, true, FIT_KEYS);
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) {
    throw new ValueError(`yieldEveryMs must be a number ≥ 0 but got ${describe(yieldEveryMs)}`);
  }
  const signal = o.signal;
  if (signal !== undefined && typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new ValueError(`signal must be an AbortSignal but got ${describe(signal)}`);
  }
  return {
    epochs: positiveInt('epochs', o.epochs ?? 1),
    batchSize: positiveInt('batchSize', o.batchSize ?? 32),
    shuffle: flag('shuffle', o.shuffle, true),
    dropLast: flag('dropLast', o.dropLast, false),
    callbacks:
      o.callbacks === undefined ? [] : Array.isArray(o.callbacks) ? o.callbacks : [o.callbacks as Callback],
    signal,
    yieldEveryMs,
    checkpoint: checkCheckpoint(o.checkpoint),
  };
}

function checkCheckpoint(c: CheckpointOptions | undefined): CheckpointOptions | undefined {
  if (c === undefined) return undefined;
  if (c === null || typeof c !== 'object' || typeof c.save !== 'function') {
    throw new ValueError(`checkpoint must be { every, save(bytes) } but got ${describe(c)}`);
  }
  if ('dtype' in c) {
    throw new ValueError(
      'checkpoint takes no dtype: a checkpoint keeps f32 weights so that a resumed run continues from the exact ' +
        "weights (dtype is for saveModel and the task models' save)",
    );
  }
  knownKeys('checkpoint', c, ['every', 'save']);
  positiveInt('checkpoint.every', c.every);
  return c;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function runFit(
  trainer: TrainingRun,
  data: FitData | TbpttStream | PairData,
  options: FitOptions,
): Promise<History> {
  const p = plan(options);
  const split = checkSplit(options.validationSplit);
  const parts = split === undefined ? undefined : splitValidation(data, split, options.validation);
  const source = parts
    ? makeSource(trainer, parts.train, p, parts.validation)
    : makeSource(trainer, data, p, options.validation);
  p.signal?.throwIfAborted();
  const history: History = { epochs: [], stopReason: 'completed' };
  const emit = async <K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>) => {
    for (const cb of p.callbacks)
      await (cb[hook] as ((...a: unknown[]) => unknown) | undefined)?.call(cb, ...args);
  };
  await emit('onTrainBegin', trainer);
  const started = now();
  let lastYield = started;
  let stepsDone = 0;
  const totalSteps = p.epochs * source.batches - trainer.epochBatch;
  for (let e = 0; e < p.epochs && !trainer.stopRequested; e++) {
    const epoch = trainer.epochs + 1;
    // A run resumed from a checkpoint taken mid-epoch continues that epoch at its next batch.
    const first = trainer.epochBatch;
    if (first === 0) {
      trainer.epochStats = { lossSum: 0, counted: 0, tokens: 0 };
      await emit('onEpochBegin', epoch);
    }
    source.begin(epoch, first);
    const epochStart = now();
    const stats = trainer.epochStats;
    let tokens = 0;
    for (let b = first; b < source.batches && !trainer.stopRequested; b++) {
      p.signal?.throwIfAborted();
      const lr = trainer.lr;
      const r = source.run(b);
      trainer.epochBatch = b + 1;
      stepsDone++;
      tokens += r.tokens;
      stats.tokens += r.tokens;
      stats.lossSum += r.loss * r.counted;
      stats.counted += r.counted;
      if (p.checkpoint && trainer.steps % p.checkpoint.every === 0) {
        await p.checkpoint.save(trainer.checkpoint(), { step: trainer.steps, epoch, batch: b + 1 });
      }
      const t = now();
      await emit('onStepEnd', {
        step: trainer.steps,
        epoch,
        batch: b + 1,
        batches: source.batches,
        loss: r.loss,
        lr,
        tokensPerSecond: tokens / Math.max((t - epochStart) / 1000, 1e-9),
        eta: ((totalSteps - stepsDone) * (t - started)) / stepsDone / 1000,
      });
      if (t - lastYield >= p.yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    if (trainer.epochBatch < source.batches) break;
    const event = finishEpoch(
      trainer,
      source,
      epoch,
      stats.counted > 0 ? stats.lossSum / stats.counted : 0,
      tokens,
      epochStart,
    );
    history.epochs.push(event);
    await emit('onEpochEnd', event);
  }
  if (trainer.stopRequested) history.stopReason = 'stopped';
  await emit('onTrainEnd', history);
  return history;
}

function makeSource(
  trainer: TrainingRun,
  data: FitData | TbpttStream | PairData,
  p: Plan,
  validation: FitData | TbpttStream | PairData | undefined,
): EpochSource {
  if (isStream(data)) {
    if (validation !== undefined && !isStream(validation)) {
      throw new ValueError('validation of a stream must be a stream (tbptt) too');
    }
    return streamSource(trainer, data, validation);
  }
  const { model, loss } = trainer;
  const samples = model.samples(data, 'data', loss);
  if (validation !== undefined && isStream(validation)) {
    throw new ValueError('validation of a dataset must be a dataset too');
  }
  const val = validation === undefined ? undefined : model.samples(validation, 'validation', loss);
  return samplesSource(trainer, samples, val, p);
}

function finishEpoch(
  trainer: TrainingRun,
  source: EpochSource,
  epoch: number,
  loss: number,
  tokens: number,
  epochStart: number,
): EpochEvent {
  trainer.epochs = epoch;
  trainer.epochBatch = 0;
  const event: EpochEvent = { epoch, loss, lr: trainer.lr, seconds: 0, tokensPerSecond: 0 };
  const v = source.validate();
  if (v) {
    event.valLoss = v.loss;
    if (v.accuracy !== undefined) event.valAccuracy = v.accuracy;
  }
  const s = trainer.schedule;
  if (s instanceof ReduceLROnPlateau) s.step(event.valLoss ?? loss);
  else if (s && trainer.scheduleStep === 'epoch') s.step();
  event.seconds = (now() - epochStart) / 1000;
  event.tokensPerSecond = tokens / Math.max(event.seconds, 1e-9);
  return event;
}
