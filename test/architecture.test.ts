// The layer map of bindings/ (docs/architecture.md draws it): a file imports from its own layer or a lower one,
// never a higher one, and no two files import each other, directly or round a circle. Every kind of import
// counts — `import`, `import type`, `export … from`, dynamic `import()` — since a type-only circle still means two
// files that cannot be read or changed one without the other. The map below is the only copy: the test also
// checks that the diagram in docs/architecture.md lists the same layers in the same order.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bindings = join(root, 'bindings');

interface Layer {
  rank: number;
  /** The name the diagram gives the layer: a folder of bindings/ with its slash, or `entries` / `base`. */
  name: string;
  /** Whether a path relative to bindings/ belongs to the layer. */
  holds: (path: string) => boolean;
}

const folder = (name: string) => (path: string) => path.startsWith(name);
const LAYERS: readonly Layer[] = [
  { rank: 10, name: 'entries', holds: (p) => /^(index|infer|internals)(\.[a-z]+)?\.ts$/.test(p) },
  { rank: 9, name: 'tasks/', holds: folder('tasks/') },
  { rank: 8, name: 'interchange/', holds: folder('interchange/') },
  { rank: 7, name: 'parallel/', holds: folder('parallel/') },
  { rank: 6, name: 'train/', holds: folder('train/') },
  { rank: 5, name: 'io/', holds: folder('io/') },
  { rank: 4, name: 'model/', holds: folder('model/') },
  { rank: 3, name: 'runtime/', holds: folder('runtime/') },
  { rank: 2, name: 'kernels-ts/', holds: folder('kernels-ts/') },
  { rank: 1, name: 'data/', holds: folder('data/') },
  {
    rank: 0,
    name: 'base',
    holds: (p) => ['errors.ts', 'validate.ts', 'random.ts', 'seed.ts', 'tensor.ts'].includes(p),
  },
];

/** Every source file of bindings/, relative to it, with `/` separators. */
function sources(dir = bindings): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js)$/.test(name) ? [relative(bindings, path).split('\\').join('/')] : [];
  });
}

/** The file a relative specifier names: the file itself, or a folder's index.ts. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const target = join(dirname(from), specifier).split('\\').join('/');
  for (const candidate of [target, `${target}.ts`, `${target}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** The bindings/ files each file imports, by any kind of import (resolved; imports of packages left out). */
function importGraph(): { graph: Map<string, string[]>; unresolved: string[] } {
  const files = sources();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(bindings, file), 'utf8');
    // preProcessFile reads import, import type, export … from, import() and require().
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(file, fileName, known);
      if (target === undefined)
        unresolved.push(`${file} imports '${fileName}', which is no file of bindings/`);
      else targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return { graph, unresolved };
}

const layerOf = (file: string): Layer | undefined => LAYERS.find((l) => l.holds(file));
const label = (file: string): string => {
  const layer = layerOf(file);
  return `bindings/${file} (layer ${layer?.rank} ${layer?.name})`;
};

/** Files importing each other, one group per strongly connected component (Tarjan), each listed in a cycle order. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

/** One shortest circle through `start` inside its group, as `a → b → … → a`. */
function circleThrough(
  start: string,
  group: readonly string[],
  graph: ReadonlyMap<string, readonly string[]>,
) {
  const inGroup = new Set(group);
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inGroup.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== start && u !== undefined; u = parent.get(u))
          path.splice(1, 0, u);
        return [...path, start].join(' → ');
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return group.join(', ');
}

const { graph, unresolved } = importGraph();

describe('the import graph of bindings/', () => {
  it('reads every import and resolves it to a file of bindings/', () => {
    expect(unresolved).toEqual([]);
    // The reader sees every kind of import: not vacuous.
    expect(graph.get('index.ts')).toContain('data/index.ts');
    const kinds = ts.preProcessFile(
      "import a from './a.ts'; import type { B } from './b.ts'; export * from './c.ts'; await import('./d.ts');",
      true,
      true,
    );
    expect(kinds.importedFiles.map((f) => f.fileName)).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts']);
  });

  it('puts every file in a layer of the map', () => {
    expect([...graph.keys()].filter((f) => layerOf(f) === undefined).map((f) => `bindings/${f}`)).toEqual([]);
  });

  it('has no import circles', () => {
    const found = cycles(graph).map((group) => {
      const circle = circleThrough(group[0], group, graph);
      const all = group.length > 2 ? ` (all of them: ${group.join(', ')})` : '';
      return `${group.length} files import each other, e.g. ${circle}${all}`;
    });
    expect(found).toEqual([]);
  });

  it('imports point down: every import goes to the same layer or a lower one', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [layerOf(file), layerOf(target)];
        if (from === undefined || to === undefined || to.rank <= from.rank) continue;
        upward.push(`${label(file)} imports ${label(target)}, a higher layer`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the circle finder and the layer check are not vacuous', () => {
    const toy = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    const [group] = cycles(toy);
    expect(group).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(circleThrough('a.ts', group, toy)).toBe('a.ts → b.ts → c.ts → a.ts');
    expect(layerOf('tasks/forecaster.ts')?.rank).toBeGreaterThan(layerOf('data/series.ts')?.rank ?? 99);
    expect(layerOf('kernels-ts/gemm.ts')?.name).toBe('kernels-ts/');
    expect(layerOf('index.node.ts')?.name).toBe('entries');
    expect(layerOf('errors.ts')?.name).toBe('base');
  });
});

describe('docs/architecture.md', () => {
  it('draws the same layers, in the same order, as the map this test enforces', () => {
    const page = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    // The diagram is the page's first ```text block.
    const diagram = page.match(/```text\n([\s\S]*?)```/)?.[1] ?? '';
    const drawn = [...diagram.matchAll(/^\s*(\d+)\s+(\S+)/gm)].map(([, rank, name]) => `${rank} ${name}`);
    expect(drawn).toEqual(LAYERS.map((l) => `${l.rank} ${l.name}`));
  });
});
