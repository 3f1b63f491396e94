// `wasm-rnn translate MODEL TEXT...`: the ISO date of each human-written date, read by a date translator that
// `wasm-rnn train --task dates` wrote (greedy decoding, all texts in one batch).

import type { Command } from 'commander';
import { dateFromTokens, loadSeq2Seq, readManifest, type Seq2Seq, WasmRnnError } from 'wasm-rnn';
import { aboutFile, UsageError } from '../fail.ts';
import { readModelFile } from '../files.ts';
import { type CliIO, runtime } from '../io.ts';
import { BACKENDS, type BackendChoice, oneOf } from '../options.ts';
import { type OutputFlags, Report, withOutputFlags } from '../output.ts';
import { DATES_TASK, sourceIds, translateIds } from './dates-model.ts';

interface TranslateFlags extends OutputFlags {
  backend?: BackendChoice;
}

const MADE_BY: Record<string, string> = {
  text: 'a text model (wasm-rnn train FILE.txt; use wasm-rnn generate)',
  forecast: 'a forecaster (wasm-rnn train FILE.csv; use wasm-rnn forecast)',
  classify: 'a sequence classifier',
};

export function translateCommand(program: Command, io: CliIO): void {
  const command = program
    .command('translate')
    .summary('write human-written dates as ISO dates with a date translator')
    .description(
      'Print the ISO date (YYYY-MM-DD) of each date given, as a model written by wasm-rnn train --task dates reads it\n' +
        '(English, French, German or Spanish, e.g. "3 mars 2021", "March 3, 2021", "03/03/2021").',
    )
    .argument('<model>', 'a model file written by wasm-rnn train --task dates')
    .argument('<dates...>', 'one or more dates, each one argument (quote dates with spaces)')
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS));
  withOutputFlags(command).action(async (path: string, dates: string[], flags: TranslateFlags) => {
    const report = new Report(io, flags, 'translate');
    const ids = dates.map((d, i) => sourceIds(d, dates.length === 1 ? 'the date' : `date ${i + 1}`));
    const bytes = await readModelFile(path);
    checkTask(bytes, path);
    const rt = await runtime(flags.backend);
    let model: Seq2Seq;
    try {
      model = loadSeq2Seq(rt, bytes).model;
    } catch (error) {
      throw aboutFile(path, error);
    }
    let isos: string[];
    try {
      isos = translateIds(model, ids).map((t) => dateFromTokens(t));
    } finally {
      model.dispose();
    }
    for (const [i, iso] of isos.entries()) report.say(dates.length === 1 ? iso : `${dates[i]} → ${iso}`);
    report.set('model', path);
    report.set(
      'dates',
      dates.map((text, i) => ({ text, iso: isos[i] })),
    );
    report.finish();
  });
}

function checkTask(bytes: Uint8Array, path: string): void {
  let task: unknown;
  try {
    task = readManifest(bytes).extra?.task;
  } catch (error) {
    if (!(error instanceof WasmRnnError)) throw error;
    throw new UsageError(`${path} is not a wasm-rnn model: ${error.message}`);
  }
  if (task === DATES_TASK) return;
  const holds = typeof task === 'string' && task in MADE_BY ? MADE_BY[task] : 'a model of another kind';
  throw new UsageError(
    `${path} holds ${holds}; translate needs a date translator (wasm-rnn train --task dates --out FILE)`,
  );
}
