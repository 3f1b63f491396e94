// npx tsx scripts/fuzz/cli.ts [--count N --seed S]: the command-line fuzz (issue 17): N hostile argument lists
// (default 400) over hostile files, each run in-process; prints the exit codes seen, the slowest run and every
// run that printed "unexpected error", exited with another code than 0, 1 or 2, or failed in more or less than
// one line. Exits 1 if any did. CI runs a short version (test/fuzz-cli.test.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../../bindings/random.ts';
import { cliCase, runCliCase } from './cli-cases.ts';
import { cliFiles } from './cli-files.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '400' }, seed: { type: 'string', default: '17' } },
});
const seed = Number(values.seed);
const count = Number(values.count);
const dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-cli-fuzz-'));
const files = await cliFiles(dir, seed);
const rng = new Random(seed);
const codes: Record<string, number> = {};
const failures: { argv: string[]; problem: string }[] = [];
let slowest = { ms: 0, argv: [] as string[] };
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  const r = await runCliCase(cliCase(rng, files, dir));
  codes[r.code] = (codes[r.code] ?? 0) + 1;
  if (r.ms > slowest.ms) slowest = { ms: r.ms, argv: r.argv };
  if (r.problem) failures.push({ argv: r.argv, problem: r.problem });
}
const show = (argv: string[]) =>
  argv.map((a) => JSON.stringify(a.length > 40 ? `${a.slice(0, 40)}…` : a)).join(' ');
console.log(
  `CLI fuzz, seed ${seed}: ${count} runs over ${files.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
console.log(
  `exit codes: ${JSON.stringify(codes)}; slowest run ${slowest.ms.toFixed(0)} ms: wasm-rnn ${show(slowest.argv)}`,
);
for (const f of failures.slice(0, 50)) console.log(`FAIL wasm-rnn ${show(f.argv)}\n     ${f.problem}`);
console.log(`${failures.length} failures`);
await rm(dir, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
