// Every backend, loaded the way a user loads it; a suite parametrised over these runs the same cases on each.

import { init, type Runtime } from '../../bindings/index.node.ts';
import type { Region } from '../../bindings/runtime/arena.ts';

export const BACKENDS = ['ts', 'wasm-simd', 'wasm-relaxed'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/** The deterministic backends, which must agree bit for bit. */
export const EXACT_BACKENDS = ['ts', 'wasm-simd'] as const;

export async function loadRuntime(backend: TestBackend): Promise<Runtime> {
  return init({ backend });
}

/** Copies `values` into a fresh arena block. */
export function put(rt: Runtime, values: ArrayLike<number>): Region {
  const region = rt.arena.alloc(values.length);
  rt.arena.f32(region).set(values);
  return region;
}

export function putI32(rt: Runtime, values: ArrayLike<number>): Region {
  const region = rt.arena.alloc(values.length);
  rt.arena.i32(region).set(values);
  return region;
}

/** A copy of a block's floats, safe to keep across later grows. */
export function get(rt: Runtime, region: Region): Float32Array {
  return rt.arena.f32(region).slice();
}
