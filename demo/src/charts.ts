// The two charts, drawn by uPlot (a small, fast, dependency-free canvas charting library): the loss against the
// training step on a labelled log scale, and the forecast on a time axis of the CSV's dates. Each chart follows
// its container's width, so it fits a phone as well as a desktop.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ForecastResult } from './protocol.ts';

/** A chart that sizes itself to `el` now and whenever `el` is resized (a hidden tab has no width yet). */
function fitted(el: HTMLElement, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData) {
  const size = () => ({ width: Math.max(200, el.clientWidth), height: el.clientWidth < 500 ? 200 : 240 });
  const chart = new uPlot({ ...options, ...size() }, data, el);
  new ResizeObserver(() => {
    if (el.clientWidth > 0) chart.setSize(size());
  }).observe(el);
  return chart;
}

const AXIS = { stroke: '#4b5563', grid: { stroke: '#e5e7eb' }, ticks: { stroke: '#e5e7eb' } };

/** What a chart's axes say and how they are scaled, as the page reports it to its test. */
export interface AxesShown {
  x: string;
  y: string;
  xTime: boolean;
  yLog: boolean;
}

export function axesShown(chart: uPlot): AxesShown {
  return {
    x: String(chart.axes[0].label),
    y: String(chart.axes[1].label),
    xTime: chart.scales.x.time === true,
    yLog: chart.scales.y.distr === 3,
  };
}

/** Loss against step; the y axis is logarithmic, and says so. */
export function lossChart(el: HTMLElement): { chart: uPlot; draw(steps: number[], losses: number[]): void } {
  const chart = fitted(
    el,
    {
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      axes: [
        { ...AXIS, label: 'training step' },
        { ...AXIS, label: 'loss (log scale)', size: 60 },
      ],
      series: [{ label: 'step' }, { label: 'loss', stroke: '#2563eb', width: 1.5 }],
      legend: { show: false },
    },
    [[], []],
  );
  // A log axis cannot show 0; a loss of exactly 0 is drawn at the floor.
  // Progress can come every few milliseconds: the chart is redrawn at most once a frame, with the latest data.
  let pending: [number[], number[]] | undefined;
  const redraw = () => {
    if (!pending) return;
    const [steps, losses] = pending;
    pending = undefined;
    chart.setData([steps, losses.map((v) => Math.max(v, 1e-6))]);
  };
  return {
    chart,
    draw(steps, losses) {
      if (!pending) requestAnimationFrame(redraw);
      pending = [steps, losses];
    },
  };
}

/** The last five years of history and the whole test span, on the CSV's dates (UTC). */
export function forecastChart(el: HTMLElement, m: ForecastResult): uPlot {
  el.replaceChildren();
  const from = Math.max(0, m.testStart - 260);
  const rows = m.series.length - from;
  const x = m.dates.slice(from).map((ms) => ms / 1000);
  const offset = m.testStart - from;
  const afterSplit = (v: readonly number[]) =>
    Array.from({ length: rows }, (_, i) => (i >= offset && i - offset < v.length ? v[i - offset] : null));
  const band = m.lower.length > 0;
  const series: uPlot.Series[] = [
    { label: 'date' },
    { label: 'truth', stroke: '#9ca3af', width: 1 },
    { label: 'seasonal naive', stroke: '#f59e0b', width: 1 },
    { label: 'forecast', stroke: '#16a34a', width: 2 },
  ];
  const data: (number | null)[][] = [m.series.slice(from), afterSplit(m.baseline), afterSplit(m.forecast)];
  if (band) {
    series.push(
      { label: '80 % upper', stroke: 'rgba(22, 163, 74, 0.35)', width: 1 },
      { label: '80 % lower', stroke: 'rgba(22, 163, 74, 0.35)', width: 1 },
    );
    data.push(afterSplit(m.upper), afterSplit(m.lower));
  }
  const splitAt = x[offset];
  return fitted(
    el,
    {
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true } },
      axes: [
        { ...AXIS, label: 'week (CSV date)' },
        { ...AXIS, label: 'CO₂ (ppm)', size: 50 },
      ],
      series,
      bands: band ? [{ series: [4, 5], fill: 'rgba(22, 163, 74, 0.2)' }] : [],
      // Labels only: a weekly series has too many points for the legend to follow the cursor usefully.
      legend: { live: false },
      hooks: { draw: [(u) => splitMarker(u, splitAt)] },
    },
    [x, ...data] as uPlot.AlignedData,
  );
}

/** A dashed vertical line where the test split starts. */
function splitMarker(u: uPlot, at: number): void {
  const x = Math.round(u.valToPos(at, 'x', true));
  const { ctx } = u;
  ctx.save();
  ctx.strokeStyle = '#6b7280';
  ctx.fillStyle = '#4b5563';
  ctx.setLineDash([5, 5]);
  ctx.lineWidth = uPlot.pxRatio;
  ctx.beginPath();
  ctx.moveTo(x, u.bbox.top);
  ctx.lineTo(x, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.font = `${12 * uPlot.pxRatio}px system-ui, sans-serif`;
  ctx.fillText('test split →', x + 4 * uPlot.pxRatio, u.bbox.top + 14 * uPlot.pxRatio);
  ctx.restore();
}
