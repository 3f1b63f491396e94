#!/usr/bin/env node
// The `wasm-rnn` executable (package.json "bin"): runs the command line on the process's arguments and streams.

import { run } from './cli/program.ts';

// `wasm-rnn --help | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
