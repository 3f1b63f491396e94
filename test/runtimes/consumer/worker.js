import * as lib from 'wasm-rnn';
import { scenario } from './scenario.js';

scenario(lib).then(
  (result) => postMessage({ result }),
  (error) => postMessage({ error: String(error?.stack ?? error) }),
);
