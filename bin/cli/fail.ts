// How the command line fails: one line on stderr that says what is wrong and what to do, and an exit code a
// script can test (2: the command was called wrongly, 1: the data, a file or the model is at fault). The stack is
// for bugs only, shown with WASM_RNN_DEBUG=1.

import { WasmRnnError } from 'wasm-rnn';

/** The command line itself is wrong (a flag's value, a missing argument). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The run failed for a reason the message explains in full (training diverged). */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Training was stopped by a signal after its last good state was saved; the code is the shell's 128 + signal. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface SystemError extends Error {
  code?: string;
  path?: string;
}

const SYSTEM_HINTS: Record<string, string> = {
  ENOENT: 'no such file or directory; check the path',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/**
 * `error` with the file it concerns named first, when it is one of the library's refusals (they name the field
 * or the argument, not the user's file); anything else unchanged.
 */
export function aboutFile(file: string, error: unknown): unknown {
  if (!(error instanceof WasmRnnError)) return error;
  return new CliFailure(`${file}: ${error.name}: ${inFlags(error.message)}`);
}

/** The library's option names that the command line spells as flags. */
const FLAG_OF: Record<string, string> = {
  hiddenSize: '--hidden',
  numLayers: '--layers',
  seqLength: '--seq-length',
  batchSize: '--batch-size',
};

/** A library message in the command line's terms: `hiddenSize 40000` reads `--hidden 40000`. */
export function inFlags(message: string): string {
  return message.replace(/\b(hiddenSize|numLayers|seqLength|batchSize)\b/g, (name) => FLAG_OF[name]);
}

/** The one line printed for `error`, and the exit code. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof UsageError) return { line: `wasm-rnn: ${error.message}`, code: EXIT_USAGE };
  if (error instanceof Interrupted) return { line: `wasm-rnn: ${error.message}`, code: error.exitCode };
  if (error instanceof CliFailure) return { line: `wasm-rnn: ${error.message}`, code: EXIT_FAILURE };
  if (error instanceof WasmRnnError)
    return { line: `wasm-rnn: ${error.name}: ${error.message}`, code: EXIT_FAILURE };
  const sys = error as SystemError;
  if (sys && typeof sys.code === 'string' && SYSTEM_HINTS[sys.code]) {
    return { line: `wasm-rnn: ${sys.path ?? 'file'}: ${SYSTEM_HINTS[sys.code]}`, code: EXIT_FAILURE };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `wasm-rnn: unexpected error: ${message.split('\n')[0]} (run with WASM_RNN_DEBUG=1 for details, and please report it)`,
    code: EXIT_FAILURE,
  };
}
