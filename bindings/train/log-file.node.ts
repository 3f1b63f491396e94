// Node only: CsvLogger and JsonlLogger that also take a file path, as Keras's CSVLogger(filename, append=...)
// does. The file is emptied when training begins (kept with `append`) and each epoch's line is appended and
// awaited, so a crash loses at most the epoch being written.

import { appendFile, stat, writeFile } from 'node:fs/promises';
import {
  CsvLogger as AnyRuntimeCsvLogger,
  JsonlLogger as AnyRuntimeJsonlLogger,
  type CsvLoggerOptions,
  type LogDestination,
  type LoggerOptions,
  type LogSink,
} from './loggers.ts';

/** A file as a LogDestination. */
export function logFile(path: string): LogDestination {
  return {
    async open(append) {
      if (!append) {
        await writeFile(path, '');
        return { empty: true };
      }
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      return { empty: size === 0 };
    },
    write: (text) => appendFile(path, text),
  };
}

const target = (t: string | LogSink | LogDestination) => (typeof t === 'string' ? logFile(t) : t);

/** CsvLogger('training.csv') writes the file; a sink function or a LogDestination works too. */
export class CsvLogger extends AnyRuntimeCsvLogger {
  constructor(file: string | LogSink | LogDestination, options: CsvLoggerOptions = {}) {
    super(target(file), options);
  }
}

/** JsonlLogger('training.jsonl') writes the file; a sink function or a LogDestination works too. */
export class JsonlLogger extends AnyRuntimeJsonlLogger {
  constructor(file: string | LogSink | LogDestination, options: LoggerOptions = {}) {
    super(target(file), options);
  }
}
