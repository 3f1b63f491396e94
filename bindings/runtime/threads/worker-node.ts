// A worker thread of a pool (node:worker_threads): instantiate the kernels over the shared memory, say ready,
// then run tasks until the pool stops.

import { parentPort, workerData } from 'node:worker_threads';
import { TaskRunner } from './task-loop.ts';
import type { WorkerInit } from './thread-support.ts';

const init = workerData as WorkerInit;
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
(instance.exports as { gemm_scratch_set(ptr: number): void }).gemm_scratch_set(init.scratch);
const runner = new TaskRunner(instance.exports, init.memory, init.control);
parentPort?.postMessage('ready');
runner.serve();
