// docs/cli.md's table "Mistakes and what the CLI says", run row by row: each command line (with `<tmp>` the
// folder of test/cli-messages-fixtures.ts) must print exactly the documented line on stderr, nothing on stdout,
// and exit with the documented code. A row that drifts from the CLI fails here, so the table stays true.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../bin/cli/program.ts';
import { makeFixtures } from './cli-messages-fixtures.ts';

interface Row {
  mistake: string;
  command: string;
  message: string;
  exit: number;
}

/** The cells of a Markdown table row: split on unescaped pipes, `\|` read as `|`, code spans unwrapped. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) =>
      c
        .trim()
        .replace(/\\\|/g, '|')
        .replace(/^`(.*)`$/, '$1'),
    );
}

function table(markdown: string, heading: string): Row[] {
  const start = markdown.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`docs/cli.md has no section "${heading}"`);
  const rest = markdown.slice(start).split('\n').slice(1);
  const body = rest.slice(rest.findIndex((l) => l.startsWith('|')));
  const end = body.findIndex((l) => !l.startsWith('|'));
  const lines = end < 0 ? body : body.slice(0, end);
  return lines.slice(2).map((l) => {
    const [mistake, command, message, exit] = cells(l);
    return { mistake, command, message, exit: Number(exit) };
  });
}

/** A command line as a shell splits it (words; "double quotes" group). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

const doc = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');
const rows = table(doc, 'Mistakes and what the CLI says');
let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-messages-'));
  await makeFixtures(tmp);
}, 60_000);

describe('docs/cli.md: mistakes and what the CLI says', () => {
  it('has one row per kind of mistake, each a wasm-rnn command line', () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(new Set(rows.map((r) => r.mistake)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.command.startsWith('wasm-rnn'), r.command).toBe(true);
      expect([1, 2], r.command).toContain(r.exit);
      expect(r.message.startsWith('wasm-rnn: '), r.message).toBe(true);
    }
  });

  it.each(rows)('$mistake: $command', async (row) => {
    const argv = words(row.command)
      .slice(1)
      .map((w) => w.replaceAll('<tmp>', tmp));
    let out = '';
    let err = '';
    const code = await run(argv, {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    });
    expect(err).toBe(`${row.message.replaceAll('<tmp>', tmp)}\n`);
    expect(out).toBe('');
    expect(code).toBe(row.exit);
  });

  it('no row wrote a model where it failed (the default --out of train)', () => {
    expect(existsSync('model.safetensors')).toBe(false);
    expect(existsSync(join(tmp, 'nowhere'))).toBe(false);
    expect(existsSync(join(tmp, 'imported.safetensors'))).toBe(false);
  });
});
