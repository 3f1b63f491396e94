// Markdown tables and number formatting shared by the bench's printed sections (pasted into README as is).

/** A markdown table; the first row is the header. Columns after the first are right-aligned (numbers). */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (c === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** 4 significant digits, no exponent for the magnitudes these series have; '—' when there is no figure. */
export function num(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '—';
  return Math.abs(v) >= 1e4 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
}

export const pct = (inside: number, total: number): string => `${((100 * inside) / total).toFixed(1)} %`;
