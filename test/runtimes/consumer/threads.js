// The browser page of a Vite user who trains on two threads (the page needs cross-origin isolation for it).
import * as lib from 'wasm-rnn';
import { threadsScenario } from './threads-scenario.js';

threadsScenario(lib).then(
  (result) => (window.__result = { result }),
  (error) => (window.__result = { error: String(error?.stack ?? error) }),
);
