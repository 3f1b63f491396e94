// Valid forecaster files for the fuzzer (issue 17, class 7: forecaster files were trusted). Forecaster.fit is
// async and the corpus draws its bases synchronously, so a pool of small forecasters is fitted first — every
// cell, both strategies and targets, with and without the mask channel and the statistical members, one and
// two columns — and each case starts from one of them.

import { Random } from '../../bindings/random.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import { Forecaster } from '../../bindings/tasks/forecaster.ts';
import type { Base, BaseSource } from './bases.ts';
import { pick } from './mutate-bytes.ts';

/** Forecasters fitted per pool; the cases pick among them. */
const POOL = 12;

function series(rng: Random, rows: number, columns: number): Float32Array {
  const season = 4 + rng.int(9);
  const data = new Float32Array(rows * columns);
  for (let t = 0; t < rows; t++)
    for (let c = 0; c < columns; c++)
      data[t * columns + c] = 10 * c + 0.1 * t + Math.sin((2 * Math.PI * t) / season) + 0.2 * rng.next();
  // A few gaps, so the mask channel and the filled rows have something to record.
  if (rng.next() < 0.5) data[(5 + rng.int(rows - 10)) * columns] = Number.NaN;
  return data;
}

async function fitOne(rt: Runtime, rng: Random): Promise<Base> {
  const columns = rng.next() < 0.3 ? 2 : 1;
  const rows = 60 + rng.int(40);
  const horizon = 1 + rng.int(4);
  const options = {
    cell: pick(rng, ['lstm', 'gru', 'rnn'] as const),
    hiddenSize: 1 + rng.int(5),
    lookback: 4 + rng.int(12),
    horizon,
    season: 4 + rng.int(9),
    strategy: horizon > 1 ? pick(rng, ['recursive', 'direct'] as const) : ('recursive' as const),
    scaler: pick(rng, ['standard', 'minmax'] as const),
    mask: rng.next() < 0.4,
    target: pick(rng, ['change', 'level'] as const),
    method: pick(rng, ['auto', 'network'] as const),
    steps: 1 + rng.int(3),
    seed: rng.int(1000),
    split: { train: 0.7, validation: 0.1, test: 0.2 },
  };
  const data = series(rng, rows, columns);
  const input = columns === 1 ? data : { data, shape: [rows, columns] };
  const f = await Forecaster.fit(input, { runtime: rt, ...options });
  try {
    return { kind: 'forecaster', options, weights: f.model.getWeights(), bytes: f.save() };
  } finally {
    f.dispose();
  }
}

/** A pool of valid forecaster files (fitted on `rt`, each disposed at once) as a corpus source. */
export async function forecasterFiles(rt: Runtime, seed = 17): Promise<BaseSource> {
  const rng = new Random(seed);
  const pool: Base[] = [];
  for (let i = 0; i < POOL; i++) pool.push(await fitOne(rt, rng));
  return { name: 'Forecaster files', make: (r) => pool[r.int(pool.length)] };
}
