// `wasm-rnn train FILE.csv`: a forecaster on one column, scored on the held-out split. On SIGINT/SIGTERM the
// network stops after the step under way, the forecaster is completed around it (its statistical members and
// intervals take a moment) and written to --out before the process ends with the signal's exit code.

import { Forecaster, type TrainingProgress } from 'wasm-rnn';
import { aboutFile, Interrupted, UsageError } from '../fail.ts';
import { readSeriesFile, writeModelFile } from '../files.ts';
import { SIGNAL_EXIT, watchSignals } from '../interrupt.ts';
import { type CliIO, runtime } from '../io.ts';
import { Report } from '../output.ts';
import { evaluationTable, verdict } from '../report.ts';
import { HELD_OUT_SPLIT, splitAtDate } from '../split.ts';
import { divergence, type TrainFlags } from '../train-checks.ts';
import { trainProgress } from '../train-progress.ts';

export async function trainForecast(file: string, flags: TrainFlags, io: CliIO): Promise<void> {
  const report = new Report(io, flags, 'train');
  const series = await readSeriesFile(file, flags.column);
  if (flags.season !== undefined && flags.season >= series.values.length) {
    throw new UsageError(
      `--season ${flags.season} is not shorter than ${file}'s ${series.values.length} rows; give the length of one season in rows (12 for monthly data with a yearly season)`,
    );
  }
  const split = flags.testFrom ? splitAtDate(series, flags.testFrom) : HELD_OUT_SPLIT;
  const rt = await runtime(flags.backend);
  const stop = new AbortController();
  const watch = divergence(flags, '3e-3', stop);
  const progress = trainProgress(
    io,
    report.chatty,
    `forecasting "${series.column}": ${series.values.length} rows, ${series.missing.length} missing (filled by interpolation), with ${rt.backend}`,
  );
  let last: TrainingProgress | undefined;
  const signals = watchSignals(stop);
  const forecaster = await Forecaster.fit(series.values, {
    runtime: rt,
    cell: flags.cell,
    ...(flags.hidden ? { hiddenSize: flags.hidden } : {}),
    numLayers: flags.layers,
    seed: flags.seed,
    ...(flags.steps ? { steps: flags.steps } : flags.epochs ? { epochs: flags.epochs } : {}),
    ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
    ...(flags.lr ? { lr: flags.lr } : {}),
    ...(flags.lookback ? { lookback: flags.lookback } : {}),
    horizon: flags.horizon,
    ...(flags.season ? { season: flags.season } : {}),
    ...(flags.strategy ? { strategy: flags.strategy } : {}),
    scaler: flags.scaler,
    mask: flags.mask,
    target: flags.level ? 'level' : 'change',
    split,
    signal: stop.signal,
    onProgress: (p) => {
      last = p;
      watch.see(p);
      progress.update(p);
    },
  })
    .catch((error: unknown) => {
      throw aboutFile(file, error);
    })
    .finally(() => {
      signals.dispose();
      progress.stop();
    });
  try {
    watch.check();
    await writeModelFile(flags.out, forecaster.save({ dtype: flags.dtype ?? 'f32' }));
    const signal = signals.received;
    if (signal !== undefined) {
      throw new Interrupted(
        `interrupted by ${signal} after step ${last?.step ?? 0}: saved the forecaster trained so far to ${flags.out}`,
        SIGNAL_EXIT[signal],
      );
    }
    try {
      results(forecaster, flags, report);
    } catch (error) {
      throw aboutFile(file, error);
    }
  } finally {
    forecaster.dispose();
  }
}

function results(forecaster: Forecaster, flags: TrainFlags, report: Report): void {
  report.say(`the forecaster chose: ${forecaster.method}`);
  for (const note of forecaster.notes) report.say(`note: ${note}`);
  const evaluation = forecaster.evaluate();
  report.say(
    `walk-forward on the test split (rows ${evaluation.origins[0]}–${forecaster.ranges!.test[1] - 1}):`,
  );
  report.say(evaluationTable(evaluation));
  report.say(verdict(evaluation));
  report.say(`wrote ${flags.out}`);
  report.set('task', 'forecast');
  report.set('out', flags.out);
  report.set('method', forecaster.method);
  report.set('notes', forecaster.notes);
  report.set('steps', forecaster.summary?.steps);
  report.set('evaluation', {
    horizon: evaluation.horizon,
    forecasts: evaluation.origins.length,
    scores: evaluation.scores,
  });
  report.finish();
}
