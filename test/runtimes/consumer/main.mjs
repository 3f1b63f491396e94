// Node, Deno and Bun, as a user's project imports the installed package.
import * as lib from 'wasm-rnn';
import { scenario } from './scenario.js';

const wasm = ['simd', 'relaxed'].map((build) => import.meta.resolve(`wasm-rnn/wasm/${build}.wasm`));
console.log(JSON.stringify({ ...(await scenario(lib)), checks: { wasm } }));
