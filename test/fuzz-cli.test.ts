// The command-line fuzz, short version (the full one: npx tsx scripts/fuzz/cli.ts, 400 runs): hostile argument
// lists over hostile files, run in-process. Every run ends in exit 0, or in exit 1 or 2 with one line on stderr
// (the last, and the only one under --quiet/--json) that starts "wasm-rnn: " and is never "unexpected error";
// a --json run that succeeds prints one JSON document.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../bindings/random.ts';
import { cliCase, judge, runCliCase } from '../scripts/fuzz/cli-cases.ts';
import { cliFiles } from '../scripts/fuzz/cli-files.ts';

describe('CLI fuzz', () => {
  it('150 hostile command lines: never "unexpected error", exit 0, 1 or 2, failures in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-fuzz-'));
    const files = await cliFiles(dir, 17);
    const rng = new Random(17);
    const codes: Record<number, number> = {};
    const problems: string[] = [];
    for (let i = 0; i < 150; i++) {
      const r = await runCliCase(cliCase(rng, files, dir));
      codes[r.code] = (codes[r.code] ?? 0) + 1;
      if (r.problem) problems.push(`wasm-rnn ${r.argv.join(' ').slice(0, 200)}: ${r.problem}`);
    }
    expect(problems).toEqual([]);
    // The corpus reaches every outcome: usage errors, refused data or files, and runs that succeed.
    expect(codes[2]).toBeGreaterThan(20);
    expect(codes[1]).toBeGreaterThan(10);
    expect(codes[0]).toBeGreaterThan(3);
  }, 120_000);

  it('the judge flags each way a run can break the promise, and passes the ways it keeps it', () => {
    const bad = 'wasm-rnn: x.txt is empty\n';
    expect(judge(['train', 'x.txt'], 1, '', bad)).toBeUndefined();
    expect(judge(['train', 'x.txt'], 1, '', `train 1/2 | loss 3\n${bad}`)).toBeUndefined();
    expect(judge(['train', 'x.txt', '-q'], 1, '', `train 1/2 | loss 3\n${bad}`)).toMatch(/2 lines/);
    expect(judge(['train'], 1, '', 'wasm-rnn: unexpected error: x is undefined (…)\n')).toMatch(/printed/);
    expect(judge(['train'], 3, '', bad)).toMatch(/exit code 3/);
    expect(judge(['train'], 1, '', `${bad}${bad}`)).toMatch(/2 lines/);
    expect(judge(['train'], 2, '', 'Error: boom\n')).toMatch(/1 lines/);
    expect(judge(['generate', 'm', '--json'], 0, '{"a":1}\n{"b":2}\n', '')).toMatch(/not one JSON document/);
    expect(judge(['generate', 'm', '--json'], 0, '{"a":1}\n', '')).toBeUndefined();
  });
});
