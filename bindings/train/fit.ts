// fit(): epochs of shuffled batches (the trainer's seeded PRNG draws each epoch's order), validation after each
// epoch, the LR schedule, callbacks with progress (loss, tokens/s, ETA), and a yield to the event loop every few
// milliseconds of work so a browser page stays responsive. An AbortSignal stops it between steps: the promise
// rejects with the signal's reason and the weights are those of the last completed step.

import { BatchBuffers, collate } from '../data/batch.ts';
import type { Dataset } from '../data/dataset.ts';
import { describe, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Callback, EpochEvent, History } from './callbacks.ts';
import { yieldToEventLoop } from './callbacks.ts';
import { evaluateChecked } from './evaluate.ts';
import { checkDataset, type FitData, toDataset } from './fit-data.ts';
import { ReduceLROnPlateau } from './schedules.ts';
import type { Trainer } from './trainer.ts';

export type { FitData } from './fit-data.ts';

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** A new order every epoch, from the trainer's seed. Default true. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Evaluated after every epoch (valLoss, valAccuracy). */
  validation?: FitData;
  callbacks?: Callback | readonly Callback[];
  signal?: AbortSignal;
  /** Milliseconds of work between yields to the event loop (0 = after every batch). Default 10. */
  yieldEveryMs?: number;
}

interface Plan {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  callbacks: readonly Callback[];
  signal: AbortSignal | undefined;
  yieldEveryMs: number;
}

function plan(o: FitOptions): Plan {
  if (o === null || typeof o !== 'object')
    throw new ValueError(`fit options must be an object but got ${describe(o)}`);
  const int = (name: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new ValueError(`${name} must be an integer ≥ ${min} but got ${describe(v)}`);
    }
    return v;
  };
  const flag = (name: string, v: unknown, fallback: boolean) => {
    if (v !== undefined && typeof v !== 'boolean')
      throw new ValueError(`${name} must be a boolean but got ${describe(v)}`);
    return (v as boolean | undefined) ?? fallback;
  };
  const yieldEveryMs = o.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) {
    throw new ValueError(`yieldEveryMs must be a number ≥ 0 but got ${describe(yieldEveryMs)}`);
  }
  const signal = o.signal;
  if (signal !== undefined && typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new ValueError(`signal must be an AbortSignal but got ${describe(signal)}`);
  }
  return {
    epochs: int('epochs', o.epochs ?? 1, 1),
    batchSize: int('batchSize', o.batchSize ?? 32, 1),
    shuffle: flag('shuffle', o.shuffle, true),
    dropLast: flag('dropLast', o.dropLast, false),
    callbacks:
      o.callbacks === undefined ? [] : Array.isArray(o.callbacks) ? o.callbacks : [o.callbacks as Callback],
    signal,
    yieldEveryMs,
  };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function runFit(trainer: Trainer, data: FitData, options: FitOptions): Promise<History> {
  const p = plan(options);
  const model = trainer.model;
  const ds = toDataset(data, 'data', model);
  checkDataset(ds, 'data', model, trainer.loss);
  const val =
    options.validation === undefined ? undefined : toDataset(options.validation, 'validation', model);
  if (val) checkDataset(val, 'validation', model, trainer.loss);
  const batches = p.dropLast ? Math.floor(ds.size / p.batchSize) : Math.ceil(ds.size / p.batchSize);
  if (batches === 0) {
    throw new ValueError(
      `dropLast with batchSize ${p.batchSize} leaves no batch of a dataset of ${ds.size} samples`,
    );
  }
  p.signal?.throwIfAborted();
  const rng = new Random(trainer.seed + trainer.epochs);
  const order = new Int32Array(ds.size);
  const buffers = new BatchBuffers(ds, Math.min(p.batchSize, ds.size));
  const history: History = { epochs: [], stopReason: 'completed' };
  const emit = async <K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>) => {
    for (const cb of p.callbacks)
      await (cb[hook] as ((...a: unknown[]) => unknown) | undefined)?.call(cb, ...args);
  };
  await emit('onTrainBegin');
  const started = now();
  let lastYield = started;
  let stepsDone = 0;
  const totalSteps = p.epochs * batches;
  for (let e = 0; e < p.epochs && !trainer.stopRequested; e++) {
    const epoch = trainer.epochs + 1;
    await emit('onEpochBegin', epoch);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (p.shuffle) rng.shuffle(order);
    const epochStart = now();
    let tokens = 0;
    let lossSum = 0;
    let counted = 0;
    for (let b = 0; b < batches && !trainer.stopRequested; b++) {
      p.signal?.throwIfAborted();
      const batch = collate(
        ds,
        order.subarray(b * p.batchSize, Math.min((b + 1) * p.batchSize, ds.size)),
        {},
        buffers,
      );
      const staged = trainer.stage(batch, true);
      const lr = trainer.lr;
      const loss = trainer.update(staged);
      stepsDone++;
      tokens += realTokens(batch.lengths);
      lossSum += loss * trainer.loss.count;
      counted += trainer.loss.count;
      const t = now();
      const perStep = (t - started) / stepsDone;
      await emit('onStepEnd', {
        step: trainer.steps,
        epoch,
        batch: b + 1,
        batches,
        loss,
        lr,
        tokensPerSecond: tokens / Math.max((t - epochStart) / 1000, 1e-9),
        eta: ((totalSteps - stepsDone) * perStep) / 1000,
      });
      if (t - lastYield >= p.yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    const event = finishEpoch(
      trainer,
      val,
      p,
      epoch,
      counted > 0 ? lossSum / counted : 0,
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

const realTokens = (lengths: Int32Array): number => lengths.reduce((a, b) => a + b, 0);

function finishEpoch(
  trainer: Trainer,
  val: Dataset | undefined,
  p: Plan,
  epoch: number,
  loss: number,
  tokens: number,
  epochStart: number,
): EpochEvent {
  trainer.epochs = epoch;
  const event: EpochEvent = { epoch, loss, lr: trainer.lr, seconds: 0, tokensPerSecond: 0 };
  if (val) {
    const v = evaluateChecked(trainer, val, p.batchSize);
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
