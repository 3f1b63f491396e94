// Every code block of README.md and docs/*.md runs, as a user who ran `npm install wasm-rnn` would run it (issue 19,
// "Done when"): the package is packed (`npm pack`), its tarball installed offline into a fresh project, and each
// page's blocks run there, the page in a folder of its own (node_modules linked to the project's).
//
// Rules for writers of the pages (test/runtimes/doc-blocks.ts enforces them):
// - Every fenced block names its language. ```ts and ```js blocks run; ```sh and ```bash blocks run; ```text is
//   output (or anything else that is not code) and never runs. A fenced block without a language fails the test,
//   and so does any other language.
// - A page's ts/js blocks run in order as ONE module (TypeScript through tsx): a later block sees the variables of
//   earlier ones, and the imports of all blocks are hoisted and merged, so a block may import what an earlier one
//   did. Keep them quick: a doc example trains for seconds, not minutes.
// - A page's sh/bash blocks run in order as one bash script (`set -euo pipefail`) before its module, in the page's
//   folder: `npx wasm-rnn …` runs the installed package's command, and the package's files are under
//   node_modules/wasm-rnn/. The line `npm install wasm-rnn` is what this test did with the tarball, so it is passed
//   over (the package is not published yet).
// - Commands that need the repository (npm start, npm test, npm ci, npm run …, .ci/run, benches, npx tsx) and
//   code that cannot run in Node (a Cloudflare Worker's module, a page's script) go in blocks marked not run:
//   ```sh no-run, ```ts no-run. A run block holding one of those commands fails the test.
// - Relative links and images must point at files the tarball carries (npm shows the README from it).
// - A page's module also type-checks (tsc --strict) against the declarations the package ships.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocBlock, fencedBlocks, pageModule, pageScript } from './doc-blocks.ts';
import { root } from './engines.ts';

const run = promisify(execFile);
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

const pages = [
  'README.md',
  ...(await readdir(join(root, 'docs')))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const markdown = new Map(
  await Promise.all(pages.map(async (p) => [p, await readFile(join(root, p), 'utf8')] as const)),
);

let work = '';
let project = '';
let files: string[] = [];

/** Runs a command to its end; a failure carries everything it printed. */
async function sh(command: string, args: string[], cwd: string, timeout = 150_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      timeout,
      maxBuffer: 16 << 20,
      // offline: `npx wasm-rnn` must find the installed package, never fetch one of that name.
      env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    });
    return stdout + stderr;
  } catch (e) {
    const { code, stdout, stderr } = e as { code?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed (${String(code)}):\n${stdout}\n${stderr}`,
    );
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wasm-rnn-docs-'));
  // The runtime suite builds dist/ and build/ first, so packing needs no prepare script.
  const packed = JSON.parse(
    await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  );
  files = packed[0].files.map((f: { path: string }) => f.path);
  project = join(work, 'app');
  await mkdir(project);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  await sh(
    'npm',
    ['install', join(work, packed[0].filename), '--offline', '--no-audit', '--no-fund'],
    project,
  );
}, 180_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the block rules (doc-blocks.ts)', () => {
  it('refuses a fenced block without a language, or with an unknown one, naming its line', () => {
    expect(() => fencedBlocks('x.md', 'a\n\n```\nnpm test\n```\n')).toThrow(
      /^x\.md:3: a fenced block has no language/,
    );
    expect(() => fencedBlocks('x.md', '```python\n1\n```\n')).toThrow(
      /x\.md:1: unknown block language 'python'/,
    );
    expect(() => fencedBlocks('x.md', '```sh norun\n1\n```\n')).toThrow(/unknown word 'norun'/);
    expect(() => fencedBlocks('x.md', '```ts\n1\n')).toThrow(/never closed/);
    expect(fencedBlocks('x.md', '```` ```ts ```` is inline code, not a fence\n')).toEqual([]);
  });

  it('runs ts/js/sh/bash, never text or no-run; merges the imports of a page into one module', () => {
    const blocks = fencedBlocks(
      'p.md',
      [
        '```ts',
        "import { init, LSTM } from 'wasm-rnn';",
        'const rt = await init();',
        '```',
        '```text',
        'output',
        '```',
        '- a list item:',
        '  ```ts',
        '  import {',
        '    init,',
        '    GRU,',
        "  } from 'wasm-rnn';",
        "  import { readFileSync } from 'node:fs';",
        '  new GRU(rt, {});',
        '  ```',
        '```sh no-run',
        'npm test',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((b) => [b.lang, b.run, b.line])).toEqual([
      ['ts', true, 1],
      ['text', false, 5],
      ['ts', true, 9],
      ['sh', false, 17],
    ]);
    const module = pageModule(blocks);
    expect(module.split('\n').slice(0, 2)).toEqual([
      "import { init, LSTM, GRU } from 'wasm-rnn';",
      "import { readFileSync } from 'node:fs';",
    ]);
    expect(module).toContain('\nnew GRU(rt, {});\n');
    expect(pageScript(blocks)).toBe('set -euo pipefail\n');
  });

  it('refuses a run shell block that needs the repository, and passes over `npm install wasm-rnn`', () => {
    const shell = (code: string): DocBlock[] => [{ page: 'p.md', line: 4, lang: 'sh', run: true, code }];
    for (const line of ['npm start', 'npm test', 'npm run bench -- --quick', '.ci/run', 'npx tsx bench/x.ts'])
      expect(() => pageScript(shell(line)), line).toThrow(/p\.md:4: .* needs the repository; mark the block/);
    expect(pageScript(shell('npm install wasm-rnn\nnpx wasm-rnn demo'))).toMatch(
      /^set -euo pipefail\n# ---- p\.md:4\n: npm install wasm-rnn .*\nnpx wasm-rnn demo\n$/,
    );
  });
});

describe('README.md and docs/*.md', () => {
  it('every relative link and image points at a file the tarball carries', () => {
    expect(files).toEqual(expect.arrayContaining(pages));
    for (const page of pages) {
      const text = markdown.get(page)!.replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target)) continue;
        const path = normalize(join(dirname(page), target.replace(/#.*$/, '')));
        expect(files, `${page} links ${target}`).toContain(path);
      }
    }
  });

  it('the README links every docs page', () => {
    const readme = markdown.get('README.md')!;
    for (const page of pages.filter((p) => p.startsWith('docs/')))
      expect(readme, page).toContain(`](${page})`);
  });

  it.each(pages)(
    '%s: every block runs from the installed package',
    async (page) => {
      const blocks = fencedBlocks(page, markdown.get(page)!);
      const dir = join(project, 'pages', page.replace(/[/.]/g, '_'));
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'page', private: true, type: 'module' }),
      );
      await symlink(join(project, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const script = pageScript(blocks);
      if (blocks.some((b) => b.run && (b.lang === 'sh' || b.lang === 'bash'))) {
        await writeFile(join(dir, 'page.sh'), script);
        await sh('bash', ['page.sh'], dir);
      }
      if (blocks.some((b) => b.run && (b.lang === 'ts' || b.lang === 'js'))) {
        await writeFile(join(dir, 'page.ts'), pageModule(blocks));
        await sh(tsx, ['page.ts'], dir);
      }
    },
    170_000,
  );

  it("every page's ts/js module type-checks (strict) against the package's declarations", async () => {
    const dir = join(project, 'types');
    const include: string[] = [];
    for (const page of pages) {
      const blocks = fencedBlocks(page, markdown.get(page)!);
      if (!blocks.some((b) => b.run && (b.lang === 'ts' || b.lang === 'js'))) continue;
      const name = `${page.replace(/[/.]/g, '_')}.ts`;
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, name), pageModule(blocks));
      include.push(name);
    }
    expect(include).toContain('README_md.ts');
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include }));
    await sh(tsc, ['-p', 'tsconfig.json'], dir);
  }, 120_000);
});
