// The PyTorch figure of the same run: bench/text/char_rnn.py spawned with one thread (torch.set_num_threads(1))
// and OpenBLAS's OpenMP build on the library path, as the other PyTorch peers here; its last line is JSON.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface PeerResult {
  bitsPerChar: number;
  loss: number;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  threads: number;
  torch: string;
}

const run = promisify(execFile);

export async function pytorchCharRnn(steps: number, text: string): Promise<PeerResult> {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? '/usr/lib/x86_64-linux-gnu/openblas-openmp',
    OMP_NUM_THREADS: '1',
  };
  const args = ['bench/text/char_rnn.py', '--steps', String(steps), '--text', text, '--threads', '1'];
  const { stdout } = await run(python, args, { env, maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as PeerResult;
}
