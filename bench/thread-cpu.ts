// CPU time per thread of this process, from Linux's /proc (in clock ticks of 10 ms). On a shared machine the
// busiest thread's CPU time per step is what a step would take with a core per thread: the load of other
// processes stretches wall time but not CPU time.

import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10;

/** utime + stime of every thread by id, or undefined where /proc/self/task is not there. */
export function threadTicks(): Map<string, number> | undefined {
  try {
    const ticks = new Map<string, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised name: state is field 3, utime 14 and stime 15 (1-based).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    }
    return ticks;
  } catch {
    return undefined;
  }
}

/** Adds each thread's ticks between `before` and `after` into `into`. */
export function addTicks(
  into: Map<string, number>,
  before: Map<string, number>,
  after: Map<string, number>,
): void {
  for (const [tid, t] of after) into.set(tid, (into.get(tid) ?? 0) + t - (before.get(tid) ?? 0));
}

/** Milliseconds of CPU of the busiest thread in `ticks`. */
export const busiestMs = (ticks: Map<string, number>): number => Math.max(0, ...ticks.values()) * TICK_MS;
