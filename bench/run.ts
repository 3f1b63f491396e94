// npm run bench [-- --quick] [--only G,W1,W5a] [--json FILE] [--clock wall|cpu] [--threads 1,2]
//   [--peers pytorch,onnxruntime|none] [--skip ts,tfjs-cpu]: every workload of ../shared/BENCHMARKS.md, for our systems and the TF.js
// peers in this one process, the native peers interleaved with ours (PyTorch in one Python process on 1 and 2
// threads, onnxruntime-node/-web for W5a/W5b; bench/native-peers.ts), and the SIMD128 ceiling. A native peer that
// cannot run here is said in one line and its rows are skipped. Rows on more than one thread (--threads, and the
// 2-thread pairs with PyTorch) are timed by the wall clock whatever --clock says.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchCeiling } from './ceiling.ts';
import { benchGemm } from './gemm.ts';
import { benchBatchedInference, benchStreaming } from './inference.ts';
import { type Clock, setClock } from './measure.ts';
import { closePeers, peerStatus } from './native-peers.ts';
import { formatMemory, formatPaired, formatTable, writeJson } from './report.ts';
import { formatTargets } from './targets.ts';
import { benchTraining } from './train.ts';
import type { BenchOptions, BenchResult, MemoryResult, NativePeerId, PairedResult } from './types.ts';

type Suite = (options: BenchOptions) => Promise<BenchResult[]>;

/** Suites by the workload id that --only selects. */
const SUITES: Record<string, Suite> = {
  ceiling: benchCeiling,
  G: (options) => benchGemm(options),
  W1: (options) => benchTraining('W1', options),
  W2: (options) => benchTraining('W2', options),
  W3: (options) => benchTraining('W3', options),
  W4: (options) => benchTraining('W4', options),
  W5a: benchStreaming,
  W5b: benchBatchedInference,
  W6: (options) => benchTraining('W6', options),
};

const NATIVE_PEERS: readonly NativePeerId[] = ['pytorch', 'onnxruntime'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
    clock: { type: 'string', default: 'wall' },
    threads: { type: 'string', default: '1' },
    peers: { type: 'string', default: NATIVE_PEERS.join(',') },
    skip: { type: 'string', default: '' },
  },
});

const peers = values.peers === 'none' ? [] : values.peers.split(',').map((s) => s.trim());
const unknownPeers = peers.filter((p) => !NATIVE_PEERS.includes(p as NativePeerId));
if (unknownPeers.length > 0) {
  console.error(`bench: --peers takes ${NATIVE_PEERS.join(', ')} or none but got ${unknownPeers.join(', ')}`);
  process.exit(2);
}

const threads = values.threads.split(',').map(Number);
if (threads.some((t) => !Number.isInteger(t) || t < 1)) {
  console.error(`bench: --threads must be positive integers (1,2) but got ${values.threads}`);
  process.exit(2);
}

if (values.clock !== 'wall' && values.clock !== 'cpu') {
  console.error(`bench: --clock must be wall or cpu but got ${values.clock}`);
  process.exit(2);
}
setClock(values.clock as Clock);

const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((id) => !(id in SUITES)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: unknown workload ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
const memory: MemoryResult[] = [];
const paired: PairedResult[] = [];
const started = performance.now();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
console.error(`bench: load average ${loadBefore} before`);
const skip = new Set(values.skip.split(',').filter((s) => s.trim() !== ''));
if (skip.size > 0) console.error(`bench: --skip leaves out ${[...skip].join(', ')}`);
const options = { quick: values.quick, memory, threads, paired, peers: peers as NativePeerId[], skip };
for (const [id, suite] of Object.entries(SUITES)) {
  if (only && !only.includes(id)) continue;
  console.error(`bench: running ${id}${values.quick ? ' (quick)' : ''}… (load ${load()})`);
  results.push(...(await suite(options)));
}
closePeers();
const loadAfter = load();
console.log(formatTable(results));
if (memory.length > 0) console.log(`\n${formatMemory(memory)}`);
if (paired.length > 0) console.log(`\n${formatPaired(paired)}`);
const ran = peerStatus();
const none =
  peers.length === 0 ? ' none asked for (--peers none)' : ran.length === 0 ? ' none for these workloads' : '';
console.log(`\npeers:${none}`);
for (const line of ran) console.log(`  ${line}`);
console.log(`\n${formatTargets(results, paired)}`);
console.log(`\nload average (1, 5, 15 min): ${loadBefore} before, ${loadAfter} after`);
console.error(`bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (values.json) {
  await writeJson(values.json, results, memory, paired, {
    peers: ran,
    load: { before: loadBefore, after: loadAfter },
  });
  console.error(`bench: wrote ${values.json}`);
}
