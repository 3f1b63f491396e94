// Crash trials (issue 8, item 4). A child process (child.ts) trains with a checkpoint written atomically after
// every step and is killed with SIGKILL at a random moment; then the trial checks what a user would rely on:
// the file under the checkpoint's name loads, it is the last checkpoint the child reported on disk (or the one
// whose rename beat the report), its bytes are those of the same checkpoint in an uninterrupted in-process run,
// and resuming from it in a fresh runtime continues bit-identically (every later step's loss, the epoch means,
// the final weights). A temporary file left beside it shows that the kill landed during a write.
// Trials take turns at three kinds of kill: from the parent at any moment of a step, from the parent aimed a few
// ms into a write (whether it lands there depends on the machine's load), and from the child itself once the
// write's temporary file exists (lands inside the write every time).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  init,
  Random,
  readTrainingState,
  resumeTrainer,
  SequenceModel,
  Trainer,
} from '../../bindings/index.node.ts';
import { CHECKPOINT, MODEL, STEPS, TRAINER, trainToEnd } from './training.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function weightsDigest(trainer: Trainer): string {
  const hash = createHash('sha256');
  for (const [name, v] of Object.entries(trainer.model.getWeights())) {
    hash.update(name).update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return hash.digest('hex');
}

/** Exactly equal, element by element (−0 and 0 apart): losses are compared as the numbers they are. */
const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** The uninterrupted run, in this process: each step's checkpoint (digest, size), losses, final weights. */
interface Reference {
  checkpoints: string[];
  sizes: number[];
  losses: number[];
  epochLosses: number[];
  weights: string;
}

async function reference(): Promise<Reference> {
  const rt = await init({ backend: 'wasm-simd' });
  const trainer = new Trainer(new SequenceModel(rt, MODEL), TRAINER);
  const checkpoints: string[] = [];
  const sizes: number[] = [];
  const run = await trainToEnd(trainer, (bytes, at) => {
    checkpoints[at.step] = digest(bytes);
    sizes[at.step] = bytes.length;
  });
  const weights = weightsDigest(trainer);
  trainer.dispose();
  trainer.model.dispose();
  return { checkpoints, sizes, ...run, weights };
}

interface ChildRun {
  /** The last step the child reported saved (0: none). */
  saved: number;
  killed: boolean;
  /** Milliseconds from `ready` to the kill (or to the end, when the child finished first). */
  ms: number;
}

/**
 * When to kill: `ms` after the child is ready, or `ms` after it starts writing checkpoint `step`; `inside`: the
 * child kills itself once checkpoint `step`'s temporary file exists.
 */
type KillAt = { ms: number; step?: number } | { inside: number };

/** Runs child.ts in `dir` and kills it as `kill` says (never, when undefined). */
function runChild(dir: string, kill?: KillAt): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const args = kill !== undefined && 'inside' in kill ? [String(kill.inside)] : [];
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let saved = 0;
    let ready: number | undefined;
    let end: number | undefined;
    const arm = (ms: number) =>
      setTimeout(() => {
        end = performance.now();
        child.kill('SIGKILL');
      }, ms);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') ready = performance.now();
        if (line.startsWith('saved ')) saved = Number(line.slice(6));
        if (kill === undefined || 'inside' in kill) continue;
        if (kill.step === undefined ? line === 'ready' : line === `writing ${kill.step}`) arm(kill.ms);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const killed = signal === 'SIGKILL';
      if (!killed && code !== 0) return reject(new Error(`crash child exited with ${code}: ${err}`));
      resolve({ saved, killed, ms: (end ?? performance.now()) - (ready ?? 0) });
    });
  });
}

/** Who kills the child and when: see the top of this file. */
export type KillKind = 'any' | 'aimed' | 'inside';

export interface Trial {
  index: number;
  /** When the kill was sent, in ms after the child was ready. */
  killMs: number;
  kind: KillKind;
  /** The child finished its run before the kill arrived. */
  finished: boolean;
  /** Last checkpoint the child reported on disk; whether a file is under the checkpoint's name, and its step. */
  saved: number;
  onDisk: boolean;
  checkpointStep: number | null;
  /** A temporary file of writeFileAtomic was left: the kill landed inside a write. */
  duringWrite: boolean;
  /** …and it was shorter than the checkpoint being written (killed mid-data, not between fsync and rename). */
  torn: boolean;
  loaded: boolean;
  /** The file's bytes equal the uninterrupted run's checkpoint at that step. */
  fileIdentical: boolean;
  /** Resumed in a fresh runtime: later losses, epoch means and final weights equal the uninterrupted run's. */
  resumedIdentical: boolean;
  error?: string;
}

async function inspect(
  dir: string,
  index: number,
  kind: KillKind,
  run: ChildRun,
  ref: Reference,
): Promise<Trial> {
  const names = await readdir(dir);
  const temps = names.filter((n) => n.endsWith('.tmp'));
  const tempBytes = temps.length > 0 ? (await stat(join(dir, temps[0]))).size : undefined;
  const trial: Trial = {
    index,
    killMs: run.ms,
    kind,
    finished: !run.killed,
    saved: run.saved,
    onDisk: names.includes(CHECKPOINT),
    checkpointStep: null,
    duringWrite: temps.length > 0,
    torn: false,
    loaded: false,
    fileIdentical: false,
    resumedIdentical: false,
  };
  if (!trial.onDisk) {
    if (run.saved > 0) trial.error = `checkpoint ${run.saved} was reported saved but no file is there`;
    trial.torn = tempBytes !== undefined && tempBytes < ref.sizes[1];
    return trial;
  }
  try {
    const bytes = new Uint8Array(await readFile(join(dir, CHECKPOINT)));
    const step = readTrainingState(bytes).steps;
    trial.checkpointStep = step;
    trial.torn = tempBytes !== undefined && tempBytes < ref.sizes[step + 1];
    trial.fileIdentical = digest(bytes) === ref.checkpoints[step];
    if (step < run.saved || step > run.saved + 1) {
      trial.error = `the file holds step ${step} but the child reported step ${run.saved} saved`;
    }
    const rt = await init({ backend: 'wasm-simd' });
    const { trainer } = resumeTrainer(rt, bytes);
    trial.loaded = true;
    const rest = await trainToEnd(trainer, () => {});
    trial.resumedIdentical =
      same(rest.losses, ref.losses.slice(step)) &&
      same(rest.epochLosses, ref.epochLosses.slice(ref.epochLosses.length - rest.epochLosses.length)) &&
      weightsDigest(trainer) === ref.weights;
    trainer.dispose();
    trainer.model.dispose();
  } catch (error) {
    trial.error = String(error);
  }
  return trial;
}

export interface CrashOptions {
  trials: number;
  /** Seeds the kill moments. */
  seed?: number;
  onTrial?: (trial: Trial) => void;
}

export interface CrashReport {
  /** One uninterrupted child run: its length in ms (the range kill moments are drawn from)… */
  childMs: number;
  /** …and whether its last checkpoint is byte for byte the in-process run's (determinism across processes). */
  childIdentical: boolean;
  /** Size of a checkpoint file (the first). */
  checkpointBytes: number;
  trials: Trial[];
}

const KINDS: readonly KillKind[] = ['any', 'aimed', 'inside'];

export async function runCrashTrials(options: CrashOptions): Promise<CrashReport> {
  const ref = await reference();
  const base = await mkdtemp(join(tmpdir(), 'wasm-rnn-crash-'));
  try {
    const whole = join(base, 'uninterrupted');
    await mkdir(whole);
    const calibration = await runChild(whole);
    const last = new Uint8Array(await readFile(join(whole, CHECKPOINT)));
    const report: CrashReport = {
      childMs: calibration.ms,
      childIdentical: calibration.saved === STEPS && digest(last) === ref.checkpoints[STEPS],
      checkpointBytes: ref.sizes[1],
      trials: [],
    };
    // Every kill is timed from a random moment of the run: the child's `ready` (k = 0) or the start of
    // checkpoint k's write. 'any': 0 to one step's length (the run's length / STEPS) after it, so any moment of a
    // step, train or write; 'aimed': 0–3 ms after it, into the write (open, write, fsync, close, rename,
    // directory fsync: ~5 ms here); 'inside': the child's own kill in checkpoint k's write. Timing from the run's
    // own events keeps the kills inside it however loaded the machine is.
    const random = new Random(options.seed ?? 1);
    const stepMs = calibration.ms / STEPS;
    for (let i = 0; i < options.trials; i++) {
      const dir = join(base, `trial-${i}`);
      await mkdir(dir);
      const kind = KINDS[i % KINDS.length];
      const step = kind === 'any' ? random.int(STEPS) : 1 + random.int(STEPS - 1);
      const kill: KillAt =
        kind === 'inside'
          ? { inside: step }
          : { ms: random.uniform(0, kind === 'aimed' ? 3 : stepMs), step: step === 0 ? undefined : step };
      const run = await runChild(dir, kill);
      const trial = await inspect(dir, i + 1, kind, run, ref);
      report.trials.push(trial);
      options.onTrial?.(trial);
      await rm(dir, { recursive: true, force: true });
    }
    return report;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

export interface CrashSummary {
  trials: number;
  killed: number;
  kinds: Record<KillKind, number>;
  killMs: { min: number; median: number; max: number };
  withCheckpoint: number;
  /** Kills inside writeFileAtomic before its rename (a temporary file left), and of them in the data itself. */
  duringWrite: number;
  torn: number;
  /** Kills after a rename but before the child could report it (the directory's fsync, mostly). */
  newerThanReported: number;
  loaded: number;
  fileIdentical: number;
  resumedIdentical: number;
  failures: Trial[];
}

export function summarize(report: CrashReport): CrashSummary {
  const t = report.trials;
  const ms = t.map((x) => x.killMs).sort((a, b) => a - b);
  const count = (f: (x: Trial) => boolean) => t.filter(f).length;
  return {
    trials: t.length,
    killed: count((x) => !x.finished),
    kinds: Object.fromEntries(KINDS.map((k) => [k, count((x) => x.kind === k)])) as Record<KillKind, number>,
    killMs: { min: ms[0], median: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1] },
    withCheckpoint: count((x) => x.onDisk),
    duringWrite: count((x) => x.duringWrite),
    torn: count((x) => x.torn),
    newerThanReported: count((x) => x.checkpointStep === x.saved + 1),
    loaded: count((x) => x.loaded),
    fileIdentical: count((x) => x.fileIdentical),
    resumedIdentical: count((x) => x.resumedIdentical),
    failures: t.filter(
      (x) => x.error !== undefined || (x.onDisk && !(x.fileIdentical && x.resumedIdentical)),
    ),
  };
}
