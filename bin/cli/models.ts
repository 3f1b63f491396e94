// Opening a model file of any task: the manifest says which task wrote it, so a command can refuse the wrong
// kind with a line that says what to do instead.

import { Forecaster, type Runtime, readManifest, SequenceClassifier, TextModel } from 'wasm-rnn';
import { UsageError } from './fail.ts';
import { readModelFile } from './files.ts';

export type AnyModel =
  | { task: 'text'; model: TextModel }
  | { task: 'forecast'; model: Forecaster }
  | { task: 'classify'; model: SequenceClassifier };

export async function openModel(rt: Runtime, path: string): Promise<AnyModel> {
  const bytes = await readModelFile(path);
  const task = readManifest(bytes).extra?.task;
  if (task === 'text') return { task, model: TextModel.load(rt, bytes) };
  if (task === 'forecast') return { task, model: Forecaster.load(rt, bytes) };
  if (task === 'classify') return { task, model: SequenceClassifier.load(rt, bytes) };
  throw new UsageError(
    `${path} is a model file but not one that wasm-rnn train wrote (no task in its manifest)`,
  );
}

const MADE_BY: Record<AnyModel['task'], string> = {
  text: 'a text model (wasm-rnn train FILE.txt)',
  forecast: 'a forecaster (wasm-rnn train FILE.csv)',
  classify: 'a sequence classifier',
};

interface TaskModels {
  text: TextModel;
  forecast: Forecaster;
  classify: SequenceClassifier;
}

export async function openTask<K extends AnyModel['task']>(
  rt: Runtime,
  path: string,
  task: K,
  command: string,
): Promise<TaskModels[K]> {
  const opened = await openModel(rt, path);
  if (opened.task !== task) {
    opened.model.dispose();
    throw new UsageError(`${path} holds ${MADE_BY[opened.task]}; ${command} needs ${MADE_BY[task]}`);
  }
  return opened.model as TaskModels[K];
}
