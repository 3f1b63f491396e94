// The browser, as a Vite user writes it: the page runs the scenario, then a module Web Worker does too.
import * as lib from 'wasm-rnn';
import { scenario } from './scenario.js';

async function run() {
  const page = await scenario(lib);
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const inWorker = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.result));
    worker.onerror = (e) => reject(new Error(e.message));
  });
  return { page, worker: inWorker };
}
run().then(
  (result) => (window.__result = { result }),
  (error) => (window.__result = { error: String(error?.stack ?? error) }),
);
