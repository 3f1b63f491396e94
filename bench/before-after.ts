// Run as (no npm script: the root package.json is not the bench's to change)
//   node --experimental-wasm-relaxed-simd --import tsx bench/before-after.ts --base DIR [--only W2,W6,W5b]
//   [--pairs 11] [--backend wasm-relaxed]
// This checkout's speed against another checkout's (DIR: a git worktree of the base commit with its wasm built,
// `git worktree add DIR <commit> && (cd DIR && npm run build:wasm)`), both loaded in this one process and timed
// in alternation, the order swapped every pair, by this process's CPU time: on a shared machine a figure taken
// minutes apart from its "before" says more about the host than about the change (bench/paired.ts). Each pair
// gives one ratio; the median and quartiles of those are the speed-up. W1–W4 and W6 are one training step
// (bench/train-step.ts, as the bench builds it), W5b one forward; the last loss (or an output) of both sides is
// compared, so a change meant to keep every bit shows it did.

import { parseArgs } from 'node:util';
import type { Runtime } from '../bindings/runtime/runtime.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    only: { type: 'string', default: 'W2,W6,W5b' },
    pairs: { type: 'string', default: '11' },
    backend: { type: 'string', default: 'wasm-relaxed' },
  },
});
if (!values.base) {
  console.error('bench/before-after.ts: --base DIR (a checkout of the base commit, wasm built) is required');
  process.exit(2);
}
const pairs = Number(values.pairs);
const backend = values.backend as 'wasm-relaxed' | 'wasm-simd' | 'ts';
const ids = values.only.split(',').map((s) => s.trim());
const known = ['W1', 'W2', 'W3', 'W4', 'W5b', 'W6'];
const unknown = ids.filter((id) => !known.includes(id));
if (unknown.length > 0) {
  console.error(`bench/before-after.ts: --only takes ${known.join(', ')} but got ${unknown.join(', ')}`);
  process.exit(2);
}

/** What this script needs of a checkout, imported from its own files. */
async function checkout(root: string) {
  return {
    init: (await import(`${root}/bindings/index.node.ts`)).init as (o: {
      backend: string;
    }) => Promise<Runtime>,
    LSTM: (await import(`${root}/bindings/model/lstm.ts`)).LSTM,
    makeStep: (await import(`${root}/bench/train-step.ts`)).makeStep,
    workloads: await import(`${root}/bench/workloads.ts`),
  };
}

interface Side {
  run: () => void;
  /** Calls per timed sample, so that a sample lasts ~10 ms or more. */
  calls: number;
  tokens: number;
  check: () => number;
}

async function side(c: Awaited<ReturnType<typeof checkout>>, id: string): Promise<Side> {
  const rt = await c.init({ backend });
  if (id === 'W5b') {
    const { I, H, T, B } = c.workloads.INFERENCE;
    const lstm = new c.LSTM(rt, { inputSize: I, hiddenSize: H, seed: 1 });
    const x = { data: c.workloads.tokenData(T, B, I).ids, shape: [T, B] };
    let out = Number.NaN;
    // The inference forward bench/inference.ts runs; a checkout from before these options ignores them (its
    // forward read `lengths` alone) and runs its ordinary forward.
    const into = {
      outputs: new Float32Array(T * B * H),
      hN: new Float32Array(B * H),
      cN: new Float32Array(B * H),
    };
    return {
      run: () => {
        out = lstm.forward(x, {}, { grad: false, into }).outputs.data[7];
      },
      calls: 10,
      tokens: T * B,
      check: () => out,
    };
  }
  const w = c.workloads.TRAIN[id];
  const step = c.makeStep(rt, w);
  return {
    run: step.step,
    calls: id === 'W4' ? 100 : id === 'W1' || id === 'W3' ? 4 : 1,
    tokens: w.T * w.B,
    check: step.loss,
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const quantile = (x: number[], q: number) => [...x].sort((a, b) => a - b)[Math.round(q * (x.length - 1))];
const f0 = (v: number) => v.toFixed(0);

const sides = [
  await checkout(values.base),
  await checkout(new URL('..', import.meta.url).pathname.replace(/\/$/, '')),
];
console.log(`before: ${values.base}; after: this checkout; ${backend}, one thread, CPU time, ${pairs} pairs`);
for (const id of ids) {
  const [before, after] = [await side(sides[0], id), await side(sides[1], id)];
  const both = [before, after];
  for (const s of both) for (let i = 0; i < 2 * s.calls; i++) s.run();
  const ms: number[][] = [[], []];
  for (let p = 0; p < pairs; p++) {
    for (const which of p % 2 ? [1, 0] : [0, 1]) {
      const s = both[which];
      const start = cpuMs();
      for (let i = 0; i < s.calls; i++) s.run();
      ms[which].push((cpuMs() - start) / s.calls);
    }
  }
  const ratios = ms[0].map((b, i) => b / ms[1][i]);
  const rate = (m: number[]) =>
    `${f0(before.tokens / (quantile(m, 0.5) / 1000))} tokens/s (${f0(before.tokens / (quantile(m, 1) / 1000))}–${f0(before.tokens / (quantile(m, 0) / 1000))})`;
  const same = Object.is(before.check(), after.check());
  console.log(
    `${id}: before ${rate(ms[0])}, after ${rate(ms[1])}; speed-up ${quantile(ratios, 0.5).toFixed(3)} ` +
      `(quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}); ` +
      `${same ? 'same last loss/output bits' : `last loss/output differs: ${before.check()} vs ${after.check()}`}`,
  );
}
process.exit(0);
