// Module Web Workers in browsers (and in Web Workers, which may start their own). The URL is written out inside
// `new Worker(…)` so that bundlers (Vite, webpack, Rollup) find and bundle the worker script.

import type { ThreadSupport, WorkerHandle, WorkerInit } from './pool.ts';

function spawn(init: WorkerInit): WorkerHandle {
  const worker = new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' });
  let alive = true;
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('message', () => resolve(), { once: true });
    worker.addEventListener(
      'error',
      (e) => reject(new Error(e.message || 'the worker script failed to load')),
      {
        once: true,
      },
    );
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
    },
  };
}

export const browserThreads: ThreadSupport = {
  spawn,
  cores: () => (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1,
  unavailable: () => (typeof Worker === 'undefined' ? 'this engine has no Web Workers' : undefined),
};
