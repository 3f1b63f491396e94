// Node, Deno and Bun: two threads from the installed package (the threads build and worker script resolve).
import * as lib from 'wasm-rnn';
import { threadsScenario } from './threads-scenario.js';

console.log(JSON.stringify(await threadsScenario(lib)));
