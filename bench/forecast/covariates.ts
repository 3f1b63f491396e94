// Several columns at once, where there are no R anchors: (a) Seatbelts' DriversKilled forecast with PetrolPrice
// and the seat-belt law as inputs known in advance (covariates: 'known', their future passed to forecastFrom), against seasonal naive and against the forecaster on DriversKilled alone, to
// see whether the covariates pay; (b) the four EuStockMarkets indices together, each against naive.
// Same 70/15/15 split as the anchors, rolling H-step MAE over origins o..N−H.

import { Forecaster, type Runtime } from 'wasm-rnn';
import { seasonalNaiveRollingColumn } from './baselines.ts';
import { loadMatrix, type Matrix } from './matrix.ts';
import { testStart } from './series.ts';

export interface ColumnScore {
  column: string;
  /** Mean over seeds, then per seed. */
  ours: number;
  perSeed: number[];
  baseline: number;
  baselineName: 'naive' | 'snaive';
  /** The univariate forecaster on this column alone (seatbelts only). */
  alone?: number;
  alonePerSeed?: number[];
}

export interface MultiRun {
  name: string;
  N: number;
  o: number;
  m: number;
  H: number;
  columns: string[];
  targetColumns: number[];
  scores: ColumnScore[];
}

/** Rolling MAE per target column of a forecaster fitted on the first o rows of `mat`. */
async function rollingPerColumn(
  rt: Runtime,
  mat: Matrix,
  o: number,
  options: {
    season: number;
    horizon: number;
    seed: number;
    targetColumns: number[];
    covariates?: 'known';
  },
): Promise<number[]> {
  const { F, x, x32 } = mat;
  const Ft = options.targetColumns.length;
  const H = options.horizon;
  const data = x32.subarray(0, o * F);
  const f = await Forecaster.fit({ data, shape: [o, F] }, { runtime: rt, ...options });
  const sums = new Float64Array(Ft);
  let count = 0;
  for (let oo = o; oo <= mat.N - H; oo++) {
    const history = { data: x32.subarray(0, oo * F), shape: [oo, F] };
    const known = Array.from({ length: F }, (_, c) => c).filter((c) => !options.targetColumns.includes(c));
    const future = {
      data: Float32Array.from(
        { length: H * known.length },
        (_, i) => x32[(oo + Math.floor(i / known.length)) * F + known[i % known.length]],
      ),
      shape: [H, known.length],
    };
    const p = options.covariates ? f.forecastFrom(history, H, { future }) : f.forecastFrom(history, H);
    for (let k = 0; k < H; k++)
      for (let j = 0; j < Ft; j++)
        sums[j] += Math.abs(x[(oo + k) * F + options.targetColumns[j]] - p[k * Ft + j]);
    count += H;
  }
  f.dispose();
  return [...sums].map((s) => s / count);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** (a) Seatbelts: DriversKilled with PetrolPrice and law, and DriversKilled alone. */
export async function seatbelts(rt: Runtime, seeds: number[]): Promise<MultiRun> {
  const columns = ['DriversKilled', 'PetrolPrice', 'law'];
  const mat = loadMatrix('seatbelts.csv', columns);
  const alone = loadMatrix('seatbelts.csv', columns.slice(0, 1));
  const [m, H, o] = [12, 12, testStart(mat.N)];
  const withInputs: number[] = [];
  const aloneScores: number[] = [];
  for (const seed of seeds) {
    withInputs.push(
      (
        await rollingPerColumn(rt, mat, o, {
          season: m,
          horizon: H,
          seed,
          targetColumns: [0],
          covariates: 'known',
        })
      )[0],
    );
    aloneScores.push(
      (await rollingPerColumn(rt, alone, o, { season: m, horizon: H, seed, targetColumns: [0] }))[0],
    );
  }
  const score: ColumnScore = {
    column: columns[0],
    ours: mean(withInputs),
    perSeed: withInputs,
    baseline: seasonalNaiveRollingColumn(mat.x, mat.F, 0, o, H, m),
    baselineName: 'snaive',
    alone: mean(aloneScores),
    alonePerSeed: aloneScores,
  };
  return { name: 'seatbelts', N: mat.N, o, m, H, columns, targetColumns: [0], scores: [score] };
}

/** (b) EuStockMarkets: DAX, SMI, CAC and FTSE forecast together, each against naive. */
export async function euStocks(rt: Runtime, seeds: number[]): Promise<MultiRun> {
  const columns = ['DAX', 'SMI', 'CAC', 'FTSE'];
  const mat = loadMatrix('eu_stock_markets.csv', columns);
  const [m, H, o] = [1, 5, testStart(mat.N)];
  const targetColumns = columns.map((_, c) => c);
  const perSeed: number[][] = [];
  for (const seed of seeds)
    perSeed.push(await rollingPerColumn(rt, mat, o, { season: m, horizon: H, seed, targetColumns }));
  const scores = columns.map(
    (column, c): ColumnScore => ({
      column,
      ours: mean(perSeed.map((s) => s[c])),
      perSeed: perSeed.map((s) => s[c]),
      baseline: seasonalNaiveRollingColumn(mat.x, mat.F, c, o, H, 1),
      baselineName: 'naive',
    }),
  );
  return { name: 'eu_stock_markets', N: mat.N, o, m, H, columns, targetColumns, scores };
}
