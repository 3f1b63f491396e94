#!/usr/bin/env node
// The `wasm-rnn` executable (package.json "bin"): runs the command line on the process's arguments and streams.

import { run } from './cli/program.ts';

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
