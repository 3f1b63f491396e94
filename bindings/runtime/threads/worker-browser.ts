// A worker of a pool as a module Web Worker: the first message brings the kernel module, the shared memory and
// the control block; instantiate, say ready, then run tasks until the pool stops.

import { TaskRunner } from './task-loop.ts';
import type { WorkerInit } from './thread-support.ts';

const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerInit>) => void): void;
  postMessage(message: unknown): void;
  close(): void;
};

scope.addEventListener('message', (e) => {
  const init = e.data;
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  (instance.exports as { gemm_scratch_set(ptr: number): void }).gemm_scratch_set(init.scratch);
  const runner = new TaskRunner(instance.exports, init.memory, init.control);
  scope.postMessage('ready');
  runner.serve();
  scope.close();
});
