// Streams (truncated BPTT, bindings/data/stream.ts) checked against the model before training, and evaluated
// statefully: every window once, the state carried from window to window as in training, nothing updated.
// evaluateStream is public: a language model's held-out loss is quoted this way (char-rnn, PyTorch's
// word_language_model), and a custom loop can call it between steps without disturbing its own carried state.

import { TbpttStream } from '../data/stream.ts';
import { describe, ShapeError, ValueError } from '../errors.ts';
import type { Evaluation } from './evaluate.ts';
import type { BatchStager } from './training-run.ts';

/** Whether fit()'s `data` is a stream (tbptt()) rather than samples. */
export function isStream(data: unknown): data is TbpttStream {
  const s = data as TbpttStream | null;
  if (typeof s !== 'object' || s === null || typeof (s as { k1?: unknown }).k1 !== 'number') return false;
  if (typeof s[Symbol.iterator] !== 'function')
    throw new ShapeError('data looks like a stream but is not iterable');
  return true;
}

export function checkStream(trainer: BatchStager, stream: TbpttStream, name: string): void {
  const model = trainer.model;
  if (!model.carriesState) {
    throw new ShapeError(
      `${name}: a stream trains a unidirectional model with an output at every step (pooling 'none')`,
    );
  }
  const [L, B] = stream.inputs.shape;
  model.check({ data: stream.inputs.data, shape: stream.inputs.shape });
  const y = stream.targets.data;
  const O = model.outputSize;
  const classes = trainer.loss.config.classTargets;
  if (!classes && y.length !== L * B * O) {
    throw new ShapeError(
      `${name}: the target stream has ${y.length / (L * B)} values per step but the model outputs ${O}`,
    );
  }
  const rows = classes ? y.length : y.length / O;
  trainer.loss.check(y, rows, O, undefined, (r) => `track ${r % B}, step ${Math.floor(r / B)}`);
}

/**
 * The loss of `trainer`'s model over `stream` (a tbptt() stream): its windows in order, from a zero state at
 * the first, each starting from the state the previous one left; the exact mean over every counted target
 * (the sum with reduction 'sum'). Weights, optimizer and the state a stateful training loop carries are left
 * as they were. The stream is checked against the model and loss first (ShapeError/ValueError by name).
 */
export function evaluateStream(trainer: BatchStager, stream: TbpttStream): Evaluation {
  if (!(stream instanceof TbpttStream)) {
    throw new ValueError(
      `stream must be a stream from tbptt(ids, { tracks, k1 }) but got ${describe(stream)}`,
    );
  }
  checkStream(trainer, stream, 'stream');
  const model = trainer.model;
  const sum = trainer.loss.config.reduction === 'sum';
  const carried = model.carriedState;
  model.resetState();
  let total = 0;
  let counted = 0;
  for (const w of stream) {
    trainer.stage({ inputs: w.inputs, targets: w.targets }, { training: false, stateful: true });
    model.forward();
    const value = trainer.loss.value(model.output);
    total += sum ? value : value * trainer.loss.count;
    counted += trainer.loss.count;
    model.keepState();
  }
  model.carriedState = carried;
  return { loss: sum ? total : counted > 0 ? total / counted : 0, samples: stream.length };
}
