// The licence notices that ship beside the bundled command (issue 19 item 5): dist/bin/THIRD_PARTY_LICENSES is
// written by build:cli (bin/vite.config.ts) from the modules the bundle holds. Read back here against two
// independent accounts of what is bundled: the module comments rolldown leaves in dist/bin/wasm-rnn.js, and the
// dependency walk from the CLI's imports (bin/third-party-notices.ts). The runtime suite builds dist/ first.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackages, LICENSES_FILE } from '../../bin/third-party-notices.ts';
import { exec, root } from './engines.ts';

const binDir = join(root, 'dist', 'bin');
const licenses = () => readFileSync(join(binDir, LICENSES_FILE), 'utf8');

/** "name version" of every package the file lists in its header ("  name 1.2.3 (MIT)"). */
function listed(text: string): string[] {
  const header = text.slice(0, text.indexOf('='.repeat(78)));
  return [...header.matchAll(/^ {2}(\S+) (\d\S*) \(([^)]+)\)$/gm)].map(
    ([, name, version]) => `${name} ${version}`,
  );
}

/** The packages whose files the bundle holds, by the path comment rolldown writes above each module. */
function inBundle(): string[] {
  const code = readFileSync(join(binDir, 'wasm-rnn.js'), 'utf8');
  const names = new Set<string>();
  for (const [, name] of code.matchAll(/^\/\/ \S*node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm))
    names.add(name);
  return [...names].sort();
}

describe('dist/bin/THIRD_PARTY_LICENSES', () => {
  it('lists every package the bundle names, and exactly the CLI imports and their dependencies', () => {
    const text = licenses();
    const packages = listed(text);
    expect(packages.length).toBeGreaterThanOrEqual(3);
    // Rolldown names most bundled modules in a comment (not a module it inlines whole, such as asciichart's).
    const names = packages.map((p) => p.split(' ')[0]);
    expect(inBundle().length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual(expect.arrayContaining(inBundle()));
    expect(packages).toEqual(bundledPackages().map((p) => `${p.name} ${p.version}`));
  });

  it("carries each package's own licence file verbatim, under its name, version and licence", () => {
    const text = licenses();
    for (const p of bundledPackages()) {
      const file = readdirSync(p.dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
      expect(file, `${p.name} ships a licence file`).toBeDefined();
      const own = readFileSync(join(p.dir, file!), 'utf8').trim();
      const section = text.indexOf(`\n${p.name} ${p.version} (${p.license})\n`);
      expect(section, p.name).toBeGreaterThan(0);
      expect(text.indexOf(own, section), `${p.name}'s licence text`).toBeGreaterThan(section);
    }
    expect(text.match(/Permission is hereby granted/g)?.length).toBe(bundledPackages().length);
  });

  it('is in the packed tarball beside the bundle', async () => {
    const packed = JSON.parse(await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], root));
    const files = packed[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/bin/wasm-rnn.js');
    expect(files).toContain(`dist/bin/${LICENSES_FILE}`);
  });
});
