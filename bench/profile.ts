// Run as (no npm script: the root package.json is not the bench's to change)
//   node --experimental-wasm-relaxed-simd --import tsx bench/profile.ts [--only W2,W6,W5b] [--backend wasm-relaxed]
//   [--steps 5]
// Where one training step of W1/W2/W6 (bench/train-step.ts, the Trainer a user builds), or one W5b forward, spends
// its time, by kernel,
// one thread: every kernel call of the model, the trainer and the optimizer goes through a timing wrapper (a
// runtime derived with the wrapped table, so the model is built exactly as in the bench), and the JS between
// kernels is the step's time minus theirs. The recurrent kernels (lstm_seq_fwd/bwd) hold the per-step GEMM and
// the gate pass in one call: their GEMM part is timed apart by calling the same GEMM at the same shapes T times
// per layer on the same runtime, and the rest is the gate pass. GFLOP/s are set against the SIMD128 ceiling of
// the same build measured in this process between the steps.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { init } from '../bindings/index.node.ts';
import type { Kernels } from '../bindings/kernels-ts/abi.ts';
import { LSTM } from '../bindings/model/lstm.ts';
import { deriveRuntime, type Runtime } from '../bindings/runtime/runtime.ts';
import { benchCeiling } from './ceiling.ts';
import { makeStep } from './train-step.ts';
import { INFERENCE, TRAIN, type TrainWorkload, tokenData } from './workloads.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'W2,W6' },
    backend: { type: 'string', default: 'wasm-relaxed' },
    steps: { type: 'string', default: '5' },
  },
});
const backend = values.backend as 'wasm-relaxed' | 'wasm-simd';
const steps = Number(values.steps);

interface Tally {
  ms: number;
  calls: number;
  flops: number;
}

/** `rt` with every kernel timed into `tally` (by name); flops counted for the GEMMs and the recurrent kernels. */
function timedRuntime(
  rt: Runtime,
  tally: Map<string, Tally>,
  flopsOf: (name: string, args: number[]) => number,
) {
  const wrapped: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(rt.kernels as unknown as Record<string, unknown>)) {
    if (typeof f !== 'function') {
      wrapped[name] = f;
      continue;
    }
    const fn = f as (...args: number[]) => number;
    const t: Tally = { ms: 0, calls: 0, flops: 0 };
    tally.set(name, t);
    wrapped[name] = (...args: number[]) => {
      const start = performance.now();
      const out = fn(...args);
      t.ms += performance.now() - start;
      t.calls++;
      t.flops += flopsOf(name, args);
      return out;
    };
  }
  return deriveRuntime(rt, { kernels: wrapped as unknown as Kernels });
}

/** Flops of a kernel call: 2·m·n·k for the GEMMs, the per-step GEMM of the LSTM sequence kernels, else 0. */
function flopsOf(name: string, a: number[]): number {
  if (name.startsWith('gemm_')) return 2 * a[3] * a[4] * a[5];
  // lstm_seq_fwd_f32(out, hs, cs, gates, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ...): T·(B×4H×H)
  if (name === 'lstm_seq_fwd_f32') return 2 * a[10] * a[11] * 4 * a[12] * a[12];
  // lstm_seq_infer_f32(out, hs, cs, xg, ids, hproj, w_hh, b_hh, h0, c0, lengths, T, B, H, ...): the same
  if (name === 'lstm_seq_infer_f32') return 2 * a[11] * a[12] * 4 * a[13] * a[13];
  // lstm_seq_bwd_f32(dgates, dh, dc, dout, gates, cs, w_hh, lengths, T, B, H, ...): T·(B×H×4H)
  if (name === 'lstm_seq_bwd_f32') return 2 * a[8] * a[9] * 4 * a[10] * a[10];
  // lstm_seq_bwd_packed_f32: the same with wpack after w_hh
  if (name === 'lstm_seq_bwd_packed_f32') return 2 * a[9] * a[10] * 4 * a[11] * a[11];
  return 0;
}

/** Milliseconds of T calls of the recurrent GEMM at the shapes of the LSTM sequence kernels (fwd: h·W_hhᵀ,
 * B×4H×H; bwd: dgates·W_hh, B×H×4H), on `rt` (untimed kernels), median of 5. */
function recurrentGemmMs(rt: Runtime, w: TrainWorkload): { fwd: number; bwd: number } {
  const { T, B, H } = w;
  const G = 4 * H;
  const a = rt.arena;
  const h = a.alloc(B * H);
  const whh = a.alloc(G * H);
  const out = a.alloc(B * G);
  const dh = a.alloc(B * H);
  for (const r of [h, whh, out, dh]) {
    const v = a.f32(r);
    for (let i = 0; i < v.length; i++) v[i] = Math.sin(i) * 0.1;
  }
  const k = rt.kernels;
  const time = (f: () => void) => {
    const samples: number[] = [];
    for (let s = 0; s < 6; s++) {
      const start = performance.now();
      for (let t = 0; t < T; t++) f();
      if (s > 0) samples.push(performance.now() - start);
    }
    return samples.sort((x, y) => x - y)[samples.length >> 1];
  };
  const fwd = time(() => k.gemm_nt_f32(out.ptr, h.ptr, whh.ptr, B, G, H, H, H, G, 0));
  const bwd = time(() => k.gemm_nn_f32(dh.ptr, out.ptr, whh.ptr, B, H, G, G, H, H, 0));
  for (const r of [h, whh, out, dh]) a.free(r);
  return { fwd, bwd };
}

const fmt = (v: number, d = 1) => v.toFixed(d);

type ProfileId = 'W1' | 'W2' | 'W6' | 'W5b';
const PROFILED: readonly ProfileId[] = ['W1', 'W2', 'W6', 'W5b'];

/** W5b as a workload to profile: one inference forward of the W5 LSTM over [T, B] token ids into arrays kept
 * between calls, as bench/inference.ts runs it (no head, no backward). */
const W5B: TrainWorkload = { ...TRAIN.W1, I: INFERENCE.I, H: INFERENCE.H, B: INFERENCE.B, T: INFERENCE.T };

function forwardStep(rt: Runtime): { step: () => void; dispose: () => void } {
  const { I, H, T, B } = INFERENCE;
  const lstm = new LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
  const x = { data: tokenData(T, B, I).ids, shape: [T, B] };
  const into = {
    outputs: new Float32Array(T * B * H),
    hN: new Float32Array(B * H),
    cN: new Float32Array(B * H),
  };
  return { step: () => void lstm.forward(x, {}, { grad: false, into }), dispose: () => lstm.dispose() };
}

async function profile(id: ProfileId): Promise<void> {
  const w = id === 'W5b' ? W5B : TRAIN[id];
  const layers = w.layers ?? 1;
  const base = await init({ backend });
  const tally = new Map<string, Tally>();
  const rt = timedRuntime(base, tally, flopsOf);
  const s = id === 'W5b' ? forwardStep(rt) : makeStep(rt, w);
  s.step();
  s.step();
  for (const t of tally.values()) Object.assign(t, { ms: 0, calls: 0, flops: 0 });
  const ceilings: number[] = [];
  let stepMs = 0;
  for (let i = 0; i < steps; i++) {
    const [ceiling] = await benchCeiling({ quick: true, memory: [] }).then((rows) =>
      rows.filter((r) => r.system === backend),
    );
    if (ceiling) ceilings.push(ceiling.median);
    const start = performance.now();
    s.step();
    stepMs += performance.now() - start;
  }
  stepMs /= steps;
  const gemm = recurrentGemmMs(base, w);
  await s.dispose();
  const ceiling = ceilings.sort((x, y) => x - y)[ceilings.length >> 1];
  const rows = [['kernel', 'calls/step', 'ms/step', '% of step', 'GFLOP/step', 'GFLOP/s', '% of ceiling']];
  const add = (name: string, ms: number, calls: number, flops: number) =>
    rows.push([
      name,
      fmt(calls, 0),
      fmt(ms, 2),
      fmt((100 * ms) / stepMs),
      flops ? fmt(flops / 1e9, 3) : '',
      flops ? fmt(flops / ms / 1e6) : '',
      flops ? fmt((100 * flops) / ms / 1e6 / ceiling, 0) : '',
    ]);
  let kernelMs = 0;
  const sorted = [...tally].filter(([, t]) => t.calls > 0).sort((x, y) => y[1].ms - x[1].ms);
  for (const [name, t] of sorted) {
    const ms = t.ms / steps;
    kernelMs += ms;
    add(name, ms, t.calls / steps, t.flops / steps);
    // The packed backward's GEMM reads W_hh packed once, which a GEMM called apart cannot: no split for it.
    const forward = name === 'lstm_seq_fwd_f32' || name === 'lstm_seq_infer_f32';
    const split = forward ? gemm.fwd : name === 'lstm_seq_bwd_f32' ? gemm.bwd : undefined;
    if (split !== undefined) {
      const gemmMs = split * layers;
      add('  of which recurrent GEMM (timed apart)', gemmMs, 0, t.flops / steps);
      add('  of which the rest (gate pass, state copies)', ms - gemmMs, 0, 0);
    }
  }
  add('JS between kernels (step − kernels)', stepMs - kernelMs, 0, 0);
  const total = [...tally.values()].reduce((sum, t) => sum + t.flops, 0) / steps;
  add('whole step', stepMs, 0, total);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const { T, B, H, I } = w;
  console.log(
    `${id}: ${layers}-layer ${w.cell.toUpperCase()} V = ${I}, H = ${H}, B = ${B}, T = ${T}; ${backend}, one thread; ${steps} steps, ${fmt((T * B) / (stepMs / 1000), 0)} tokens/s; ceiling ${fmt(ceiling)} GFLOP/s (median of ${ceilings.length} samples between the steps); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    rows
      .map((r) =>
        r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
      )
      .join('\n'),
  );
  const perToken = total / (T * B);
  const gemmMs = sorted.reduce(
    (sum, [name, t]) => sum + (name.startsWith('gemm_') || name.startsWith('lstm_seq') ? t.ms / steps : 0),
    0,
  );
  console.log(
    `bound: ${fmt(perToken / 1e6, 2)} MFLOP a token; at 100 % of the ceiling the step would give ${fmt((ceiling * 1e9) / perToken, 0)} tokens/s (${fmt(stepMs / ((total / ceiling) * 1e-6), 2)}× this step); GEMM-bearing kernels take ${fmt((100 * gemmMs) / stepMs)} % of the step, everything else ${fmt(100 - (100 * gemmMs) / stepMs)} %`,
  );
  console.log();
}

for (const id of values.only.split(',')) {
  if (!PROFILED.includes(id as ProfileId)) {
    console.error(`bench/profile.ts: --only takes ${PROFILED.join(', ')} but got ${id}`);
    process.exit(2);
  }
  await profile(id as ProfileId);
}
