// Imputation against the two baselines: hide points whose values we know, fill them, and score the fills by MAE
// on the hidden points only. Two masks per series: 10 % of the points at random (seeded, away from the first and
// last L rows, so every gap has history on both sides), and one gap a season long (10 rows when m = 1) in the
// middle of the test part, which a forecaster fitted on the first o rows has never seen.

import { Random } from 'wasm-rnn';
import { errorMessage } from './errors.ts';
import { linearFill, seasonalFill } from './interpolate.ts';
import type { LoadedSeries } from './types.ts';

/** The imputation API landing in forecaster.ts: the series with every NaN filled. */
interface Imputer {
  impute(values: Float32Array): Float32Array;
}

export interface ImputeScores {
  mask: 'random10' | 'seasonGap';
  points: number;
  ours?: number;
  /** What impute threw, if it did. */
  error?: string;
  linear: number;
  seasonal: number;
}

export function canImpute(f: object): f is Imputer {
  return typeof (f as Partial<Imputer>).impute === 'function';
}

/** Both masks on one series; `ours` only when the forecaster can impute. */
export function imputeSeries(f: object, s: LoadedSeries, seed: number): ImputeScores[] {
  const gap = s.cfg.m > 1 ? s.cfg.m : 10;
  const masks: [ImputeScores['mask'], Int32Array][] = [
    ['random10', randomMask(s.N, s.cfg.L, Math.round(0.1 * s.N), seed)],
    ['seasonGap', gapMask(s.o, s.N, gap)],
  ];
  return masks.map(([mask, rows]) => score(f, s, mask, rows));
}

function score(f: object, s: LoadedSeries, mask: ImputeScores['mask'], rows: Int32Array): ImputeScores {
  const hidden = s.y.slice();
  for (const r of rows) hidden[r] = Number.NaN;
  const mae = (filled: ArrayLike<number>) =>
    rows.reduce((sum, r) => sum + Math.abs(filled[r] - s.y[r]), 0) / rows.length;
  const out: ImputeScores = {
    mask,
    points: rows.length,
    linear: mae(linearFill(hidden)),
    seasonal: mae(seasonalFill(hidden, s.cfg.m)),
  };
  try {
    if (canImpute(f)) out.ours = mae(f.impute(Float32Array.from(hidden)));
  } catch (e) {
    out.error = errorMessage(e);
  }
  return out;
}

/** `count` distinct rows drawn from [margin, N − margin), sorted. */
function randomMask(N: number, margin: number, count: number, seed: number): Int32Array {
  const pool = Int32Array.from({ length: N - 2 * margin }, (_, i) => margin + i);
  const rng = new Random(seed);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort();
}

/**
 * `width` consecutive rows centred in the test part o..N−1, but ending before the last row: a gap with no
 * value after it is extrapolation, not interpolation (us_accidental_deaths' test part is exactly one season).
 */
function gapMask(o: number, N: number, width: number): Int32Array {
  const start = Math.min(o + Math.floor((N - o - width) / 2), N - 1 - width);
  return Int32Array.from({ length: width }, (_, i) => start + i);
}
