// `wasm-rnn train --checkpoint FILE --every N` and `--resume FILE`: a checkpoint is the library's (Trainer's)
// checkpoint file — weights, Adam's buffers and step, the step/epoch/batch counters — whose manifest also holds
// the text model's own part (vocabulary, level), the command line's settings (window length, batch size, how
// the text is read, the text's hash) and the best held-out check with its weights (best-check.ts), so a resumed run reads the same windows in the same order and ends bit for bit where the
// uninterrupted run ends. Everything a file says is checked before training continues; a file of another kind
// is refused in one line naming it.

import {
  type Runtime,
  readManifest,
  readTrainingState,
  resumeTrainer,
  saveModel,
  TextModel,
  type Trainer,
  WasmRnnError,
} from 'wasm-rnn';
import { HeldOutBest, readBest, storeBest } from './best-check.ts';
import { CliFailure, UsageError } from './fail.ts';
import { looksLikeModel, readInput } from './files.ts';
import { type TextSetup, textHash } from './text-training.ts';

/** The text model's part of a model file: what TextModel.save writes. */
function textPart(model: TextModel): Record<string, unknown> {
  return {
    task: 'text',
    level: model.level,
    vocab: model.vocab.toJSON() as unknown as Record<string, unknown>,
    stepsTrained: model.stepsTrained,
  };
}

export function textCheckpoint(
  trainer: Trainer,
  model: TextModel,
  setup: TextSetup,
  best: HeldOutBest,
): Uint8Array {
  const kept = best.scheduled ? { best: storeBest(best.scheduled) } : {};
  return trainer.checkpoint({ ...textPart(model), cli: { ...setup, ...kept } });
}

const int = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The settings as a checkpoint holds them: one written before --training existed has no `training`. */
type StoredSetup = Omit<TextSetup, 'training'> & { training?: TextSetup['training'] };

function isSetup(v: unknown): v is StoredSetup {
  const s = v as Partial<TextSetup> | null;
  const text = s?.text as Partial<TextSetup['text']> | undefined;
  return (
    typeof s === 'object' &&
    s !== null &&
    int(s.seqLength) &&
    int(s.batchSize) &&
    (s.training === undefined || s.training === 'stateful' || s.training === 'stateless') &&
    typeof text === 'object' &&
    text !== null &&
    int(text.characters) &&
    typeof text.hash === 'string' &&
    /^[0-9a-f]{8}$/.test(text.hash)
  );
}

/** What kind of file `bytes` is, in the words of the refusal. */
function kindOf(bytes: Uint8Array): string {
  try {
    const task = readManifest(bytes).extra?.task;
    return typeof task === 'string' ? `a ${task.slice(0, 40)} model file` : 'a model file';
  } catch {
    return 'not a wasm-rnn model file';
  }
}

export interface Resumed {
  model: TextModel;
  trainer: Trainer;
  setup: TextSetup;
  best: HeldOutBest;
}

/**
 * The run saved in the checkpoint `path`, continued on `text` (read from `file`): refused when the file is not a
 * checkpoint of `wasm-rnn train` on a text, or was written while training on another text.
 */
export async function resumeText(rt: Runtime, path: string, text: string, file: string): Promise<Resumed> {
  const bytes = new Uint8Array(await readInput(path, 'a checkpoint written by wasm-rnn train --checkpoint'));
  const refuse = (what: string) =>
    new UsageError(`--resume ${path}: ${what}; give a file written by wasm-rnn train --checkpoint`);
  if (!looksLikeModel(bytes)) throw refuse('not a wasm-rnn checkpoint (it has no safetensors header)');
  try {
    readTrainingState(bytes);
  } catch (error) {
    if (!(error instanceof WasmRnnError)) throw error;
    const kind = kindOf(bytes);
    throw refuse(kind.startsWith('not') ? `${kind}: ${error.message}` : `${kind}, not a training checkpoint`);
  }
  const extra = readManifest(bytes).extra ?? {};
  if (extra.task !== 'text' || !isSetup(extra.cli)) {
    const what =
      typeof extra.task === 'string' ? `a ${String(extra.task).slice(0, 40)} model` : 'a library Trainer';
    throw refuse(`a checkpoint of ${what}, not of wasm-rnn train on a text`);
  }
  // A checkpoint written before --training existed trained on shuffled windows: it goes on doing so.
  const { seqLength, batchSize, training, text: hashed } = extra.cli;
  const setup: TextSetup = { seqLength, batchSize, training: training ?? 'stateless', text: hashed };
  if (setup.text.hash !== textHash(text) || setup.text.characters !== text.length) {
    throw new UsageError(
      `--resume ${path} continues a run on another text (${setup.text.characters} characters) than ${file} (${text.length}); give the same FILE`,
    );
  }
  return restore(rt, path, bytes, extra, setup);
}

function restore(
  rt: Runtime,
  path: string,
  bytes: Uint8Array,
  extra: Record<string, unknown>,
  setup: TextSetup,
): Resumed {
  let trainer: Trainer | undefined;
  try {
    trainer = resumeTrainer(rt, bytes).trainer;
    // The text part is checked by TextModel.load's own reader, on a model file of the same weights.
    const { cli: _, ...part } = extra;
    const checked = TextModel.load(rt, saveModel(trainer.model, part));
    const model = new TextModel(
      rt,
      checked.vocab,
      { level: checked.level },
      trainer.model as TextModel['model'],
    );
    model.stepsTrained = checked.stepsTrained;
    checked.dispose();
    const stored = (extra.cli as { best?: unknown }).best;
    let best: HeldOutBest;
    try {
      best = new HeldOutBest(stored === undefined ? undefined : readBest(stored, model.model, trainer.steps));
    } catch (error) {
      throw new CliFailure(`--resume ${path}: ${(error as Error).message}`);
    }
    return { model, trainer, setup, best };
  } catch (error) {
    if (trainer) {
      trainer.dispose();
      trainer.model.dispose();
    }
    if (!(error instanceof WasmRnnError)) throw error;
    throw new CliFailure(`--resume ${path}: ${error.name}: ${error.message}`);
  }
}
