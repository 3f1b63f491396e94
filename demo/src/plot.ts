// A small canvas line chart: enough for a live loss curve and a forecast against the truth, with axes and a
// legend. Each line may start at its own x (a forecast begins where the history ends); NaN leaves a gap. A band
// (a prediction interval) is a shaded area between two lines, drawn under them.

export interface PlotLine {
  values: ArrayLike<number>;
  color: string;
  label: string;
  /** x of the first value (default 0). */
  start?: number;
  width?: number;
}

export interface PlotBand {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** A translucent fill, e.g. 'rgba(22, 163, 74, 0.25)'. */
  color: string;
  label: string;
  start?: number;
}

export interface PlotOptions {
  /** Shaded areas under the lines, in the legend after them. */
  bands?: readonly PlotBand[];
  /** Vertical marker, e.g. where the test split begins. */
  marker?: { x: number; label: string };
  /** Log-scale y (a loss curve reads better so). */
  logY?: boolean;
}

const PAD = { left: 52, right: 12, top: 22, bottom: 24 };

export function plot(canvas: HTMLCanvasElement, lines: readonly PlotLine[], options: PlotOptions = {}): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: W, height: H } = canvas;
  ctx.clearRect(0, 0, W, H);
  const ty = (v: number) => (options.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const bands = options.bands ?? [];
  const extents = [
    ...lines,
    ...bands.flatMap((b) => [
      { values: b.lower, start: b.start },
      { values: b.upper, start: b.start },
    ]),
  ];
  let xMax = 1;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const l of extents) {
    xMax = Math.max(xMax, (l.start ?? 0) + l.values.length - 1);
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i];
      if (!Number.isFinite(v)) continue;
      yMin = Math.min(yMin, ty(v));
      yMax = Math.max(yMax, ty(v));
    }
  }
  if (!Number.isFinite(yMin)) return;
  if (yMax === yMin) yMax = yMin + 1;
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + (x / xMax) * pw;
  const sy = (y: number) => PAD.top + (1 - (ty(y) - yMin) / (yMax - yMin)) * ph;
  axes(ctx, W, H, yMin, yMax, options.logY ?? false);
  if (options.marker) {
    ctx.strokeStyle = '#9ca3af';
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(sx(options.marker.x), PAD.top);
    ctx.lineTo(sx(options.marker.x), H - PAD.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#6b7280';
    ctx.fillText(options.marker.label, sx(options.marker.x) + 4, PAD.top + 10);
  }
  for (const b of bands) fillBand(ctx, b, sx, sy);
  for (const l of lines) {
    ctx.strokeStyle = l.color;
    ctx.lineWidth = l.width ?? 1.5;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i];
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const x = sx((l.start ?? 0) + i);
      if (pen) ctx.lineTo(x, sy(v));
      else ctx.moveTo(x, sy(v));
      pen = true;
    }
    ctx.stroke();
  }
  legend(ctx, [...lines, ...bands]);
}

/** The area between lower and upper, one polygon per run of finite values (NaN ends a run). */
function fillBand(
  ctx: CanvasRenderingContext2D,
  b: PlotBand,
  sx: (x: number) => number,
  sy: (y: number) => number,
): void {
  ctx.fillStyle = b.color;
  const n = Math.min(b.lower.length, b.upper.length);
  const finite = (i: number) => Number.isFinite(b.lower[i]) && Number.isFinite(b.upper[i]);
  for (let from = 0; from < n; from++) {
    if (!finite(from)) continue;
    let to = from;
    while (to + 1 < n && finite(to + 1)) to++;
    ctx.beginPath();
    for (let i = from; i <= to; i++) ctx.lineTo(sx((b.start ?? 0) + i), sy(b.upper[i]));
    for (let i = to; i >= from; i--) ctx.lineTo(sx((b.start ?? 0) + i), sy(b.lower[i]));
    ctx.closePath();
    ctx.fill();
    from = to;
  }
}

function axes(
  ctx: CanvasRenderingContext2D,
  W: number,
  H: number,
  lo: number,
  hi: number,
  log: boolean,
): void {
  ctx.strokeStyle = '#d1d5db';
  ctx.fillStyle = '#6b7280';
  ctx.lineWidth = 1;
  ctx.font = '11px system-ui, sans-serif';
  for (let k = 0; k <= 4; k++) {
    const y = PAD.top + (k / 4) * (H - PAD.top - PAD.bottom);
    const v = hi - (k / 4) * (hi - lo);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(W - PAD.right, y);
    ctx.stroke();
    const label = log ? (10 ** v).toPrecision(3) : v.toFixed(Math.abs(hi - lo) < 10 ? 2 : 0);
    ctx.fillText(label, 4, y + 4);
  }
}

/** A stroke per line, a swatch per band. */
function legend(ctx: CanvasRenderingContext2D, entries: readonly (PlotLine | PlotBand)[]): void {
  let x = PAD.left;
  for (const l of entries) {
    ctx.fillStyle = l.color;
    if ('lower' in l) ctx.fillRect(x, 2, 14, 11);
    else ctx.fillRect(x, 6, 14, 3);
    ctx.fillStyle = '#374151';
    ctx.fillText(l.label, x + 18, 11);
    x += 26 + ctx.measureText(l.label).width;
  }
}
