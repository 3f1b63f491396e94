// A line chart drawn in the terminal (asciichart): forecast against truth and baseline. Series longer than the
// terminal is wide are averaged down to one point per column; the lines are told apart by colour, so the
// legend names each colour. Lines of one name share a colour and a legend entry (an interval's lower and upper
// bounds), and the first line is drawn on top where lines cross (the truth, or the forecast over its bounds).
// Without colour (a pipe, a file, a CI log) lines on one plot cannot be told apart, so each name gets its own
// small plot on the same scale, titled, with no escape codes; an interval's bounds are left to the table.

import asciichart from 'asciichart';

export interface ChartLine {
  name: string;
  values: ArrayLike<number>;
}

export interface ChartOptions {
  /** Columns the whole chart may take, labels included (default 80). */
  width?: number;
  /** Rows of the plot (default 12). */
  height?: number;
  color?: boolean;
}

const COLORS = [
  asciichart.lightgray,
  asciichart.green,
  asciichart.yellow,
  asciichart.cyan,
  asciichart.magenta,
];
const LABEL_WIDTH = 10;

/** Averages `values` into `columns` equal buckets (or returns them when they already fit). */
export function resample(values: ArrayLike<number>, columns: number): number[] {
  const n = values.length;
  if (n <= columns) return Array.from(values);
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / columns));
    let s = 0;
    for (let i = from; i < to; i++) s += values[i];
    out.push(s / (to - from));
  }
  return out;
}

export function drawChart(lines: readonly ChartLine[], options: ChartOptions = {}): string {
  if (!options.color) return plainCharts(lines, options);
  const columns = Math.max(10, (options.width ?? 80) - LABEL_WIDTH - 2);
  const names = [...new Set(lines.map((l) => l.name))];
  const colorOf = (name: string) => COLORS[names.indexOf(name) % COLORS.length];
  const color = true;
  // asciichart draws each series over the ones before it: reversed, the first line ends on top.
  const drawn = [...lines].reverse();
  const plot = asciichart.plot(
    drawn.map((l) => resample(l.values, columns)),
    {
      height: options.height ?? 12,
      colors: color ? drawn.map((l) => colorOf(l.name)) : [],
      format: (x: number) => x.toFixed(1).padStart(LABEL_WIDTH - 2),
    },
  );
  const legend = names.map((name) => `${colorOf(name)}━━${asciichart.reset} ${name}`).join('   ');
  return `${plot}\n${' '.repeat(LABEL_WIDTH)}${legend}`;
}

/** One plot per name that has a single line, all on the scale of every line, each under its title. */
function plainCharts(lines: readonly ChartLine[], options: ChartOptions): string {
  const columns = Math.max(10, (options.width ?? 80) - LABEL_WIDTH - 2);
  const count = (name: string) => lines.filter((l) => l.name === name).length;
  const single = lines.filter((l) => count(l.name) === 1);
  const points = lines.map((l) => resample(l.values, columns));
  const min = Math.min(...points.flat().filter(Number.isFinite));
  const max = Math.max(...points.flat().filter(Number.isFinite));
  const height = Math.max(4, Math.round((options.height ?? 12) / Math.max(1, single.length)) + 2);
  const plots = single.map(
    (l) =>
      `${' '.repeat(LABEL_WIDTH)}${l.name}\n${asciichart.plot(resample(l.values, columns), {
        height,
        min,
        max,
        format: (x: number) => x.toFixed(1).padStart(LABEL_WIDTH - 2),
      })}`,
  );
  const left = [...new Set(lines.filter((l) => count(l.name) > 1).map((l) => l.name))];
  const note = left.length ? `\n${' '.repeat(LABEL_WIDTH)}(${left.join(', ')}: in the table above)` : '';
  return `${plots.join('\n\n')}${note}`;
}
