// `wasm-rnn train --task dates`: the attention Seq2Seq of docs/attention.md trained on seeded generated dates
// (no file), scored by exact match (greedy) on held-out dates none of which it trained on, and written to --out
// with the manifest's task 'dates' so `wasm-rnn translate` can read it. Ctrl-C (SIGINT) or SIGTERM stops after
// the step under way; the translator so far is scored, written, and the exit code is the signal's.

import type { Command } from 'commander';
import { dateFromTokens, datesTask, saveModel, Trainer } from 'wasm-rnn';
import { CliFailure, Interrupted, UsageError } from '../fail.ts';
import { checkWritable, writeModelFile } from '../files.ts';
import { SIGNAL_EXIT, watchSignals } from '../interrupt.ts';
import { type CliIO, runtime } from '../io.ts';
import type { OutputFlags } from '../output.ts';
import { Report } from '../output.ts';
import { FILE_TASK_FLAGS, given, type TrainFlags } from '../train-checks.ts';
import { trainProgress } from '../train-progress.ts';
import { DATES_TASK, type DateScore, dateModel, translateIds } from './dates-model.ts';

export interface DatesFlags {
  attention?: DateScore;
}

/** Training pairs, held-out pairs, and the defaults of the measured run (docs/attention.md: 250 steps). */
const TRAIN_PAIRS = 2000;
const HELD_OUT_PAIRS = 500;
const DEFAULTS = { cell: 'gru', hidden: 48, steps: 250, batchSize: 32, lr: 0.01 } as const;

const flagName = (command: Command, key: string) =>
  command.options.find((o) => o.attributeName() === key)?.long ?? key;

/** --attention read by any task but dates would be ignored: refused by name. */
export function refuseAttentionFlag(command: Command): void {
  if (given(command, 'attention')) {
    throw new UsageError('--attention is for --task dates (a date translator); leave it out');
  }
}

export async function trainDates(
  file: string | undefined,
  flags: TrainFlags & DatesFlags & OutputFlags,
  command: Command,
  io: CliIO,
): Promise<void> {
  if (file !== undefined) {
    throw new UsageError(`--task dates draws its own dates and reads no FILE; leave out ${file}`);
  }
  const wrong = FILE_TASK_FLAGS.find((key) => given(command, key));
  if (wrong !== undefined) {
    throw new UsageError(
      `${flagName(command, wrong)} is for training on a file, but --task dates trains a date translator; leave it out`,
    );
  }
  await checkWritable(flags.out);
  const report = new Report(io, flags, 'train');
  const sizes = {
    cell: given(command, 'cell') ? flags.cell : DEFAULTS.cell,
    hidden: flags.hidden ?? DEFAULTS.hidden,
    layers: flags.layers,
    attention: flags.attention ?? 'additive',
    seed: flags.seed,
  };
  const batchSize = flags.batchSize ?? DEFAULTS.batchSize;
  const perEpoch = Math.ceil(TRAIN_PAIRS / batchSize);
  const steps = flags.steps ?? (flags.epochs ? flags.epochs * perEpoch : DEFAULTS.steps);
  const train = datesTask({ count: TRAIN_PAIRS, seed: flags.seed });
  // Held out: another seed's dates, less any text the training pairs hold.
  const seen = new Set(train.pairs.map((p) => p.text));
  const drawn = datesTask({ count: HELD_OUT_PAIRS, seed: flags.seed + 1_000_003 });
  const heldOut = drawn.pairs
    .map((p, i) => ({ ...p, ids: drawn.inputs[i] }))
    .filter((p) => !seen.has(p.text));

  const rt = await runtime(flags.backend);
  const model = dateModel(rt, train, sizes);
  try {
    const trainer = new Trainer(model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: flags.lr ?? DEFAULTS.lr },
      clip: { norm: 1 },
      seed: flags.seed,
    });
    const progress = trainProgress(
      io,
      report.chatty,
      `dates → ISO: ${TRAIN_PAIRS} generated pairs (seed ${flags.seed}), ${sizes.cell} ${sizes.hidden}, attention ${sizes.attention}, with ${rt.backend}`,
    );
    let tokens = 0;
    let averageLoss = Number.NaN;
    const interrupt = new AbortController();
    const signals = watchSignals(interrupt);
    const started = performance.now();
    // Every target is an ISO date and eos: the same number of tokens in every pair.
    const tokensPerPair = train.targets[0].length;
    await trainer
      .fit(
        { inputs: train.inputs, targets: train.targets },
        {
          epochs: Math.ceil(steps / perEpoch),
          batchSize,
          callbacks: {
            onStepEnd: (e) => {
              tokens +=
                (e.batch === e.batches ? TRAIN_PAIRS - (e.batches - 1) * batchSize : batchSize) *
                tokensPerPair;
              averageLoss = Number.isNaN(averageLoss) ? e.loss : 0.95 * averageLoss + 0.05 * e.loss;
              progress.update({
                step: e.step,
                totalSteps: steps,
                epoch: e.epoch,
                loss: e.loss,
                averageLoss,
                tokensPerSecond: tokens / ((performance.now() - started) / 1000),
                tokens,
                eta: e.eta,
              });
              if (!Number.isFinite(e.loss)) throw new CliFailure(divergedLine(e.step, flags.lr));
              // Trainer.stop() ends fit between steps; an AbortSignal would reject it instead.
              if (e.step >= steps || interrupt.signal.aborted) trainer.stop();
            },
          },
        },
      )
      .finally(() => {
        signals.dispose();
        progress.stop();
      });
    const seconds = (performance.now() - started) / 1000;
    const decoded = translateIds(
      model,
      heldOut.map((p) => p.ids),
    );
    const right = decoded.filter((t, i) => dateFromTokens(t) === heldOut[i].iso).length;
    const exactMatch = right / heldOut.length;
    await writeModelFile(
      flags.out,
      saveModel(
        model,
        { task: DATES_TASK, attention: sizes.attention, steps: trainer.steps },
        { dtype: flags.dtype ?? 'f32' },
      ),
    );
    const signal = signals.received;
    if (signal !== undefined) {
      throw new Interrupted(
        `interrupted by ${signal} after step ${trainer.steps}: saved the date translator trained so far to ${flags.out} (held-out exact match ${(100 * exactMatch).toFixed(1)} %)`,
        SIGNAL_EXIT[signal],
      );
    }
    const example = heldOut[0];
    report.say(
      `held-out exact match: ${(100 * exactMatch).toFixed(1)} % (${right} of ${heldOut.length} dates, greedy) after ${trainer.steps} steps in ${seconds.toFixed(1)} s`,
    );
    report.say(`for example: ${example.text} → ${dateFromTokens(decoded[0])}`);
    report.say(`wrote ${flags.out}; use it with: wasm-rnn translate ${flags.out} "3 mars 2021"`);
    report.set('task', DATES_TASK);
    report.set('out', flags.out);
    report.set('attention', sizes.attention);
    report.set('steps', trainer.steps);
    report.set('seconds', seconds);
    report.set('heldOut', heldOut.length);
    report.set('exactMatch', exactMatch);
    report.finish();
  } finally {
    model.dispose();
  }
}

function divergedLine(step: number, lr: number | undefined): string {
  return `the loss diverged (not finite) at step ${step}; no model was written; try a smaller --lr than ${lr ?? DEFAULTS.lr}`;
}
