// Node: the repository's built package on two threads, the reference the installed package must match.
import * as lib from '../../dist/index.node.js';
import { threadsScenario } from './threads-scenario.js';

console.log(JSON.stringify(await threadsScenario(lib)));
