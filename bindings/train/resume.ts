// Resuming in a fresh process from nothing but a checkpoint: the model from its architecture, the trainer
// from the options it recorded, then every piece of state restored.

import { loadAnyModel } from '../io/model-save.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { readTrainingState } from './checkpoint.ts';
import { Trainer } from './trainer.ts';

/** A new model and trainer on `rt` that continue the checkpointed run exactly; `extra` as saved. */
export function resumeTrainer(
  rt: Runtime,
  bytes: Uint8Array | ArrayBuffer,
): { trainer: Trainer; extra: Record<string, unknown> } {
  const state = readTrainingState(bytes);
  const { model, extra } = loadAnyModel(rt, bytes);
  const trainer = new Trainer(model, state.spec);
  trainer.restore(bytes);
  return { trainer, extra };
}
