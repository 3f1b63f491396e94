// A Runtime is one linear memory, its arena and one kernel table; everything above is backend-agnostic.

import { describe, ValueError } from '../errors.ts';
import type { Kernels } from '../kernels-ts/abi.ts';
import { createTsKernels } from '../kernels-ts/index.ts';
import type { LinearMemory } from '../kernels-ts/linear-memory.ts';
import { Arena } from './arena.ts';
import { ArrayBufferMemory } from './memory.ts';
import type { PoolSource } from './threads/thread-support.ts';
import type { WasmKernels } from './wasm.ts';

export type Backend = 'wasm-simd' | 'wasm-relaxed' | 'ts';

export interface Runtime {
  readonly backend: Backend;
  readonly kernels: Kernels;
  readonly memory: LinearMemory;
  readonly arena: Arena;
  /** What init decided and why (e.g. a fallback), for the caller to show. */
  readonly notes: readonly string[];
  /**
   * How worker threads join this runtime's memory (the threads build, the shared memory, the environment's way
   * of starting workers): only on a runtime from init({ shared: true }), where a ParallelTrainer can use them.
   */
  readonly threads?: PoolSource;
}

/**
 * Runtimes made here, so an API taking one can refuse a look-alike: a copied or hand-built object would send
 * kernels pointers into memory its arena does not own.
 */
const RUNTIMES = new WeakSet<object>();

const registered = (rt: Runtime): Runtime => {
  RUNTIMES.add(rt);
  return rt;
};

/**
 * The same runtime (memory, arena) with other kernels or notes: a data-parallel shard records its kernel calls
 * on a tape, and a fallback adds the reason to the notes. Registered, because it owns exactly the memory the
 * original does.
 */
export function deriveRuntime(
  rt: Runtime,
  changes: { readonly kernels?: Kernels; readonly notes?: readonly string[] },
): Runtime {
  return registered({ ...checkRuntime(rt), ...changes });
}

/** `value` itself when it is a Runtime from init(), else a ValueError naming `name`. */
export function checkRuntime(value: unknown, name = 'rt'): Runtime {
  if (typeof value !== 'object' || value === null || !RUNTIMES.has(value)) {
    throw new ValueError(`${name} must be a Runtime from init() but got ${describe(value)}`);
  }
  return value as Runtime;
}

export function createTsRuntime(notes: string[] = []): Runtime {
  const memory = new ArrayBufferMemory(1);
  const kernels = createTsKernels(memory);
  return registered({ backend: 'ts', kernels, memory, arena: new Arena(memory, kernels.heap_base()), notes });
}

/** `threads`: the memory is shared and workers can join it (init({ shared: true })). */
export function createWasmRuntime(wasm: WasmKernels, notes: string[] = [], threads?: PoolSource): Runtime {
  return registered({
    backend: wasm.build === 'relaxed' ? 'wasm-relaxed' : 'wasm-simd',
    kernels: wasm.kernels,
    memory: wasm.memory,
    arena: new Arena(wasm.memory, wasm.kernels.heap_base()),
    notes,
    ...(threads && { threads }),
  });
}
