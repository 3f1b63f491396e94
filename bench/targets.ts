// The targets of ../shared/BENCHMARKS.md "What the project aims for", checked against one run's results.
// "Ours" is the faster of wasm-relaxed and wasm-simd; TF.js is its faster backend; the absolute figures are
// PyTorch CPU's on this machine class (one thread, from BENCHMARKS.md), the only ones not measured in this run.

import type { BenchResult, PairedResult } from './types.ts';
import { TRAIN } from './workloads.ts';

/** The systems "ours" and "TF.js" take their best of. */
export const OURS: ReadonlySet<string> = new Set(['wasm-relaxed', 'wasm-simd']);
export const TFJS: ReadonlySet<string> = new Set(['tfjs-wasm', 'tfjs-cpu']);

/** PyTorch 1.13 CPU, 1 thread (BENCHMARKS.md): tokens/s, W5a µs/step. */
export const PYTORCH: Record<string, number> = {
  W1: 54_500,
  W2: 6_530,
  W3: 235_000,
  W4: 10_800,
  W5a: 65.7,
  W5b: 182_000,
};

/** PyTorch 1.13 CPU with 2 threads (BENCHMARKS.md): "best of 1 or 2 threads each side" compares against the
 * larger of this and PYTORCH. */
export const PYTORCH_2_THREADS: Record<string, number> = { W1: 53_000, W2: 8_840, W3: 180_000, W5b: 221_000 };

/** 128-bit multiply + add on one core of this machine class, measured natively (BENCHMARKS.md), GFLOP/s. */
export const SIMD128_CEILING = 32;

/** Floating-point operations of one char-LM LSTM training step: per-step GEMMs forward, dh and dW_hh (3 of
 * 2·T·B·4H·H), and the head's forward, dX and dW (3 of 2·T·B·H·V); token inputs are gathers, not GEMMs. */
export function charLmFlops(id: 'W1' | 'W2'): number {
  const { T, B, H, I: V } = TRAIN[id];
  return 3 * 2 * T * B * 4 * H * H + 3 * 2 * T * B * H * V;
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

/** One line per target that this run can judge. */
export function formatTargets(results: BenchResult[], paired: readonly PairedResult[] = []): string {
  const lines = ['targets (ours = faster of wasm-relaxed / wasm-simd)'];
  for (const id of ['W1', 'W2', 'W3', 'W4', 'W5a', 'W5b']) {
    const all = results.filter((r) => r.workload === id);
    // Ratios to TF.js and ts (one thread each) and the one-thread PyTorch figure take our one-thread rows.
    const rows = all.filter((r) => r.threads === 1);
    const ours = best(rows, OURS);
    if (!ours) continue;
    const lower = ours.unit === 'us/step';
    const speedup = (other: BenchResult) => (lower ? other.median / ours.median : ours.median / other.median);
    const tf = best(rows, TFJS);
    // Timed at the same moments, the paired ratio is the one that judges; the medians' ratio is shown beside it.
    const pair = paired.find((p) => p.workload === id);
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
    else if (id === 'W2') {
      const tokens = TRAIN.W2.T * TRAIN.W2.B;
      const gflops = (charLmFlops('W2') * ours.median) / tokens / 1e9;
      // The ceiling of the same build (mul + add for simd, FMA for relaxed) sampled between W2's samples, else
      // measured elsewhere in this run, else the documented machine-class figure.
      const between = results.find((r) => r.workload === 'ceiling@W2' && r.system === ours.system);
      const apart = results.find((r) => r.workload === 'ceiling' && r.system === ours.system);
      const measured = between ?? apart;
      const ceiling = measured?.median ?? SIMD128_CEILING;
      const where = between
        ? `${ours.system} ceiling sampled between the W2 samples`
        : apart
          ? `${ours.system} ceiling measured in this run`
          : 'BENCHMARKS.md';
      const share = gflops / ceiling;
      lines.push(
        `W2   ≥ 60 % of the SIMD128 ceiling: ${gflops.toFixed(1)} GFLOP/s (${ours.system}) = ${(100 * share).toFixed(0)} % of ${ceiling.toFixed(1)} (${where}); ${(100 * (gflops / SIMD128_CEILING)).toFixed(0)} % of BENCHMARKS.md's ${SIMD128_CEILING}  ${mark(share >= 0.6)}`,
      );
    } else {
      const goal = PYTORCH[id];
      lines.push(
        `${id.padEnd(4)} ≥ ${fmt(goal)} tokens/s (PyTorch): ${fmt(ours.median)}  ${mark(ours.median >= goal)}`,
      );
      const threaded = best(all, OURS);
      if (threaded && threaded.threads > 1) {
        const top = Math.max(goal, PYTORCH_2_THREADS[id] ?? 0);
        lines.push(
          `${id.padEnd(4)} ≥ ${fmt(top)} tokens/s (PyTorch's best of 1 and 2 threads): ${fmt(threaded.median)} (${threaded.system} ×${threaded.threads} threads)  ${mark(threaded.median >= top)}`,
        );
      }
    }
  }
  return lines.join('\n');
}
