// A full garbage collection without --expose-gc (vitest workers, tsx scripts): V8 lets a process turn the flag
// on and hands the function to a fresh context.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** JS heap bytes in use after a full collection. */
export function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
