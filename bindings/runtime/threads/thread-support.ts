// What the thread pool asks of an environment (worker_threads in Node, Deno and Bun; module Web Workers in
// browsers) and what a worker needs to join: types only, so the spawners and the worker scripts import nothing
// of the pool itself.

/**
 * What a worker needs to join: the kernel module, the shared memory, the control block's byte pointer and its
 * own GEMM packing scratch (the calling thread packs in the module's static area).
 */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: number;
  readonly scratch: number;
}

export interface WorkerHandle {
  /** Settles when the worker has instantiated the kernels, or was terminated first (rejects if it could not start). */
  readonly ready: Promise<void>;
  /** True until the worker's thread has exited. */
  readonly alive: boolean;
  terminate(): Promise<void>;
}

/** How an environment starts workers (worker_threads in Node, Deno and Bun; module Web Workers in browsers). */
export interface ThreadSupport {
  spawn(init: WorkerInit): WorkerHandle;
  /** Logical cores the engine reports. */
  cores(): number;
  /** Why workers cannot start here (no Worker global), or undefined. */
  unavailable(): string | undefined;
}

/**
 * What a pool needs to start workers over a runtime's memory: the threads build, the shared memory it runs over
 * and the environment's way of starting workers. A runtime from init({ shared: true }) carries one (rt.threads).
 */
export interface PoolSource {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly threads: ThreadSupport;
}
