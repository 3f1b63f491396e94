// Reads the fenced code blocks of a Markdown page and turns them into what test/runtimes/docs-blocks.test.ts runs:
// one module of the page's ts/js blocks (imports hoisted and merged) and one shell script of its sh/bash blocks.
// The rules for writers are in that test's header comment; this file only enforces them.

/** Languages whose blocks run, and the one language for output and prose-like text that never runs. */
const RUNNABLE = new Set(['ts', 'js', 'sh', 'bash']);
const OUTPUT = 'text';
/** The word after the language that shows a block without running it: `sh no-run`, `ts no-run`. */
export const NO_RUN = 'no-run';

export interface DocBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'js' | 'sh' | 'bash' | 'text';
  run: boolean;
  code: string;
}

/** Every fenced block of the page; a block without a language or with an unknown one is an error naming its line. */
export function fencedBlocks(page: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    if (fence[0] === '`' && info.includes('`')) continue; // inline code at the start of a line (CommonMark)
    const [lang = '', ...words] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      j++;
    }
    if (j === lines.length) throw new Error(`${page}:${i + 1}: a fenced block is never closed`);
    const where = `${page}:${i + 1}`;
    if (lang === '')
      throw new Error(
        `${where}: a fenced block has no language; write \`\`\`ts, js, sh or bash (run), add ${NO_RUN} to show one without running it, or \`\`\`text for output`,
      );
    if (!RUNNABLE.has(lang) && lang !== OUTPUT)
      throw new Error(`${where}: unknown block language '${lang}'; use ts, js, sh, bash or text`);
    const unknown = words.filter((w) => w !== NO_RUN);
    if (unknown.length > 0) throw new Error(`${where}: unknown word '${unknown[0]}' after the language`);
    blocks.push({
      page,
      line: i + 1,
      lang: lang as DocBlock['lang'],
      run: lang !== OUTPUT && !words.includes(NO_RUN),
      code: body.join('\n'),
    });
    i = j;
  }
  return blocks;
}

/** A page's ts/js blocks, in order, as one ES module: every import moved to the top, one per module path. */
export function pageModule(blocks: DocBlock[]): string {
  const named = new Map<string, Set<string>>(); // module path → `name` or `name as alias`
  const other = new Set<string>(); // default, namespace and side-effect imports, verbatim
  const body: string[] = [];
  for (const block of blocks.filter((b) => b.run && (b.lang === 'ts' || b.lang === 'js'))) {
    body.push(`// ---- ${block.page}:${block.line}`);
    const lines = block.code.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^import[\s{'"]/.test(lines[i])) {
        body.push(lines[i]);
        continue;
      }
      let statement = lines[i];
      while (!/(from\s*)?['"][^'"]+['"];?\s*(\/\/.*)?$/.test(statement) && i + 1 < lines.length)
        statement += ` ${lines[++i].trim()}`;
      const braces = /^import\s*(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/.exec(statement);
      if (braces && !braces[1]) {
        const names = named.get(braces[3]) ?? new Set<string>();
        for (const n of braces[2].split(',')) if (n.trim()) names.add(n.trim().replace(/\s+/g, ' '));
        named.set(braces[3], names);
      } else other.add(statement.replace(/\s*\/\/.*$/, ''));
      body.push(''); // keeps the block's line count, so an error's line still points near its source
    }
  }
  const imports = [...named].map(([from, names]) => `import { ${[...names].join(', ')} } from '${from}';`);
  return [...imports, ...other, '', ...body, ''].join('\n');
}

/** Shell lines that need the repository rather than the installed package: such a block must be marked no-run. */
const REPOSITORY_ONLY =
  /^\s*(npm (start|test|ci|run)\b|npm install\s*(#.*)?$|\.ci\/run|npx tsx|node --import tsx)/;
/** `npm install wasm-rnn` is what the test did with the packed tarball (the package is not published). */
const INSTALL = /^\s*npm (install|i) wasm-rnn\s*(#.*)?$/;

/** A page's sh/bash blocks, in order, as one bash script that stops at the first failing command. */
export function pageScript(blocks: DocBlock[]): string {
  const out = ['set -euo pipefail'];
  for (const block of blocks.filter((b) => b.run && (b.lang === 'sh' || b.lang === 'bash'))) {
    out.push(`# ---- ${block.page}:${block.line}`);
    for (const line of block.code.split('\n')) {
      if (REPOSITORY_ONLY.test(line))
        throw new Error(
          `${block.page}:${block.line}: '${line.trim()}' needs the repository; mark the block \`\`\`sh ${NO_RUN}`,
        );
      out.push(INSTALL.test(line) ? `: ${line.trim()} — installed from the packed tarball` : line);
    }
  }
  return `${out.join('\n')}\n`;
}
