// The held-out check whose weights `wasm-rnn train` keeps on a text, as TextModel.fit keeps them: the lowest
// held-out loss (the earlier on a tie). A checkpoint holds the best of the checks every run makes at the same
// steps (every --validate-every steps, or each pass's end), with its weights, so a resumed run keeps what the
// uninterrupted run keeps; the check after a run's last step, when it falls elsewhere, only counts for that run.

import { Buffer } from 'node:buffer';

export interface BestCheck {
  loss: number;
  /** The trainer's step count when it was measured (counted from the run's start, checkpoints included). */
  step: number;
  weights: Record<string, Float32Array>;
}

/** A BestCheck in a checkpoint's JSON: each weight's float32 bytes (little-endian, as safetensors) in base64. */
export interface StoredBest {
  loss: number;
  step: number;
  weights: Record<string, string>;
}

interface Weighted {
  getWeights(): Record<string, Float32Array>;
}

const lower = (a: BestCheck | undefined, b: BestCheck | undefined) => (b && !(a && a.loss <= b.loss) ? b : a);

export class HeldOutBest {
  /** The best of the checks at the steps every run checks: what a checkpoint keeps. */
  scheduled: BestCheck | undefined;
  #end: BestCheck | undefined;

  constructor(from?: BestCheck) {
    this.scheduled = from;
  }

  /** A check of `loss` after `step`; `scheduled`: at a step every run checks (else: this run's end). */
  see(loss: number, step: number, scheduled: boolean, model: Weighted): void {
    if (!Number.isFinite(loss) || (this.best && this.best.loss <= loss)) return;
    const check = { loss, step, weights: model.getWeights() };
    if (scheduled) this.scheduled = check;
    else this.#end = check;
  }

  /** The best check of this run, the stored one included. */
  get best(): BestCheck | undefined {
    return lower(this.scheduled, this.#end);
  }
}

export function storeBest(best: BestCheck): StoredBest {
  const weights = Object.fromEntries(
    Object.entries(best.weights).map(([name, w]) => [
      name,
      Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64'),
    ]),
  );
  return { loss: best.loss, step: best.step, weights };
}

/**
 * The stored best check, checked against the model it will be set into (`steps`: the checkpoint's step count):
 * a finite loss, a step it has reached, and every weight of the model, of its length, finite. Throws an Error
 * whose message says what is wrong.
 */
export function readBest(stored: unknown, model: Weighted, steps: number): BestCheck {
  const s = stored as Partial<StoredBest> | null;
  if (typeof s !== 'object' || s === null || typeof s.loss !== 'number' || !Number.isFinite(s.loss))
    throw new Error('its best held-out check has no finite loss');
  if (typeof s.step !== 'number' || !Number.isSafeInteger(s.step) || s.step < 1 || s.step > steps)
    throw new Error(`its best held-out check has step ${String(s.step)}, not one of its ${steps} steps`);
  const stored64 = typeof s.weights === 'object' && s.weights !== null ? s.weights : {};
  const weights: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(model.getWeights())) {
    const text = (stored64 as Record<string, unknown>)[name];
    const bytes = typeof text === 'string' ? Buffer.from(text, 'base64') : undefined;
    if (bytes?.length !== w.byteLength)
      throw new Error(`its best held-out check's ${name} is not ${w.length} float32 values`);
    const values = new Float32Array(new Uint8Array(bytes).buffer);
    if (!values.every(Number.isFinite)) throw new Error(`its best held-out check's ${name} is not finite`);
    weights[name] = values;
  }
  const extra = Object.keys(stored64).find((name) => !(name in weights));
  if (extra !== undefined)
    throw new Error(`its best held-out check has a weight ${JSON.stringify(extra)} the model has not`);
  return { loss: s.loss, step: s.step, weights };
}
