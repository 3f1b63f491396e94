// The PyTorch peer (bench/pytorch/peer.py --serve) as a side of bench/paired.ts: one Python process for the whole
// run, asked for one block of calls at a time, so that its blocks alternate with ours. The interpreter is $PYTHON,
// else Debian's /usr/bin/python3 (python3-torch); OpenBLAS's OpenMP build is put first on LD_LIBRARY_PATH where it
// is installed (libopenblas0-openmp), as BENCHMARKS.md's figures were measured. OMP_WAIT_POLICY is PASSIVE unless
// set: with libgomp's default the idle thread of a 2-thread team spins, and on a shared 2-core machine whose other
// processes hold the cores a 2-thread step then ran 10–50× slower than one thread (W1 1,106 ms against 21 ms at
// load 4); PASSIVE gave 29 ms. It is the fair setting for the peer on a loaded host.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { clockName } from './measure.ts';
import type { BlockSide } from './paired.ts';

const SCRIPT = fileURLToPath(new URL('./pytorch/peer.py', import.meta.url));
const OPENBLAS_OPENMP = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

export interface PytorchPeer {
  /** torch's version and the BLAS it mapped. */
  readonly describe: string;
  /** Workload `id` on `threads` threads as a side of a pair. */
  side(id: string, threads: number): BlockSide;
  close(): void;
}

function environment(): NodeJS.ProcessEnv {
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  if (!existsSync(OPENBLAS_OPENMP)) return env;
  const path = process.env.LD_LIBRARY_PATH;
  return { ...env, LD_LIBRARY_PATH: path ? `${OPENBLAS_OPENMP}:${path}` : OPENBLAS_OPENMP };
}

/** The next line of `lines`, or the reason there is none (the process ended, or printed none in `ms`). */
function nextLine(lines: Interface, child: ChildProcessWithoutNullStreams, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = () => {
      lines.off('line', onLine);
      child.off('exit', onExit);
      clearTimeout(timer);
    };
    const onLine = (line: string) => {
      done();
      resolve(line);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the peer exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer in ${ms / 1000} s`));
    }, ms);
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

/** The peer, or why it cannot run here (no interpreter, no torch), in one line. */
export async function startPytorch(): Promise<PytorchPeer | string> {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  if (!process.env.PYTHON && !existsSync(python))
    return `no ${python} (set PYTHON to an interpreter with torch)`;
  const child = spawn(python, [SCRIPT, '--serve'], { env: environment() });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const failed = new Promise<string>((resolve) => child.once('error', (e) => resolve(e.message)));
  const lines = createInterface({ input: child.stdout });
  const hello = await Promise.race([nextLine(lines, child, 120_000).catch((e: Error) => e.message), failed]);
  let ready: { ready?: boolean; torch?: string; blas?: string } = {};
  try {
    ready = JSON.parse(hello);
  } catch {
    // not JSON: the reason is in stderr (peer.py says it needs torch) or in `hello`
  }
  if (!ready.ready) {
    child.kill();
    const why = stderr.trim().split('\n').pop() || hello;
    return `${python}: ${why}`;
  }
  // One request at a time: sides are only ever used one after another.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (request: object): Promise<number> => {
    const answer = queue.then(async () => {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const reply = JSON.parse(await nextLine(lines, child, 600_000)) as { ms?: number; error?: string };
      if (reply.error || reply.ms === undefined) throw new Error(`PyTorch peer: ${reply.error ?? 'no time'}`);
      return reply.ms;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  return {
    describe: `torch ${ready.torch} (${python}; ${ready.blas || 'BLAS unknown'}; OMP_WAIT_POLICY=${environment().OMP_WAIT_POLICY})`,
    side: (workload, threads) => ({
      block: (ms) => ask({ workload, threads, ms, clock: clockName() }),
      dispose: () => {},
    }),
    close: () => {
      child.stdin.end();
      child.kill();
    },
  };
}
