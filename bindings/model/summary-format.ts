// The text of model.summary(): a Keras-like table (layer and type, output shape, parameter count, what the
// shapes leave out), then the totals and the backend. Plain ASCII so it reads the same in a log file.

import type { Dim, ModelSummary } from './summary-types.ts';

const shape = (dims: readonly Dim[]): string => `(${dims.join(', ')})`;

/** 12345 → '12,345' without Intl (absent from some edge runtimes). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes in the largest binary unit that keeps the number ≥ 1. */
export function bytesText(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(2)} ${units[u]}`;
}

export function formatSummary(s: ModelSummary): string {
  const header = ['Layer (type)', 'Input shape', 'Output shape', 'Param #', 'Notes'];
  const rows = s.layers.map((l) => [
    `${l.name} (${l.kind})`,
    shape(l.inputShape),
    shape(l.outputShape),
    thousands(l.params),
    l.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Counts align right, like Keras's; the notes column is not padded (nothing follows it).
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : i === 4 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const width = Math.max(line(header).length, ...rows.map((r) => line(r).length));
  const rule = (ch: string) => ch.repeat(width);
  return [
    `${s.model} (shapes time-major: [time, batch, ...])`,
    rule('_'),
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${thousands(s.totalParams)} (${bytesText(s.weightBytes)})`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.nonTrainableParams)}`,
    `Backend: ${s.backend}`,
  ].join('\n');
}
