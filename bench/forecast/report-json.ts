// The JSON record of a run: where and on what code it ran (the forecaster under bindings/ changes under us, so
// the commit and whether bindings/ was dirty are part of the figure), and every per-seed number.

import { execFileSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';

const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

/** Taken when the run starts, before any fit: the code the figures belong to. */
export function provenance() {
  return {
    date: new Date().toISOString(),
    machine: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    commit: git('rev-parse', 'HEAD'),
    /** Uncommitted changes under bindings/ at the start (git status --porcelain). */
    bindingsDirty: git('status', '--porcelain', '--', 'bindings')
      .split('\n')
      .filter((l) => l !== ''),
    forecasterBlob: git('hash-object', 'bindings/tasks/forecaster.ts'),
    command: `npm run bench:forecast -- ${process.argv.slice(2).join(' ')}`.trim(),
  };
}

/** Writes atomically: a temporary file beside the target, then a rename. */
export async function writeJson(file: string, doc: object): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  await rename(tmp, file);
}
