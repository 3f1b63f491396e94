// PyTorch's side of bench/dates: seq2seq_dates.py spawned with one thread and OpenBLAS's OpenMP build on the
// library path, as the other PyTorch peers here, on the pairs written to `dataFile`; its last line is JSON.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DatesResult } from './ours.ts';

export interface PeerResult extends DatesResult {
  threads: number;
  torch: string;
}

const run = promisify(execFile);

export async function trainPytorch(
  dataFile: string,
  attention: boolean,
  steps: number,
  seed: number,
): Promise<PeerResult> {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? '/usr/lib/x86_64-linux-gnu/openblas-openmp',
    OMP_NUM_THREADS: '1',
  };
  const args = [
    'bench/dates/seq2seq_dates.py',
    '--data',
    dataFile,
    '--attention',
    attention ? 'additive' : 'none',
    '--steps',
    String(steps),
    '--seed',
    String(seed),
    '--threads',
    '1',
  ];
  const { stdout } = await run(python, args, { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PeerResult;
}
