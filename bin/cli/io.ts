// Where a command writes: results on stdout, progress and failures on stderr (so `> file` keeps the results).

import { init, type Runtime } from 'wasm-rnn';
import type { BackendChoice } from './options.ts';
import type { Output } from './progress.ts';

export interface CliIO {
  stdout: Output;
  stderr: Output;
}

export function line(out: Output, text = ''): void {
  out.write(`${text}\n`);
}

export function runtime(backend: BackendChoice | undefined): Promise<Runtime> {
  return init({ backend: backend ?? 'auto' });
}

/** A table with a header row, columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const cells = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])));
      const text = cells.join('  ');
      return i === 0 ? `${text}\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : text;
    })
    .join('\n');
}
