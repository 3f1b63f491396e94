// Node (any version), Deno and Bun: import the built package entry and print the scenario's results as JSON.
import * as lib from '../../dist/index.node.js';
import { scenario } from './scenario.js';

console.log(JSON.stringify(await scenario(lib)));
