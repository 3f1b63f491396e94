// npm run bench:threads [-- --only W1,W2,W3,W6] [--threads 1,2] [--shards 4] [--backend wasm-simd] [--quick]
//   [--json FILE]; --shards takes a list too: every thread count is measured with every shard count.
// Training steps of W1–W3 and W6 (../shared/BENCHMARKS.md; W6's ParallelTrainer rows train stateless, its Trainer
// row stateful, see train-step.ts) with the single-threaded Trainer and with a ParallelTrainer
// at each thread count, all on one backend (wasm-simd by default; its threads build for the ParallelTrainer),
// measured in interleaved rounds so that the machine's load falls on every configuration alike. Prints medians
// of tokens/s with min–max, the CPU time of all threads per step (and over wall time: the cores the
// configuration got), each configuration's ratio to 1 thread and to the Trainer, and the CPU time of its busiest
// thread per step, whose ratio to one thread's is the speed-up a machine with a free core per thread would see.
// The same steps as `npm run bench -- --threads 1,2` (makeStep), but interleaved, with the CPU columns.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { init } from '../bindings/index.node.ts';
import { writeJson } from './report.ts';
import { addTicks, busiestMs, threadTicks } from './thread-cpu.ts';
import { makeStep, type TrainStep } from './train-step.ts';
import type { BenchResult } from './types.ts';
import { TRAIN, type TrainId, tokensPerStep } from './workloads.ts';

const WORKLOADS: readonly TrainId[] = ['W1', 'W2', 'W3', 'W6'];

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'W1,W2,W3,W6' },
    threads: { type: 'string', default: '1,2' },
    shards: { type: 'string', default: '4' },
    backend: { type: 'string', default: 'wasm-simd' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const only = values.only.split(',').map((s) => s.trim());
const threadCounts = values.threads.split(',').map(Number);
const shardCounts = values.shards.split(',').map(Number);
const unknown = only.filter((id) => !WORKLOADS.includes(id as TrainId));
const backend = values.backend as 'wasm-simd' | 'wasm-relaxed';
if (
  unknown.length > 0 ||
  [...threadCounts, ...shardCounts].some((n) => !Number.isInteger(n) || n < 1) ||
  (backend !== 'wasm-simd' && backend !== 'wasm-relaxed')
) {
  console.error(
    `bench:threads: bad --only/--threads/--shards/--backend (workloads: ${WORKLOADS.join(', ')})`,
  );
  process.exit(2);
}

interface Config {
  label: string;
  threads: number;
  shards: number;
  step: TrainStep;
  samples: number[];
  cpuMs: number[];
  /** CPU ticks per thread over the measured rounds. */
  ticks: Map<string, number>;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Times `steps` steps of every configuration per round, rounds interleaved; the first round is warm-up. */
function measureRounds(configs: Config[], rounds: number, steps: number): void {
  for (let r = 0; r <= rounds; r++) {
    for (const c of configs) {
      const cpu = process.cpuUsage();
      const ticks = threadTicks();
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) c.step.step();
      const ms = (performance.now() - t0) / steps;
      const used = process.cpuUsage(cpu);
      if (r === 0) continue;
      const after = threadTicks();
      if (ticks && after) addTicks(c.ticks, ticks, after);
      c.samples.push(ms);
      c.cpuMs.push((used.user + used.system) / 1000 / steps);
    }
  }
}

async function benchWorkload(id: TrainId): Promise<BenchResult[]> {
  const w = TRAIN[id];
  const plain = await init({ backend });
  const shared = await init({ shared: true, backend });
  const configs: Config[] = [
    { label: 'Trainer', threads: 1, shards: 1, step: makeStep(plain, w) },
    ...shardCounts.flatMap((shards) =>
      threadCounts.map((threads) => ({
        label: `ParallelTrainer ${threads}t/${shards}s`,
        threads,
        shards,
        step: makeStep(shared, w, { threads, shards }),
      })),
    ),
  ].map((c) => ({ ...c, samples: [], cpuMs: [], ticks: new Map<string, number>() }));
  for (const c of configs) await c.step.ready;
  for (const c of configs) c.step.step();
  const t0 = performance.now();
  configs[0].step.step();
  const stepMs = performance.now() - t0;
  // About 0.3 s (quick: 0.1 s) per configuration and round, at least one step.
  const steps = Math.max(1, Math.round((values.quick ? 100 : 300) / stepMs));
  measureRounds(configs, values.quick ? 5 : 11, steps);
  for (const c of configs)
    if (!Number.isFinite(c.step.loss())) throw new Error(`${id} ${c.label}: non-finite loss`);
  const tokens = tokensPerStep(w);
  const rate = (ms: number) => tokens / (ms / 1000);
  // cores: CPU time of all threads over wall time, what the machine gave the configuration on average.
  // busiest: CPU time of the busiest thread per step; "if cores free": 1 thread's busiest over this one's.
  const rows = [
    [
      'workload',
      'system',
      'median tokens/s',
      'min–max',
      'CPU ms/step',
      'cores',
      'vs 1 thread',
      'vs Trainer',
      'busiest ms/step',
      'if cores free',
    ],
  ];
  const measured = configs[0].samples.length * steps;
  const busiest = (c: Config | undefined) => (c ? busiestMs(c.ticks) / measured : Number.NaN);
  const results: BenchResult[] = [];
  const oneThread = (c: Config) =>
    configs.find((o) => o.threads === 1 && o.shards === c.shards && o !== configs[0]);
  for (const c of configs) {
    const m = median(c.samples);
    const vs = (other: Config | undefined) => (other ? `${(median(other.samples) / m).toFixed(2)}×` : '—');
    rows.push([
      id,
      c.label,
      fmt(rate(m)),
      `${fmt(rate(Math.max(...c.samples)))}–${fmt(rate(Math.min(...c.samples)))}`,
      fmt(median(c.cpuMs)),
      (median(c.cpuMs) / m).toFixed(2),
      c === configs[0] ? '—' : vs(oneThread(c)),
      vs(configs[0]),
      fmt(busiest(c)),
      c === configs[0] ? '—' : `${(busiest(oneThread(c)) / busiest(c)).toFixed(2)}×`,
    ]);
    results.push({
      workload: c === configs[0] ? id : `${id}-shards${c.shards}`,
      system: backend,
      threads: c.threads,
      unit: 'tokens/s',
      median: rate(m),
      min: rate(Math.max(...c.samples)),
      max: rate(Math.min(...c.samples)),
    });
    await c.step.dispose();
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  console.log(rows.map((row) => row.map((cell, k) => cell.padEnd(widths[k])).join('  ')).join('\n'));
  console.log(
    `(${configs[0].samples.length} rounds of ${steps} steps; load average ${loadavg()[0].toFixed(1)})\n`,
  );
  return results;
}

console.error(
  `bench:threads: load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} before`,
);
const results: BenchResult[] = [];
for (const id of only) results.push(...(await benchWorkload(id as TrainId)));
if (values.json) await writeJson(values.json, results, []);
