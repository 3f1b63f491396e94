// The progress of `wasm-rnn train` on stderr: a heading and a bar that start with the first step, after every
// input check passed (so a failure stays one line), and nothing at all under --quiet or --json.

import type { TrainingProgress } from 'wasm-rnn';
import { type CliIO, line } from './io.ts';
import { createProgress } from './progress.ts';

export interface TrainProgress {
  update(p: TrainingProgress): void;
  /** A line above the bar (a running sample). */
  log(text: string): void;
  stop(): void;
}

export function trainProgress(io: CliIO, shown: boolean, heading: string): TrainProgress {
  let bar: ReturnType<typeof createProgress> | undefined;
  return {
    update(p) {
      if (!shown) return;
      if (bar === undefined) line(io.stderr, heading);
      bar ??= createProgress(io.stderr, { total: p.totalSteps, label: 'train' });
      bar.update({ step: p.step, loss: p.averageLoss, tokens: p.tokens });
    },
    log(text) {
      if (!shown) return;
      if (bar) bar.log(text);
      else line(io.stderr, text);
    },
    stop() {
      bar?.stop();
    },
  };
}
