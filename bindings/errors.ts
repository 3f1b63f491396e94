// Typed errors: each names the argument, what was expected and what came, so a user can fix the call.
// Names are string literals on the prototypes: a minifier renames classes, so `new.target.name` would print
// `s: …` instead of `DataError: …` from a bundle. Messages are capped (MAX_MESSAGE): a hostile file can make a
// message from a shape of a million entries, and one error line must stay one line.

/** Longest message kept whole; a longer one keeps its start and end and says how much was cut. */
export const MAX_MESSAGE = 300;

/** `message` cut to about MAX_MESSAGE characters, the cut said in place (never inside a surrogate pair). */
export function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const keepEnd = (at: number) => (/[\uDC00-\uDFFF]/.test(message[at] ?? '') ? at - 1 : at);
  const head = keepEnd(MAX_MESSAGE - 80);
  const tail = keepEnd(message.length - 40);
  return `${message.slice(0, head)} … [${tail - head} characters cut] … ${message.slice(tail)}`;
}

/** Base class of every error this library throws on purpose. */
export class WasmRnnError extends Error {
  constructor(message: string) {
    super(capMessage(String(message)));
    // A subclass declared elsewhere without a literal name of its own still gets its class name.
    if (!Object.hasOwn(new.target.prototype, 'name')) this.name = new.target.name;
  }
}

/** Sets the name every instance of `type` reports, as a literal that survives minification. */
function named(type: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(type.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** A tensor or array has the wrong shape or length. */
export class ShapeError extends WasmRnnError {}

/** An argument has the right shape but a value outside what is allowed (NaN, negative size, unknown name). */
export class ValueError extends WasmRnnError {}

/** A backend cannot be initialised here, or a module is not this library's kernels. */
export class BackendError extends WasmRnnError {}

/** Linear memory cannot hold what was asked for. */
export class MemoryLimitError extends WasmRnnError {}

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

named(WasmRnnError, 'WasmRnnError');
named(ShapeError, 'ShapeError');
named(ValueError, 'ValueError');
named(BackendError, 'BackendError');
named(MemoryLimitError, 'MemoryLimitError');
named(FormatError, 'FormatError');
named(DataError, 'DataError');
named(NonFiniteError, 'NonFiniteError');

const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), 'length')
  ?.get as (this: ArrayBufferView) => number;

/** The class name of an object, read from data properties only: no getter, toString or valueOf runs. */
function className(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'object';
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  if (typeof ctor !== 'function') return 'object';
  const name = Object.getOwnPropertyDescriptor(ctor, 'name')?.value;
  return typeof name === 'string' && name.length > 0 ? name.slice(0, 40) : 'object';
}

/**
 * Formats a received value for messages without dumping large arrays, and without calling anything the value
 * controls (a toString or valueOf that is not a function would make building the message throw).
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    const length = object instanceof DataView ? object.byteLength : typedArrayLength.call(object);
    return `${className(object)}(${length})`;
  }
  if (Array.isArray(object)) return `Array(${object.length})`;
  return className(object);
}
