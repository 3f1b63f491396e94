// Module Web Workers in browsers (and in Web Workers, which may start their own). The URL is written out inside
// `new Worker(…)` so that bundlers (Vite, webpack, Rollup) find and bundle the worker script.

import type { ThreadSupport, WorkerHandle, WorkerInit } from './thread-support.ts';

function spawn(init: WorkerInit): WorkerHandle {
  const worker = new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' });
  let alive = true;
  let settle = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    settle = resolve;
    const failed = (e: ErrorEvent) => reject(new Error(e.message || 'the worker script failed to load'));
    worker.addEventListener('message', () => resolve(), { once: true });
    worker.addEventListener('error', failed, { once: true });
  });
  worker.postMessage(init);
  return {
    ready,
    get alive() {
      return alive;
    },
    async terminate() {
      worker.terminate();
      alive = false;
      // A pool disposed before this worker started is not a failure.
      settle();
    },
  };
}

export const browserThreads: ThreadSupport = {
  spawn,
  cores: () => (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1,
  unavailable: () => (typeof Worker === 'undefined' ? 'this engine has no Web Workers' : undefined),
};
