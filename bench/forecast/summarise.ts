// A series' figures from its seeds: our MAE per series is the mean over the seeds (each seed kept beside it).

import type { LoadedSeries, SeedResult, SeriesResult } from './types.ts';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export function summarise(s: LoadedSeries, seeds: SeedResult[]): SeriesResult {
  return {
    name: s.cfg.name,
    N: s.N,
    m: s.cfg.m,
    H: s.cfg.H,
    o: s.o,
    seeds,
    oneStep: mean(seeds.map((r) => r.oneStep)),
    rolling: mean(seeds.map((r) => r.rolling)),
    fitSeconds: mean(seeds.map((r) => r.fitSeconds)),
    fitSecondsMax: Math.max(...seeds.map((r) => r.fitSeconds)),
  };
}
