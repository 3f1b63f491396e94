// The command line run in-process, its two streams captured: what the CLI tests compare.

import { run } from '../../bin/cli/program.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `wasm-rnn ...argv` and returns its exit code, stdout and stderr. */
export async function cli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}
