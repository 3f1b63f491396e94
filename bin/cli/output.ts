// What a command prints, by mode: for a person (results on stdout, progress and charts on stderr/stdout),
// --quiet (results and errors only: no progress bar, no chart, no running samples) and --json (exactly one JSON
// document on stdout, written at the end: the result's numbers, the paths written, the forecasts). Errors stay
// one line on stderr in every mode, so a script reads stdout as the answer and the exit code as the verdict.

import type { Command } from 'commander';
import { type CliIO, line } from './io.ts';

export interface OutputFlags {
  quiet?: boolean;
  json?: boolean;
}

/** --quiet and --json on a command. */
export function withOutputFlags(command: Command): Command {
  return command
    .option('-q, --quiet', 'print only the results and errors: no progress, charts or running samples', false)
    .option(
      '--json',
      'print exactly one JSON document on stdout (the results, the files written); errors stay on stderr',
      false,
    );
}

/** Typed arrays as lists and non-finite numbers as null, so any JSON reader takes the document. */
function plain(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as Float32Array);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

export class Report {
  readonly #io: CliIO;
  readonly json: boolean;
  /** Progress, charts and running samples are shown (neither --quiet nor --json). */
  readonly chatty: boolean;
  readonly #result: Record<string, unknown>;

  constructor(io: CliIO, flags: OutputFlags, command: string) {
    this.#io = io;
    this.json = flags.json === true;
    this.chatty = !this.json && flags.quiet !== true;
    this.#result = { command };
  }

  /** A line of the result, for a person (not part of the JSON document). */
  say(text = ''): void {
    if (!this.json) line(this.#io.stdout, text);
  }

  /** A field of the JSON document. */
  set(key: string, value: unknown): void {
    this.#result[key] = value;
  }

  /** Ends the command: under --json, the one document. */
  finish(): void {
    if (this.json) this.#io.stdout.write(`${JSON.stringify(this.#result, plain, 2)}\n`);
  }
}
