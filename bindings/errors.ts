// Typed errors: each names the argument, what was expected and what came, so a user can fix the call.

/** Base class of every error this library throws on purpose. */
export class WasmRnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or array has the wrong shape or length. */
export class ShapeError extends WasmRnnError {}

/** An argument has the right shape but a value outside what is allowed (NaN, negative size, unknown name). */
export class ValueError extends WasmRnnError {}

/** A backend cannot be initialised here, or a module is not this library's kernels. */
export class BackendError extends WasmRnnError {}

/** Linear memory cannot hold what was asked for. */
export class MemoryLimitError extends WasmRnnError {}

/** Formats a received value for messages without dumping large arrays. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length ?? value.byteLength;
    return `${value.constructor.name}(${length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return String(value);
}

/** A file (safetensors weights, model manifest) is truncated, malformed or disagrees with itself. */
export class FormatError extends WasmRnnError {}

/** The data itself is unusable as given (NaN/Inf in a sample, a bad CSV cell, an unknown character). */
export class DataError extends ValueError {}

/**
 * Training met a NaN or ±Inf loss or gradient, or an update that made a weight or optimizer buffer non-finite;
 * the weights (and the optimizer's state) are those of the last good step.
 */
export class NonFiniteError extends WasmRnnError {
  /** The step (1-based, counting every step of the trainer) whose loss, gradient or update was not finite. */
  readonly step: number;
  /** 'loss', or the PyTorch name of the first parameter with a non-finite gradient (or made so by the update). */
  readonly parameter: string;

  constructor(message: string, step: number, parameter: string) {
    super(message);
    this.step = step;
    this.parameter = parameter;
  }
}
