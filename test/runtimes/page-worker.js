// The scenario inside a module Web Worker: the library's browser entry fetches the .wasm from the server.
import * as lib from '/dist/index.browser.js';
import { scenario } from '/test/runtimes/scenario.js';

scenario(lib).then(
  (result) => postMessage({ result }),
  (error) => postMessage({ error: String(error?.stack ?? error) }),
);
