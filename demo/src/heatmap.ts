// The attention matrix as a heat map on a canvas: one row per character the decoder wrote, one column per
// character of the typed date, darker where the decoder looked. Both axes are labelled with their characters,
// and the cells shrink to fit the container's width, so a phone shows the whole matrix.

import type { DecodedDate } from './protocol.ts';

const LABEL = 34;
const MAX_CELL = 26;
const MIN_CELL = 10;

export function drawHeatMap(canvas: HTMLCanvasElement, date: DecodedDate): void {
  const cols = date.sourceLabels.length;
  const rows = date.targetLabels.length;
  const width = Math.max(160, canvas.parentElement?.clientWidth ?? 320);
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor((width - LABEL - 4) / cols)));
  const cssWidth = LABEL + cols * cell + 4;
  const cssHeight = LABEL + rows * cell + 4;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  ctx.font = `${Math.min(13, cell - 1)}px ui-monospace, monospace`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#1d2330';
  // Source characters across the top (a space is shown as ␣ so its column has a label too).
  date.sourceLabels.forEach((c, s) => {
    ctx.fillText(c === ' ' ? '␣' : c, LABEL + s * cell + cell / 2, LABEL / 2);
  });
  ctx.textAlign = 'right';
  date.targetLabels.forEach((c, t) => {
    ctx.fillStyle = '#1d2330';
    ctx.fillText(c, LABEL - 4, LABEL + t * cell + cell / 2);
    date.weights[t].forEach((w, s) => {
      // White at 0, deep blue at 1 (a weight is a share of the row).
      const light = Math.round(255 - w * 200);
      ctx.fillStyle = `rgb(${light}, ${Math.round(255 - w * 150)}, 255)`;
      ctx.fillRect(LABEL + s * cell, LABEL + t * cell, cell - 1, cell - 1);
    });
  });
}
