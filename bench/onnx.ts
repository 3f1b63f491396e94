// onnxruntime as a peer of W5a and W5b: the bare W5 LSTM exported by torch.onnx.export (bench/peers/w5-lstm.onnx,
// made by bench/pytorch/export_w5.py), run by onnxruntime-node (native CPU provider) and onnxruntime-web (its wasm
// backend, SIMD, in Node), one intra-op thread each. Both live in bench/peers/ with their own package.json,
// installed with `npm install --prefix bench/peers --ignore-scripts`; they are loaded from there at run time, so
// the project itself neither depends on them nor needs their types.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PairSide } from './paired.ts';
import type { BenchSystem } from './types.ts';
import { INFERENCE, tokenData } from './workloads.ts';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
const MODEL = `${PEERS}w5-lstm.onnx`;

export type OrtSystem = Extract<BenchSystem, 'ort-node' | 'ort-web'>;
export const ORT_SYSTEMS: readonly OrtSystem[] = ['ort-node', 'ort-web'];

/** The part of onnxruntime-common's API used here. */
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(path: string, options: object): Promise<OrtSession> };
  env: { versions: Record<string, string>; wasm: { numThreads?: number; simd?: boolean } };
}

const packageName: Record<OrtSystem, string> = {
  'ort-node': 'onnxruntime-node',
  'ort-web': 'onnxruntime-web',
};
/** The CPU provider of onnxruntime-node, the wasm one of -web: both register with one onnxruntime-common. */
const provider: Record<OrtSystem, string> = { 'ort-node': 'cpu', 'ort-web': 'wasm' };

const loaded = new Map<OrtSystem, Promise<Ort>>();

async function load(system: OrtSystem): Promise<Ort> {
  const require = createRequire(`${PEERS}package.json`);
  const name = packageName[system];
  if (system === 'ort-node') return require(name) as Ort;
  const ort = (await import(require.resolve(name))) as Ort;
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** The runtime of `system` and a session of the W5 model on one thread, or why there is none here. */
async function session(system: OrtSystem): Promise<{ ort: Ort; session: OrtSession } | string> {
  if (!existsSync(MODEL)) return `${MODEL} is missing (bench/pytorch/export_w5.py makes it)`;
  try {
    if (!loaded.has(system)) loaded.set(system, load(system));
    const ort = await (loaded.get(system) as Promise<Ort>);
    const s = await ort.InferenceSession.create(MODEL, {
      executionProviders: [provider[system]],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return { ort, session: s };
  } catch (error) {
    loaded.delete(system);
    const message = (error as Error).message.split('\n')[0];
    return `${packageName[system]} did not load (${message}); install it with npm install --prefix bench/peers --ignore-scripts`;
  }
}

/** The version of `system`'s package, once loaded. */
export async function ortVersion(system: OrtSystem): Promise<string> {
  const ort = await loaded.get(system);
  return ort?.env.versions[system === 'ort-node' ? 'node' : 'web'] ?? '?';
}

const { I, H, streamSteps, B, T } = INFERENCE;

/** One-hot rows [T, B, I] of the workloads' token stream. */
function oneHot(steps: number, batch: number): Float32Array {
  const ids = tokenData(steps, batch, I).ids;
  const x = new Float32Array(steps * batch * I);
  ids.forEach((id, r) => {
    x[r * I + id] = 1;
  });
  return x;
}

/** W5a: `streamSteps` runs of one step, batch 1, the state fed back each time (one call = one such run). */
export async function ortStreaming(system: OrtSystem): Promise<PairSide | string> {
  const s = await session(system);
  if (typeof s === 'string') return s;
  const { ort, session: run } = s;
  const rows = oneHot(streamSteps, 1);
  const xs = Array.from(
    { length: streamSteps },
    (_, t) => new ort.Tensor('float32', rows.subarray(t * I, (t + 1) * I), [1, 1, I]),
  );
  const zeros = () => new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
  let h = zeros();
  let c = zeros();
  return {
    run: async () => {
      for (const x of xs) {
        const out = await run.run({ x, h0: h, c0: c });
        h = out.hn;
        c = out.cn;
      }
    },
    dispose: () => run.release(),
  };
}

/** W5b: one forward over [T, B, I] one-hot inputs from a zero state. */
export async function ortBatched(system: OrtSystem): Promise<PairSide | string> {
  const s = await session(system);
  if (typeof s === 'string') return s;
  const { ort, session: run } = s;
  const feeds = {
    x: new ort.Tensor('float32', oneHot(T, B), [T, B, I]),
    h0: new ort.Tensor('float32', new Float32Array(B * H), [1, B, H]),
    c0: new ort.Tensor('float32', new Float32Array(B * H), [1, B, H]),
  };
  return { run: () => run.run(feeds), dispose: () => run.release() };
}
