// The export lists in README.md (the values of `wasm-rnn`), docs/api.md (`wasm-rnn`, `wasm-rnn/infer`) and
// docs/internals.md (`wasm-rnn/internals`) are what the entries export, name for name, values and types apart: a name added, renamed or removed in an
// entry fails here until its page says so, so the lists cannot rot. The engine stays out of the main entry.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as browser from '../bindings/index.browser.ts';
import * as node from '../bindings/index.node.ts';
import * as inferNode from '../bindings/infer.node.ts';
import * as internals from '../bindings/internals.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Exports {
  values: string[];
  types: string[];
}

/** Every name an entry exports, by the type checker: values (functions, classes, constants) and types. */
function entryExports(entries: readonly string[]): Map<string, Exports> {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const files = entries.map((e) => `${root}bindings/${e}`);
  const program = ts.createProgram(files, config.options);
  const checker = program.getTypeChecker();
  return new Map(
    entries.map((entry, i) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(files[i])!)!;
      const out: Exports = { values: [], types: [] };
      for (const symbol of checker.getExportsOfModule(module)) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        (target.flags & ts.SymbolFlags.Value ? out.values : out.types).push(symbol.name);
      }
      out.values.sort();
      out.types.sort();
      return [entry, out];
    }),
  );
}

interface Listed extends Exports {
  /** Values of rows whose topic starts "Node only": absent from the browser build. */
  nodeOnly: string[];
}

/** The names the table under `## heading` (up to the next heading) lists: the second column values, the third types. */
function listed(page: string, heading: string): Listed {
  const text = readFileSync(`${root}${page}`, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  const body = start < 0 ? '' : text.slice(start + heading.length + 5).split(/\n## /)[0];
  const names = (cell = '') => [...cell.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]);
  const out: Listed = { values: [], types: [], nodeOnly: [] };
  for (const line of body.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || /^-+$/.test(cells[1]) || cells[1] === 'topic') continue;
    out.values.push(...names(cells[2]));
    out.types.push(...names(cells[3]));
    if (cells[1].startsWith('Node only')) out.nodeOnly.push(...names(cells[2]));
  }
  out.values.sort();
  out.types.sort();
  return out;
}

const duplicates = (names: readonly string[]) => names.filter((n, i) => names.indexOf(n) !== i);
const exported = entryExports([
  'index.node.ts',
  'index.browser.ts',
  'infer.node.ts',
  'infer.browser.ts',
  'internals.ts',
]);
const api = listed('docs/api.md', '`wasm-rnn`');
const infer = listed('docs/api.md', '`wasm-rnn/infer`');
const engine = listed('docs/internals.md', 'What it exports');

describe('docs/api.md lists what the entries export', () => {
  it('wasm-rnn (Node, Deno, Bun): every value and type, each once', () => {
    expect(duplicates([...api.values, ...api.types])).toEqual([]);
    expect(api.values.length).toBeGreaterThan(100); // the table was read
    expect(exported.get('index.node.ts')).toEqual({ values: api.values, types: api.types });
  });

  it('wasm-rnn (browsers, workers, edge): the same, less the rows marked Node only', () => {
    expect(api.nodeOnly).toEqual(['writeFileAtomic', 'logFile']);
    expect(exported.get('index.browser.ts')).toEqual({
      values: api.values.filter((n) => !api.nodeOnly.includes(n)),
      types: api.types,
    });
  });

  it('wasm-rnn/infer, both builds', () => {
    expect(duplicates([...infer.values, ...infer.types])).toEqual([]);
    expect(infer.values.length).toBeGreaterThan(30);
    expect(exported.get('infer.node.ts')).toEqual({ values: infer.values, types: infer.types });
    expect(exported.get('infer.browser.ts')).toEqual({ values: infer.values, types: infer.types });
  });

  it("README.md's list (What it exports) is every value of wasm-rnn, each once", () => {
    const readme = listed('README.md', 'What it exports');
    expect(duplicates(readme.values)).toEqual([]);
    expect(readme.types).toEqual([]); // the third column holds links, not names
    expect(readme.values).toEqual(exported.get('index.node.ts')!.values);
    expect(readme.nodeOnly).toEqual(api.nodeOnly);
  });

  it('the type checker and the loaded modules agree on the values', () => {
    expect(Object.keys(node).sort()).toEqual(exported.get('index.node.ts')!.values);
    expect(Object.keys(browser).sort()).toEqual(exported.get('index.browser.ts')!.values);
    expect(Object.keys(inferNode).sort()).toEqual(exported.get('infer.node.ts')!.values);
    expect(Object.keys(internals).sort()).toEqual(exported.get('internals.ts')!.values);
  });
});

describe('docs/internals.md lists what wasm-rnn/internals exports', () => {
  it('every value and type', () => {
    expect(exported.get('internals.ts')).toEqual({ values: engine.values, types: engine.types });
    expect(engine.values).toContain('ParamSlab');
  });

  it('the main entries export none of the engine', () => {
    const main = exported.get('index.node.ts')!;
    const all = [...main.values, ...main.types, ...infer.values, ...infer.types];
    expect([...engine.values, ...engine.types].filter((n) => all.includes(n))).toEqual([]);
  });

  it('package.json maps wasm-rnn/internals to the built entry and its declarations', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    expect(pkg.exports['./internals']).toEqual({
      types: './dist/internals.d.ts',
      default: './dist/internals.js',
    });
  });
});
