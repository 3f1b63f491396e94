// Our three systems, loaded one by one; a system this engine cannot run (relaxed SIMD on Node 20 without
// --experimental-wasm-relaxed-simd) is left out with a warning rather than failing the whole bench.

import { init, type Runtime } from '../bindings/index.node.ts';
import type { Backend } from '../bindings/runtime/runtime.ts';

export const OUR_SYSTEMS: readonly Backend[] = ['wasm-relaxed', 'wasm-simd', 'ts'];

/** A fresh runtime (its own linear memory) of `system`, or undefined after a warning. */
export async function ourRuntime(system: Backend, suite: string): Promise<Runtime | undefined> {
  try {
    return await init({ backend: system });
  } catch (error) {
    console.warn(`bench ${suite}: skipping ${system}: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * For each thread count above 1 in `threads` (--threads), each of our WebAssembly systems with a fresh runtime over
 * shared memory; a system this engine cannot run so is left out after a warning.
 */
export async function* threadedRuntimes(
  threads: readonly number[],
  suite: string,
): AsyncGenerator<{ threads: number; system: Backend; rt: Runtime }> {
  for (const n of threads) {
    if (n === 1) continue;
    for (const system of OUR_SYSTEMS.filter((s) => s !== 'ts')) {
      const rt = await init({ shared: true, backend: system }).catch((error: Error) => {
        console.warn(`bench ${suite}: skipping ${system} on ${n} threads: ${error.message}`);
      });
      if (rt) yield { threads: n, system, rt };
    }
  }
}
