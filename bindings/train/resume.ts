// Resuming in a fresh process from nothing but a checkpoint: the file decoded once and checked whole (manifest,
// weights, training state, the optimizer's and carried tensors against the model), then the model built from
// its architecture, the trainer from the options it recorded, and every piece of state restored. A refusal
// after something was built frees it: 2,000 refused files leave linear memory as it was.

import { ValueError } from '../errors.ts';
import { type LoadOptions, loadOptions } from '../io/load-options.ts';
import { buildModel, readModelFile } from '../io/model-save.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import { checkRuntime, type Runtime } from '../runtime/runtime.ts';
import { applyCheckpointFile, checkpointTensors } from './checkpoint.ts';
import { Trainer } from './trainer.ts';
import { fail, parseTrainingState, TRAINING_KEY } from './training-state.ts';

/** A new model and trainer on `rt` that continue the checkpointed run exactly; `extra` as saved. */
export function resumeTrainer(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
  options?: LoadOptions,
): { trainer: Trainer; extra: Record<string, unknown> } {
  checkRuntime(rt);
  const o = loadOptions(options);
  const file = decodeSafetensors(bytes);
  const state = parseTrainingState(file.metadata[TRAINING_KEY]);
  const read = readModelFile(file);
  // The checkpoint's own tensors are checked against the architecture before anything is allocated.
  checkpointTensors(file, state, read, o);
  const { model, extra } = buildModel(rt, file, read, o);
  let trainer: Trainer | undefined;
  try {
    try {
      trainer = new Trainer(model, state.spec);
    } catch (cause) {
      if (cause instanceof ValueError) fail(`its trainer options are invalid: ${cause.message}`);
      throw cause;
    }
    applyCheckpointFile(trainer, file, state, o);
  } catch (cause) {
    trainer?.dispose();
    model.dispose();
    throw cause;
  }
  return { trainer, extra };
}
