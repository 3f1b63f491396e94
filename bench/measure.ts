// One timing primitive for every suite: tinybench with warm-up, latency statistics in milliseconds.

import { Bench } from 'tinybench';

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** Times `fn` (one call = one unit of work) for at least `quick ? 5 : 20` samples after warm-up. */
export async function measure(name: string, fn: () => void, quick: boolean): Promise<Timing> {
  const bench = new Bench({
    time: quick ? 200 : 1000,
    iterations: quick ? 5 : 20,
    warmupTime: quick ? 50 : 200,
    warmupIterations: 3,
  });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`bench ${name}: ${result.state}`);
  return { medianMs: result.latency.p50, minMs: result.latency.min, maxMs: result.latency.max };
}
