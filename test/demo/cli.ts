// The wasm-rnn command line as a user runs it from the repository, on a file the demo downloaded.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './demo-server.ts';

export async function wasmRnn(args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--experimental-wasm-relaxed-simd', '--import', 'tsx', join(root, 'bin', 'wasm-rnn.ts'), ...args],
    { cwd: root },
  );
  return stdout;
}
