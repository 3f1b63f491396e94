// The files the command-line fuzz hands to `wasm-rnn`: a valid text and CSV, the models and the checkpoint the
// CLI itself trains on them, and hostile ones — binary and non-UTF-8 text, empty and one-character files, a
// megabyte on one line, CSVs of NaN, 1e308, a thousand columns or broken quotes, a folder, a missing path, and
// the CLI's own model files mutated by the model-file corpus (truncated, lying headers, hostile manifests).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../bin/cli/program.ts';
import { Random } from '../../bindings/random.ts';
import type { BaseSource } from './bases.ts';
import { fuzzCase } from './corpus.ts';

const silent = { write: () => true };

async function cli(...argv: string[]): Promise<void> {
  const code = await run(argv, { stdout: silent, stderr: silent });
  if (code !== 0) throw new Error(`cli fuzz: building a base failed (${code}): wasm-rnn ${argv.join(' ')}`);
}

/** A model file as the single base of a corpus, so its mutations stay files of the CLI's own kinds. */
const only = (kind: string, bytes: Uint8Array): BaseSource => ({
  name: kind,
  make: () => ({ kind, options: {}, weights: {}, bytes }),
});

/** Writes the files into `dir` and returns their paths (valid ones first), a folder and a missing path too. */
export async function cliFiles(dir: string, seed: number, mutated = 12): Promise<string[]> {
  const rng = new Random(seed);
  const files: Record<string, string | Uint8Array> = {
    'text.txt': 'the cat sat on the mat, and the dog ran in the fog.\n'.repeat(12),
    'sales.csv': `month,units\n${Array.from({ length: 60 }, (_, t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')},${(50 + t + 8 * Math.sin(t / 2)).toFixed(2)}`).join('\n')}\n`,
    'binary.bin': Uint8Array.from({ length: 600 }, () => rng.int(256)),
    'nul.txt': 'text\u0000with a nul\n',
    'latin1.txt': Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xff, 0xfe]),
    'utf16.txt': Uint8Array.from([0xff, 0xfe, 0x68, 0, 0x69, 0, 0x0a, 0]),
    'empty.txt': '',
    'space.txt': ' \n\t\n',
    'one.txt': 'a',
    'long-line.txt': 'x'.repeat(1 << 20),
    'nan.csv': `v\n${['NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '', '1'].join('\n')}\n`,
    'huge.csv': `v\n${Array.from({ length: 80 }, (_, t) => (t % 2 ? '1e308' : '-1e308')).join('\n')}\n`,
    'wide.csv': `${Array.from({ length: 1000 }, (_, c) => `c${c}`).join(',')}\n${Array.from({ length: 1000 }, () => '1').join(',')}\n`,
    'quotes.csv': 'date,"value\n2000,"1\n2001,2"\n',
    'header.csv': 'date,value\n',
    'dates.csv': `date,v\n${Array.from({ length: 60 }, (_, t) => `not-a-date-${t},${t}`).join('\n')}\n`,
    'bom.csv': `\uFEFFv\n${Array.from({ length: 60 }, (_, t) => String(t % 7)).join('\n')}\n`,
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await mkdir(join(dir, 'folder'), { recursive: true });
  const at = (name: string) => join(dir, name);
  await cli(
    'train',
    at('text.txt'),
    '--hidden',
    '6',
    '--seq-length',
    '8',
    '--steps',
    '2',
    '-q',
    '--out',
    at('text.safetensors'),
    '--checkpoint',
    at('text.ckpt'),
  );
  await cli(
    'train',
    at('sales.csv'),
    '--hidden',
    '4',
    '--season',
    '12',
    '--steps',
    '2',
    '-q',
    '--out',
    at('sales.safetensors'),
  );
  const paths = [...Object.keys(files), 'text.safetensors', 'text.ckpt', 'sales.safetensors'].map(at);
  for (const name of ['text.safetensors', 'text.ckpt', 'sales.safetensors']) {
    const source = only(name, new Uint8Array(await readFile(at(name))));
    for (let i = 0; i < mutated / 3; i++) {
      const path = at(`mutated-${i}-${name}`);
      await writeFile(path, fuzzCase(seed, i, source).bytes);
      paths.push(path);
    }
  }
  return [...paths, at('folder'), at('missing.txt')];
}
