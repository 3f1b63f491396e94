// Our figures set beside the anchors, series by series: the ratios and win/loss marks the table and the
// targets both read, computed once here so they cannot disagree.

import type { AnchorName, SeriesAnchors, SeriesResult } from './types.ts';

export const ANCHORS: readonly AnchorName[] = ['naive', 'snaive', 'AR', 'auto.arima', 'ets'];

export interface Comparison {
  r: SeriesResult;
  anchors: SeriesAnchors;
  /** ours ÷ the best anchor's MAE (rolling, one-step). */
  ratioRolling: number;
  ratioOneStep: number;
  /** Rolling MAE ≤ the anchor's. */
  beatsArima: boolean;
  beatsEts: boolean;
  /** Seasonal naive, or naive when m = 1: the floor a forecaster must never fall below. */
  floorName: 'snaive' | 'naive';
  worseThanFloor: boolean;
}

const best = (a: SeriesAnchors, key: 'rolling' | 'oneStep') =>
  Math.min(...ANCHORS.map((n) => a[n]?.[key] ?? Number.POSITIVE_INFINITY));

export function compare(r: SeriesResult, anchors: SeriesAnchors): Comparison {
  const floorName = r.m > 1 ? 'snaive' : 'naive';
  const rolling = (n: AnchorName) => anchors[n]?.rolling ?? Number.NaN;
  return {
    r,
    anchors,
    ratioRolling: r.rolling / best(anchors, 'rolling'),
    ratioOneStep: r.oneStep / best(anchors, 'oneStep'),
    beatsArima: r.rolling <= rolling('auto.arima'),
    beatsEts: r.rolling <= rolling('ets'),
    floorName,
    worseThanFloor: r.rolling > rolling(floorName),
  };
}

export const geomean = (v: number[]): number => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
