// Worker threads in Node, Deno and Bun (node:worker_threads). The worker script sits next to this file: .js in
// the installed package (dist/), .ts when this repository's sources run directly, through a small bootstrap
// that registers tsx (a dev dependency) where Node cannot strip types itself. Workers are unref'd: a pool
// nobody disposed does not keep the process alive.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadSupport, WorkerHandle, WorkerInit } from './thread-support.ts';

function script(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./worker-node.js', import.meta.url);
  const versions = process.versions as Record<string, string | undefined>;
  const stripsTypes =
    versions.bun || versions.deno || (process.features as { typescript?: unknown }).typescript;
  return stripsTypes
    ? new URL('./worker-node.ts', import.meta.url)
    : new URL('./worker-node-dev.mjs', import.meta.url);
}

function spawn(init: WorkerInit): WorkerHandle {
  const worker = new Worker(script(), { workerData: init });
  worker.unref();
  let alive = true;
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    alive = false;
  });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    // A pool disposed before this worker started is not a failure.
    void exited.then(() =>
      stopping ? resolve() : reject(new Error('the worker exited before it was ready')),
    );
  });
  return {
    ready,
    get alive() {
      return alive;
    },
    async terminate() {
      stopping = true;
      await worker.terminate();
      await exited;
    },
  };
}

export const nodeThreads: ThreadSupport = {
  spawn,
  cores: () => availableParallelism(),
  unavailable: () => undefined,
};
