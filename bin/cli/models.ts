// Opening a model file of any task: the manifest says which task wrote it, so a command can refuse the wrong
// kind with a line that says what to do instead.

import {
  Forecaster,
  type Runtime,
  readManifest,
  readTrainingState,
  SequenceClassifier,
  TextModel,
  WasmRnnError,
} from 'wasm-rnn';
import { aboutFile, UsageError } from './fail.ts';
import { readModelFile } from './files.ts';

/** The manifest task of a date translator (wasm-rnn train --task dates), read by wasm-rnn translate. */
export const DATES_TASK = 'dates';

export type AnyModel =
  | { task: 'text'; model: TextModel }
  | { task: 'forecast'; model: Forecaster }
  | { task: 'classify'; model: SequenceClassifier };

export async function openModel(rt: Runtime, path: string): Promise<AnyModel> {
  const bytes = await readModelFile(path);
  const task = manifestOf(bytes, path).extra?.task;
  if (isCheckpoint(bytes)) {
    throw new UsageError(
      `${path} is a training checkpoint; continue it with wasm-rnn train FILE --resume ${path}, or give the model file written by --out`,
    );
  }
  // The loaders' refusals name the field; the command line adds the file.
  try {
    if (task === 'text') return { task, model: TextModel.load(rt, bytes) };
    if (task === 'forecast') return { task, model: Forecaster.load(rt, bytes) };
    if (task === 'classify') return { task, model: SequenceClassifier.load(rt, bytes) };
  } catch (error) {
    throw aboutFile(path, error);
  }
  if (task === DATES_TASK) {
    throw new UsageError(
      `${path} is a date translator (wasm-rnn train --task dates); read dates with wasm-rnn translate ${path} DATE...`,
    );
  }
  throw new UsageError(
    `${path} is a wasm-rnn model but not one that wasm-rnn train wrote (no task in its manifest)`,
  );
}

function isCheckpoint(bytes: Uint8Array): boolean {
  try {
    readTrainingState(bytes);
    return true;
  } catch {
    return false;
  }
}

function manifestOf(bytes: Uint8Array, path: string): ReturnType<typeof readManifest> {
  try {
    return readManifest(bytes);
  } catch (error) {
    if (!(error instanceof WasmRnnError)) throw error;
    throw new UsageError(`${path} is not a wasm-rnn model: ${error.message}`);
  }
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

/**
 * Refuses `text` (`what`: "--prompt" or a file name) when it holds a character `model` was not trained on,
 * naming the character and where it is, in the command line's terms.
 */
export function checkCharacters(model: TextModel, text: string, what: string, source: string): void {
  const vocab = model.vocab as { chars?: readonly string[]; unknown?: string };
  if (!vocab.chars || vocab.unknown !== undefined) return;
  const known = new Set(vocab.chars);
  let index = 0;
  for (const ch of text) {
    if (!known.has(ch)) {
      const before = text.slice(0, index).split('\n');
      const where =
        before.length > 1 || what !== '--prompt'
          ? `line ${before.length}, column ${[...before[before.length - 1]].length + 1}`
          : `index ${[...text.slice(0, index)].length}`;
      const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new UsageError(
        `${what}: character ${JSON.stringify(ch)} (${code}) at ${where} is not one of the ${vocab.chars.length} characters ${source} was trained on; use text made of those characters`,
      );
    }
    index += ch.length;
  }
}
