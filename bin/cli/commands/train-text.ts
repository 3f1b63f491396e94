// `wasm-rnn train FILE.txt`: a character language model, from scratch or continued from a checkpoint (--resume),
// checkpointed every N epochs (--checkpoint, --every), and on SIGINT/SIGTERM saved with the weights of its last
// whole step before the process ends with the signal's exit code.

import { type Runtime, TextModel, textSource } from 'wasm-rnn';
import { HeldOutBest } from '../best-check.ts';
import { type Resumed, resumeText, textCheckpoint } from '../checkpoints.ts';
import { aboutFile, Interrupted, UsageError } from '../fail.ts';
import { readTextFile, writeModelFile } from '../files.ts';
import { SIGNAL_EXIT, watchSignals } from '../interrupt.ts';
import { type CliIO, runtime } from '../io.ts';
import { checkCharacters } from '../models.ts';
import { Report } from '../output.ts';
import { sampleBlock } from '../report.ts';
import { newTextTrainer, runText, type TextRunSummary, textHash, textIds } from '../text-training.ts';
import { divergence, type TrainFlags } from '../train-checks.ts';
import { trainProgress } from '../train-progress.ts';

function fresh(rt: Runtime, text: string, flags: TrainFlags): Resumed {
  const model = new TextModel(rt, text, {
    cell: flags.cell,
    hiddenSize: flags.hidden ?? 128,
    numLayers: flags.layers,
    seed: flags.seed,
  });
  const setup = {
    seqLength: flags.seqLength,
    batchSize: flags.batchSize ?? 32,
    training: flags.training ?? 'stateful',
    text: { characters: text.length, hash: textHash(text) },
  };
  return { model, trainer: newTextTrainer(model, flags.lr ?? 2e-3), setup, best: new HeldOutBest() };
}

export async function trainText(file: string, flags: TrainFlags, io: CliIO): Promise<void> {
  const report = new Report(io, flags, 'train');
  const text = await readTextFile(file);
  const rt = await runtime(flags.backend);
  const run = flags.resume
    ? await resumeText(rt, flags.resume, text, file)
    : (() => {
        try {
          return fresh(rt, text, flags);
        } catch (error) {
          throw aboutFile(file, error);
        }
      })();
  try {
    // A prompt the vocabulary cannot encode fails now, not after the training it would have wasted.
    checkCharacters(run.model, flags.prompt ?? '', '--prompt', file);
    const summary = await train(run, text, file, flags, io, report).catch((error: unknown) => {
      throw aboutFile(file, error);
    });
    await writeModelFile(flags.out, run.model.save({ dtype: flags.dtype ?? 'f32' }));
    const sample = generate(run.model, flags, run.trainer.steps);
    const best = run.best.best;
    const kept = best && best.step !== run.trainer.steps ? ` (the weights of step ${best.step})` : '';
    report.say(sampleBlock(`sample after ${run.trainer.steps} steps${kept}:`, sample));
    if (best) {
      report.say(
        `validation: ${best.loss.toFixed(4)} nats/char · ${(best.loss / Math.LN2).toFixed(3)} bits/char, the best of ${summary.checks} held-out ${summary.checks === 1 ? 'check' : 'checks'}${flags.resume ? ' (and those before the checkpoint)' : ''}, at step ${best.step}: its weights are kept`,
      );
    }
    const resumed = flags.resume ? `, continued from ${flags.resume}` : '';
    report.say(`wrote ${flags.out} (${summary.steps} steps in ${summary.seconds.toFixed(1)} s${resumed})`);
    report.set('task', 'text');
    report.set('training', run.setup.training);
    report.set('out', flags.out);
    if (flags.checkpoint) report.set('checkpoint', flags.checkpoint);
    if (flags.resume) report.set('resumedFrom', flags.resume);
    report.set('steps', summary.steps);
    report.set('stepsTrained', run.trainer.steps);
    report.set('epochs', summary.epochs);
    report.set('loss', summary.loss);
    if (best) {
      report.set('valLoss', best.loss);
      report.set('bestStep', best.step);
    }
    report.set('seconds', summary.seconds);
    report.set('sample', sample);
    report.finish();
  } finally {
    run.trainer.dispose();
    run.model.dispose();
  }
}

/** The training itself; returns once the budget is spent, or throws after saving when a signal stopped it. */
async function train(
  run: Resumed,
  text: string,
  file: string,
  flags: TrainFlags,
  io: CliIO,
  report: Report,
): Promise<TextRunSummary> {
  const { model, trainer, setup } = run;
  const { ids, held } = textIds(model, text, setup.seqLength, file);
  if (held === undefined && flags.validateEvery !== undefined) {
    const T = setup.seqLength;
    throw new UsageError(
      `--validate-every needs held-out text, but ${file} has ${text.length} characters, too few for its last 5 % to fill 4 windows of --seq-length ${T} plus 1 (about ${80 * (T + 1)} characters); give a longer text, a smaller --seq-length, or leave --validate-every out`,
    );
  }
  // The library's own source: TextModel.fit's data, state handling and held-out check, on this trainer.
  const source = textSource(trainer, ids, held, setup);
  const stop = new AbortController();
  const watch = divergence(flags, '2e-3', stop);
  const signals = watchSignals(stop);
  const progress = trainProgress(
    io,
    report.chatty,
    `training a ${model.model.config.recurrent.cell.toUpperCase()} on ${text.length} characters (${model.vocab.size} distinct) with ${model.rt.backend}`,
  );
  let checkpointed = -1;
  const checkpoint = async () => {
    model.stepsTrained = trainer.steps;
    if (!flags.checkpoint || checkpointed === trainer.steps) return;
    await writeModelFile(flags.checkpoint, textCheckpoint(trainer, model, setup, run.best));
    checkpointed = trainer.steps;
  };
  const every = flags.every ?? 1;
  let summary: TextRunSummary;
  try {
    summary = await runText(
      trainer,
      source,
      {
        ...(flags.steps ? { steps: flags.steps } : { epochs: flags.epochs ?? 1 }),
        ...(flags.validateEvery !== undefined ? { validateEvery: flags.validateEvery } : {}),
        best: run.best,
        batchSize: setup.batchSize,
        signal: stop.signal,
        onProgress: (p) => {
          watch.see(p);
          progress.update(p);
          if (flags.sampleEvery > 0 && p.step % flags.sampleEvery === 0 && p.step < p.totalSteps) {
            progress.log(sampleBlock(`sample after ${p.step} steps:`, generate(model, flags, p.step)));
          }
        },
        onEpochEnd: async (epoch) => {
          if (epoch % every === 0) await checkpoint();
        },
      },
      setup.seqLength * setup.batchSize,
    );
  } finally {
    signals.dispose();
    progress.stop();
  }
  model.stepsTrained = trainer.steps;
  watch.check();
  // The run's end is checkpointed too (when it fell between epochs), so the file always holds the latest state.
  await checkpoint();
  const signal = signals.received;
  if (signal !== undefined) {
    await writeModelFile(flags.out, model.save({ dtype: flags.dtype ?? 'f32' }));
    const also = flags.checkpoint ? ` and a checkpoint to ${flags.checkpoint}` : '';
    throw new Interrupted(
      `interrupted by ${signal} after step ${trainer.steps}: saved the last good weights to ${flags.out}${also}`,
      SIGNAL_EXIT[signal],
    );
  }
  // As TextModel.fit: the weights of the best held-out check (the checkpoint above keeps the last step's).
  const best = run.best.best;
  if (best) model.model.setWeights(best.weights);
  return summary;
}

function generate(model: TextModel, flags: TrainFlags, seed: number): string {
  return model.generate(flags.prompt ?? '', {
    length: 240,
    temperature: flags.temperature,
    seed: flags.seed + seed,
  });
}
