// The files the rows of docs/cli.md's message table refer to, as `<tmp>/NAME`: a small text and CSV, the models
// trained on them, a checkpoint, and the wrong kinds of file a user gives by mistake.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../bin/cli/program.ts';

const silent = { write: () => true };

async function cli(...argv: string[]): Promise<void> {
  const code = await run(argv, { stdout: silent, stderr: silent });
  if (code !== 0) throw new Error(`fixture command failed (${code}): wasm-rnn ${argv.join(' ')}`);
}

export async function makeFixtures(tmp: string): Promise<void> {
  const at = (name: string) => join(tmp, name);
  await writeFile(at('story.txt'), 'the cat sat on the mat. '.repeat(50));
  await writeFile(at('other.txt'), 'a dog ran in the fog. '.repeat(30));
  await writeFile(at('tiny.txt'), 'the cat\n');
  await writeFile(at('empty.txt'), '\n  \n');
  await writeFile(
    at('image.png'),
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  );
  await writeFile(
    at('latin1.txt'),
    Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
  );
  const months = Array.from({ length: 72 }, (_, t) => {
    const date = `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
    return `${date},${(100 + t + 10 * Math.sin((2 * Math.PI * t) / 12)).toFixed(2)}`;
  });
  await writeFile(at('sales.csv'), `month,units\n${months.join('\n')}\n`);
  await writeFile(at('wide.csv'), 'month,units,price\n2000-01,1,2\n2000-02,3,4\n');
  await writeFile(at('gaps.csv'), 'month,units\n2000-01,1\n2000-02,n/a\n2000-03,3\n');
  await mkdir(at('folder'), { recursive: true });
  const text = ['--hidden', '8', '--seq-length', '16', '--backend', 'wasm-simd', '-q'];
  await cli('train', at('story.txt'), ...text, '--steps', '2', '--out', at('story.safetensors'));
  await cli('train', '--task', 'dates', '--steps', '2', '--hidden', '8', '--out', at('dates.safetensors'));
  await cli(
    'train',
    at('story.txt'),
    ...text,
    '--steps',
    '2',
    '--out',
    at('run.safetensors'),
    '--checkpoint',
    at('run.ckpt'),
  );
  await cli(
    'train',
    at('sales.csv'),
    '--hidden',
    '4',
    '--season',
    '12',
    '--steps',
    '3',
    '--backend',
    'wasm-simd',
    '-q',
    '--out',
    at('sales.safetensors'),
  );
}
