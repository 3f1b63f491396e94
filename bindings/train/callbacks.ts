// What fit() reports while it runs (Keras-style callbacks), and how it lets the page breathe between batches.

import type { TrainingRun } from './training-run.ts';

/** After every training step. */
export interface StepEvent {
  /** Steps taken by this trainer so far, this one included. */
  step: number;
  /** 1-based epoch, and the batch within it (1-based) of `batches`. */
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  lr: number;
  /** Real (unpadded) time steps per second over this epoch so far. */
  tokensPerSecond: number;
  /** Seconds left in the whole fit at this epoch's pace. */
  eta: number;
}

/** After every epoch (and its validation). */
export interface EpochEvent {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by what each batch counted). */
  loss: number;
  valLoss?: number;
  /** Fraction of correct argmax predictions (cross-entropy losses only). */
  valAccuracy?: number;
  lr: number;
  seconds: number;
  tokensPerSecond: number;
}

export interface History {
  epochs: EpochEvent[];
  /** 'stopped' when a callback called trainer.stop() (early stopping), else 'completed'. */
  stopReason: 'completed' | 'stopped';
}

/** Any subset of hooks; each may be async (fit awaits it). */
export interface Callback {
  /** The trainer running fit (Keras's set_model): a callback may call trainer.stop() or read trainer.model. */
  onTrainBegin?(trainer: TrainingRun): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onStepEnd?(event: StepEvent): void | Promise<void>;
  onEpochEnd?(event: EpochEvent): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
}

/**
 * Resolves on a fresh task of the event loop, so rendering, input and a worker's incoming messages (a 'stop')
 * run between batches: a MessageChannel round trip in browsers and workers (setTimeout is clamped to 4 ms there
 * once nested), setTimeout elsewhere. Not scheduler.yield(): Chromium runs its continuations ahead of a
 * worker's queued messages, so a stop posted to a training worker waited for the whole run.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { MessageChannel?: typeof MessageChannel };
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    'string';
  if (g.MessageChannel && !isNode) {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(0);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
