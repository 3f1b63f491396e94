// Printing and saving results: a table with each system's ratio to the best of ours, and the JSON of BENCHMARKS.md.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { clockName } from './measure.ts';
import { best, OURS } from './targets.ts';
import type { BenchResult, MemoryResult, PairedResult } from './types.ts';

const lowerIsBetter = (r: BenchResult) => r.unit === 'us/step';

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One row per result; `ratio` is the system's speed relative to our best system on that workload. */
export function formatTable(results: BenchResult[]): string {
  const rows = [['workload', 'system', 'median', 'min–max', 'unit', 'vs ours']];
  const workloads = [...new Set(results.map((r) => r.workload))];
  for (const w of workloads) {
    const group = results.filter((r) => r.workload === w);
    const ours = best(group, OURS);
    for (const r of group) {
      const ratio = ours ? (lowerIsBetter(r) ? ours.median / r.median : r.median / ours.median) : Number.NaN;
      const system = r.threads > 1 ? `${r.system} ×${r.threads} threads` : r.system;
      rows.push([w, system, fmt(r.median), `${fmt(r.min)}–${fmt(r.max)}`, r.unit, `${ratio.toFixed(3)}×`]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

const MiB = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Peak linear memory per training workload and system. */
export function formatMemory(memory: MemoryResult[]): string {
  const lines = ['peak memory (linear memory / arena high-water, MiB)'];
  for (const m of memory) {
    lines.push(
      `  ${m.workload.padEnd(4)} ${m.system.padEnd(13)} ${MiB(m.linearBytes)} / ${MiB(m.arenaBytes)}`,
    );
  }
  return lines.join('\n');
}

const range = (r: { min: number; max: number } | undefined) => (r ? ` (${fmt(r.min)}–${fmt(r.max)})` : '');
const ratio = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Our speed against each peer's in alternating blocks (bench/paired.ts), one line per workload and peer: the
 * median of the rounds' ratios with their min–max, and each side's milliseconds per call with its spread. */
export function formatPaired(paired: PairedResult[]): string {
  const lines = [
    'paired (alternating blocks, one ratio a round: peer time ÷ ours, > 1 = ours faster; median (min–max); ms a call median (min–max))',
  ];
  for (const p of paired) {
    const side = (system: string, threads = 1) => (threads > 1 ? `${system} ×${threads}` : system);
    lines.push(
      `  ${p.workload.padEnd(4)} ${side(p.ours, p.oursThreads).padEnd(16)} ÷ ${side(p.peer, p.peerThreads).padEnd(12)} ${ratio(p.speedup)}× (${ratio(p.min)}–${ratio(p.max)}, ${p.rounds} rounds); ours ${fmt(p.oursMs)}${range(p.oursRangeMs)}, peer ${fmt(p.peerMs)}${range(p.peerRangeMs)}`,
    );
  }
  return lines.join('\n');
}

/** Writes the JSON atomically: a temporary file beside the target, then a rename. */
export async function writeJson(
  file: string,
  results: BenchResult[],
  memory: MemoryResult[],
  paired: PairedResult[] = [],
  extra: Record<string, unknown> = {},
): Promise<void> {
  const require = createRequire(import.meta.url);
  const doc = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    tfjs: (require('@tensorflow/tfjs/package.json') as { version: string }).version,
    clock: clockName(),
    results,
    memory,
    paired,
    ...extra,
  };
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  await rename(tmp, file);
}
