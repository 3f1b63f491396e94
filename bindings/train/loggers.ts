// CsvLogger and JsonlLogger: fit() callbacks that write one row per epoch — epoch, loss, val_loss, val_accuracy,
// lr, seconds, tokens_per_second — as Keras's CSVLogger does. Here they write to a sink function (any runtime:
// a browser can collect the text, a worker post it) or to a LogDestination; the Node entry's subclasses
// (log-file.node.ts) also take a file path.

import { describe, ValueError } from '../errors.ts';
import { flag, optionsObject } from '../validate.ts';
import type { Callback, EpochEvent } from './callbacks.ts';

/** Receives the logger's text: the header line (CSV), then one line per epoch, each ending in '\n'. */
export type LogSink = (text: string) => void | Promise<void>;

/** Where a logger writes when it needs to know what is already there (a file). */
export interface LogDestination {
  /** Called when training begins: empties the destination unless `append`; says whether it now holds nothing. */
  open(append: boolean): Promise<{ empty: boolean }> | { empty: boolean };
  write(text: string): void | Promise<void>;
}

export interface LoggerOptions {
  /**
   * Continue an existing log (a resumed run) instead of starting it anew; a CSV header is then written only
   * if the destination is empty. With a sink function: no header. Default false.
   */
  append?: boolean;
}

export interface CsvLoggerOptions extends LoggerOptions {
  /** Default ','. */
  separator?: string;
}

/** An epoch's values under Keras's names, in Keras's order; absent values (no validation) are left out. */
export function epochRecord(e: EpochEvent): Record<string, number> {
  const r: Record<string, number> = { epoch: e.epoch, loss: e.loss };
  if (e.valLoss !== undefined) r.val_loss = e.valLoss;
  if (e.valAccuracy !== undefined) r.val_accuracy = e.valAccuracy;
  r.lr = e.lr;
  r.seconds = e.seconds;
  r.tokens_per_second = e.tokensPerSecond;
  return r;
}

function destination(name: string, target: unknown): LogDestination | LogSink {
  if (typeof target === 'function') return target as LogSink;
  const d = target as LogDestination | null;
  if (typeof d === 'object' && d !== null && typeof d.open === 'function' && typeof d.write === 'function') {
    return d;
  }
  const path =
    typeof target === 'string'
      ? `; a file path needs Node (the 'wasm-rnn' Node entry's ${name} takes one), here pass a function (text) => …`
      : '';
  throw new ValueError(
    `${name}: target must be a function (text) => void or a LogDestination { open, write } but got ${describe(target)}${path}`,
  );
}

abstract class EpochLogger implements Callback {
  readonly #target: LogDestination | LogSink;
  readonly #append: boolean;
  #header = true;

  protected constructor(name: string, target: unknown, options: LoggerOptions, keys: readonly string[]) {
    this.#target = destination(name, target);
    const o = optionsObject(`${name} options`, options, false, ['append', ...keys]);
    this.#append = flag(`${name}: append`, o.append, false);
  }

  async onTrainBegin(): Promise<void> {
    const t = this.#target;
    this.#header = typeof t === 'function' ? !this.#append : (await t.open(this.#append)).empty;
  }

  async onEpochEnd(event: EpochEvent): Promise<void> {
    const text = this.lines(epochRecord(event), this.#header);
    this.#header = false;
    const t = this.#target;
    await (typeof t === 'function' ? t(text) : t.write(text));
  }

  /** The text for one epoch, with the header first when `header`. */
  protected abstract lines(record: Record<string, number>, header: boolean): string;
}

/** Keras's CSVLogger: a header from the first epoch's columns, then one row per epoch. */
export class CsvLogger extends EpochLogger {
  readonly #separator: string;
  #columns: string[] = [];

  constructor(target: LogSink | LogDestination, options: CsvLoggerOptions = {}) {
    super('CsvLogger', target, options, ['separator']);
    const s = options?.separator ?? ',';
    if (typeof s !== 'string' || s.length === 0 || /[\n\r".0-9a-z_-]/i.test(s)) {
      throw new ValueError(
        `CsvLogger: separator must be a character such as ',' ';' or '\\t' (not a quote, digit, letter or newline) but got ${describe(s)}`,
      );
    }
    this.#separator = s;
  }

  protected lines(record: Record<string, number>, header: boolean): string {
    // Columns are fixed by the first epoch this logger sees; a value absent later is an empty cell.
    if (this.#columns.length === 0) this.#columns = Object.keys(record);
    const row = this.#columns.map((c) => (record[c] === undefined ? '' : String(record[c])));
    const text = `${row.join(this.#separator)}\n`;
    return header ? `${this.#columns.join(this.#separator)}\n${text}` : text;
  }
}

/** One JSON object per epoch per line (JSON Lines), under the same names as CsvLogger's columns. */
export class JsonlLogger extends EpochLogger {
  constructor(target: LogSink | LogDestination, options: LoggerOptions = {}) {
    super('JsonlLogger', target, options, []);
  }

  protected lines(record: Record<string, number>): string {
    return `${JSON.stringify(record)}\n`;
  }
}
