// The process the crash trials kill: `node --import tsx scripts/crash/child.ts DIR` trains the run of training.ts
// from scratch, writing a checkpoint to DIR/run.safetensors with writeFileAtomic after every step. It prints
// `ready` before the first step, `writing N` as checkpoint N's write starts (for kills aimed at writes) and
// `saved N` once it is on disk under its name, so the parent knows the last checkpoint a kill must not lose.
// `child.ts DIR K` also kills itself with SIGKILL as soon as checkpoint K's temporary file exists: the one kill
// that lands inside writeFileAtomic however slow the pipe to the parent is on a loaded machine.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { init, SequenceModel, Trainer, writeFileAtomic } from '../../bindings/index.node.ts';
import { CHECKPOINT, MODEL, TRAINER, trainToEnd } from './training.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: child.ts DIR [K]');
const killInside = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const path = join(dir, CHECKPOINT);
const rt = await init({ backend: 'wasm-simd' });
const trainer = new Trainer(new SequenceModel(rt, MODEL), TRAINER);
// Writes to a pipe are synchronous on POSIX: a line printed is in the parent's pipe before the next step.
process.stdout.write('ready\n');
await trainToEnd(trainer, async (bytes, at) => {
  process.stdout.write(`writing ${at.step}\n`);
  if (at.step === killInside) killOnceTempExists();
  await writeFileAtomic(path, bytes);
  process.stdout.write(`saved ${at.step}\n`);
});
process.stdout.write('done\n');

/** The temporary file exists from writeFileAtomic's open to its rename; each of its awaits lets a check run. */
function killOnceTempExists(): void {
  const poll = () => {
    if (readdirSync(dir).some((name) => name.endsWith('.tmp'))) process.kill(process.pid, 'SIGKILL');
    else setImmediate(poll);
  };
  setImmediate(poll);
}
