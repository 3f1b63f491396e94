// The README's results table from a bench JSON: node --import tsx bench/markdown.ts bench/results/latest.json
// One row per workload: every system's median (the native peers' from their blocks in the same run), our best
// against TF.js's best (the ratio of the medians, and the paired ratio of bench/paired.ts), against PyTorch on one
// thread (paired) and against our own ts backend.

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { best, OURS, TFJS } from './targets.ts';
import type { BenchResult, BenchSystem, PairedResult } from './types.ts';

const SYSTEMS: BenchSystem[] = [
  'wasm-relaxed',
  'wasm-simd',
  'ts',
  'tfjs-wasm',
  'tfjs-cpu',
  'pytorch',
  'ort-node',
  'ort-web',
];
const WORKLOADS = [
  'W1',
  'W2',
  'W3',
  'W4',
  'W5a',
  'W5b',
  'W6',
  'G-nn-512',
  'G-nt-512',
  'G-tn-512',
  'G-tn-1024',
  'ceiling',
];

const fmt = (v: number) =>
  v >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 100 ? v.toFixed(0) : v.toFixed(1);

export function markdownTable(results: BenchResult[], paired: readonly PairedResult[] = []): string {
  const head = [
    'workload',
    'unit',
    ...SYSTEMS,
    'ours ÷ PyTorch 1 thread (paired)',
    'ours ÷ TF.js (medians)',
    'ours ÷ TF.js (paired)',
    'ours ÷ ts',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const w of WORKLOADS) {
    const rows = results.filter((r) => r.workload === w && r.threads === 1);
    if (rows.length === 0) continue;
    const lower = rows[0].unit === 'us/step';
    const ours = best(rows, OURS);
    const ratio = (other: BenchResult | undefined) => {
      if (!ours || !other) return '—';
      return `${(lower ? other.median / ours.median : ours.median / other.median).toFixed(1)}×`;
    };
    const cells = SYSTEMS.map((s) => {
      const r = rows.find((x) => x.system === s);
      return r ? fmt(r.median) : '—';
    });
    const tp = paired.find((p) => p.workload === w && p.peer === 'pytorch' && (p.peerThreads ?? 1) === 1);
    const torch = tp ? `${tp.speedup.toFixed(2)}× (${tp.min.toFixed(2)}–${tp.max.toFixed(2)})` : '—';
    const unit = rows[0].unit.replace('us/step', 'µs/step');
    const tf = best(rows, TFJS);
    const ts = rows.find((r) => r.system === 'ts');
    const pair = paired.find((p) => p.workload === w && TFJS.has(p.peer));
    const together = pair
      ? `${pair.speedup.toFixed(1)}× (${pair.min.toFixed(1)}–${pair.max.toFixed(1)})`
      : '—';
    lines.push(
      `| ${w} | ${unit} | ${cells.join(' | ')} | ${torch} | ${ratio(tf)} | ${together} | ${ratio(ts)} |`,
    );
  }
  return lines.join('\n');
}

/** Rows on more than one thread (--threads), against each one's 1-thread row and PyTorch's 2-thread row. */
export function threadsTable(results: BenchResult[]): string {
  const threaded = results.filter((r) => r.threads > 1 && OURS.has(r.system));
  if (threaded.length === 0) return '';
  const head = [
    'workload',
    'system',
    'threads',
    'unit',
    'median',
    '÷ 1 thread',
    'PyTorch 2 threads (same run)',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of threaded) {
    const one = results.find((o) => o.workload === r.workload && o.system === r.system && o.threads === 1);
    const torch = results.find(
      (o) => o.workload === r.workload && o.system === 'pytorch' && o.threads === 2,
    )?.median;
    lines.push(
      `| ${r.workload} | ${r.system} | ${r.threads} | ${r.unit} | ${fmt(r.median)} | ${one ? `${(r.median / one.median).toFixed(2)}×` : '—'} | ${torch === undefined ? '—' : fmt(torch)} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = JSON.parse(await readFile(process.argv[2], 'utf8')) as {
    results: BenchResult[];
    paired?: PairedResult[];
  };
  console.log(markdownTable(doc.results, doc.paired));
  const threads = threadsTable(doc.results);
  if (threads) console.log(`\n${threads}`);
}
