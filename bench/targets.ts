// The targets of ../shared/BENCHMARKS.md "What the project aims for", checked against one run's results.
// "Ours" is the faster of wasm-relaxed and wasm-simd; TF.js is its faster backend. The native peers (PyTorch on 1
// and 2 threads, onnxruntime-node/-web) are judged by their pairs with ours measured in this run (bench/paired.ts,
// bench/native-peers.ts), never by figures from another machine: a peer that did not run leaves its target unjudged.

import type { BenchResult, PairedResult } from './types.ts';
import { TRAIN } from './workloads.ts';

/** The systems "ours" and "TF.js" take their best of. */
export const OURS: ReadonlySet<string> = new Set(['wasm-relaxed', 'wasm-simd']);
export const TFJS: ReadonlySet<string> = new Set(['tfjs-wasm', 'tfjs-cpu']);

/** 128-bit multiply + add on one core of this machine class, measured natively (BENCHMARKS.md), GFLOP/s. */
export const SIMD128_CEILING = 32;

/** Floating-point operations of one char-LM LSTM training step: per layer the per-step GEMMs forward, dh and
 * dW_hh (3 of 2·T·B·4H·H), the same again for the input projection of every layer above the first (its input is
 * H wide), and the head's forward, dX and dW (3 of 2·T·B·H·V); token inputs are gathers, not GEMMs. */
export function charLmFlops(id: 'W1' | 'W2' | 'W6'): number {
  const { T, B, H, I: V, layers = 1 } = TRAIN[id];
  const gemm = 3 * 2 * T * B * 4 * H * H;
  return layers * gemm + (layers - 1) * gemm + 3 * 2 * T * B * H * V;
}

const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The best of `systems` among one workload's rows (lowest latency, else highest rate). */
export function best(rows: BenchResult[], systems: ReadonlySet<string>): BenchResult | undefined {
  const lower = rows[0]?.unit === 'us/step';
  return rows
    .filter((r) => systems.has(r.system))
    .reduce<BenchResult | undefined>(
      (a, r) => (!a || (lower ? r.median < a.median : r.median > a.median) ? r : a),
      undefined,
    );
}

/** The pair of `id` with `peer` on `threads` threads (the peer's), if this run measured it. */
function pairOf(paired: readonly PairedResult[], id: string, peer: string, threads = 1) {
  return paired.find((p) => p.workload === id && p.peer === peer && (p.peerThreads ?? 1) === threads);
}

/** "1.31× paired (1.20–1.40, 7 rounds)  met" for a pair against goal `goal`×. */
function judged(p: PairedResult, goal: number): string {
  const side = (s: string, t = 1) => (t > 1 ? `${s} ×${t}` : s);
  return `${p.speedup.toFixed(2)}× paired (${p.min.toFixed(2)}–${p.max.toFixed(2)}, ${p.rounds} rounds; ${side(p.ours, p.oursThreads)} ÷ ${side(p.peer, p.peerThreads)})  ${mark(p.speedup >= goal)}`;
}

/** The native peers' targets of workload `id` (BENCHMARKS.md and issue 16): one line each that this run measured. */
function peerTargets(id: string, paired: readonly PairedResult[]): string[] {
  const lines: string[] = [];
  const line = (label: string, p: PairedResult | undefined, goal: number) => {
    if (p) lines.push(`${id.padEnd(4)} ${label}: ${judged(p, goal)}`);
  };
  const training = id in TRAIN;
  if (training) line('≥ 1.3× PyTorch, 1 thread', pairOf(paired, id, 'pytorch'), 1.3);
  if (id === 'W5b') line('≥ 1.3× PyTorch, 1 thread', pairOf(paired, id, 'pytorch'), 1.3);
  if (id === 'W5a') line('≥ 1× PyTorch, 1 thread', pairOf(paired, id, 'pytorch'), 1);
  line('≥ PyTorch on 2 threads', pairOf(paired, id, 'pytorch', 2), 1);
  if (id === 'W5a') {
    line('≥ 5× onnxruntime-node', pairOf(paired, id, 'ort-node'), 5);
    line('≥ 5× onnxruntime-web', pairOf(paired, id, 'ort-web'), 5);
  }
  if (id === 'W5b') {
    line('≥ 1× onnxruntime-node', pairOf(paired, id, 'ort-node'), 1);
    // Issue 18's: W5b ≥ onnxruntime-node on one thread and ≥ 2.5× onnxruntime-web.
    line('≥ 2.5× onnxruntime-web', pairOf(paired, id, 'ort-web'), 2.5);
  }
  return lines;
}

/** W2's (and W6's) GFLOP/s as a share of the ceiling of the same build sampled between its samples, else measured
 * elsewhere in this run, else the documented machine-class figure. */
function ceilingLine(id: 'W2' | 'W6', ours: BenchResult, results: BenchResult[], goal: number): string {
  const tokens = TRAIN[id].T * TRAIN[id].B;
  const gflops = (charLmFlops(id) * ours.median) / tokens / 1e9;
  const between = results.find((r) => r.workload === `ceiling@${id}` && r.system === ours.system);
  const apart = results.find((r) => r.workload === 'ceiling' && r.system === ours.system);
  const ceiling = (between ?? apart)?.median ?? SIMD128_CEILING;
  const where = between
    ? `${ours.system} ceiling sampled between the ${id} samples`
    : apart
      ? `${ours.system} ceiling measured in this run`
      : 'BENCHMARKS.md';
  const share = gflops / ceiling;
  const verdict = goal > 0 ? `  ${mark(share >= goal)}` : '';
  const label =
    goal > 0 ? `≥ ${(100 * goal).toFixed(0)} % of the SIMD128 ceiling` : 'share of the SIMD128 ceiling';
  return `${id.padEnd(4)} ${label}: ${gflops.toFixed(1)} GFLOP/s (${ours.system}) = ${(100 * share).toFixed(0)} % of ${ceiling.toFixed(1)} (${where})${verdict}`;
}

/** One line per target that this run can judge. */
export function formatTargets(results: BenchResult[], paired: readonly PairedResult[] = []): string {
  const lines = ['targets (ours = faster of wasm-relaxed / wasm-simd)'];
  for (const id of ['W1', 'W2', 'W3', 'W4', 'W5a', 'W5b', 'W6']) {
    const all = results.filter((r) => r.workload === id);
    // Ratios to TF.js and ts (one thread each) take our one-thread rows.
    const rows = all.filter((r) => r.threads === 1);
    const ours = best(rows, OURS);
    if (!ours) continue;
    const lower = ours.unit === 'us/step';
    const speedup = (other: BenchResult) => (lower ? other.median / ours.median : ours.median / other.median);
    const tf = best(rows, TFJS);
    // Timed at the same moments, the paired ratio is the one that judges; the medians' ratio is shown beside it.
    const pair = paired.find((p) => p.workload === id && TFJS.has(p.peer));
    if (pair && tf)
      lines.push(
        `${id.padEnd(4)} ≥ 20× TF.js: ${pair.speedup.toFixed(1)}× ${pair.peer} paired (${pair.min.toFixed(1)}–${pair.max.toFixed(1)}, ${pair.rounds} rounds; ratio of the medians ${speedup(tf).toFixed(1)}×)  ${mark(pair.speedup >= 20)}`,
      );
    else if (tf)
      lines.push(
        `${id.padEnd(4)} ≥ 20× TF.js: ${speedup(tf).toFixed(1)}× ${tf.system}  ${mark(speedup(tf) >= 20)}`,
      );
    const ts = rows.find((r) => r.system === 'ts');
    if (ts) lines.push(`${id.padEnd(4)} ≥ 10× ts: ${speedup(ts).toFixed(1)}×  ${mark(speedup(ts) >= 10)}`);
    if (id === 'W5a')
      lines.push(`W5a  ≤ 10 µs/step: ${fmt(ours.median)} (${ours.system})  ${mark(ours.median <= 10)}`);
    if (id === 'W2') lines.push(ceilingLine('W2', ours, results, 0.85));
    if (id === 'W6') lines.push(ceilingLine('W6', ours, results, 0));
    lines.push(...peerTargets(id, paired));
  }
  const measured = new Set(paired.map((p) => p.peer));
  const missing = ['pytorch', 'ort-node', 'ort-web'].filter((p) => !measured.has(p as PairedResult['peer']));
  if (missing.length > 0)
    lines.push(
      `not judged here: the targets against ${missing.join(', ')} (no such rows in this run; see peers)`,
    );
  return lines.join('\n');
}
