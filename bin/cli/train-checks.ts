// The checks `wasm-rnn train` makes before and during training: --example in place of FILE, flags that belong to
// the other task, and a loss that diverges (then no model file is written).

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TrainingProgress } from 'wasm-rnn';
import { CliFailure, UsageError } from './fail.ts';
import type { BackendChoice, DtypeChoice } from './options.ts';
import { EXAMPLES, type ExampleName, exampleFile } from './samples.ts';

export interface TrainFlags {
  out: string;
  /** How --out stores the weights; checkpoints stay f32 (a resumed run must continue from exact weights). */
  dtype?: DtypeChoice;
  example?: ExampleName;
  task?: 'text' | 'forecast';
  column?: string;
  cell: 'lstm' | 'gru' | 'rnn';
  hidden?: number;
  layers: number;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed: number;
  backend?: BackendChoice;
  seqLength: number;
  training?: 'stateful' | 'stateless';
  validateEvery?: number;
  sampleEvery: number;
  prompt?: string;
  temperature: number;
  lookback?: number;
  horizon: number;
  season?: number;
  testFrom?: string;
  strategy?: 'recursive' | 'direct';
  scaler: 'standard' | 'minmax';
  mask: boolean;
  level: boolean;
  quiet?: boolean;
  json?: boolean;
  checkpoint?: string;
  every?: number;
  resume?: string;
}

/** Whether the user typed the flag (not a default or an --example setting). */
export const given = (command: Command, key: string) => command.getOptionValueSource(key) === 'cli';

/** FILE, or the sample named by --example with its settings under the flags the user gave. */
export function withExample(file: string | undefined, flags: TrainFlags, command: Command): string {
  if (flags.example === undefined) {
    if (file === undefined)
      throw new UsageError('train needs a FILE to learn from, or --example text|forecast for a sample');
    return file;
  }
  if (file !== undefined) throw new UsageError(`give FILE (${file}) or --example ${flags.example}, not both`);
  const example = EXAMPLES[flags.example];
  for (const [key, value] of Object.entries(example.flags))
    if (!given(command, key)) (flags as unknown as Record<string, unknown>)[key] = value;
  return exampleFile(flags.example);
}

/** Flags read by one task only; given to the other, they would be ignored, so they are refused. */
const TASK_FLAGS: Record<'text' | 'forecast', string[]> = {
  text: [
    'seqLength',
    'training',
    'validateEvery',
    'sampleEvery',
    'prompt',
    'temperature',
    'checkpoint',
    'every',
    'resume',
  ],
  forecast: ['column', 'lookback', 'horizon', 'season', 'strategy', 'scaler', 'mask', 'testFrom', 'level'],
};

/** Flags only a file's task reads (either task's, and --example): --task dates trains on no file and refuses them. */
export const FILE_TASK_FLAGS: readonly string[] = ['example', ...TASK_FLAGS.text, ...TASK_FLAGS.forecast];

export function refuseOtherTaskFlags(command: Command, task: 'text' | 'forecast', file: string): void {
  const other = task === 'text' ? 'forecast' : 'text';
  const wrong = command.options.find(
    (o) => TASK_FLAGS[other].includes(o.attributeName()) && given(command, o.attributeName()),
  );
  if (wrong === undefined) return;
  const trained = task === 'text' ? 'a text model' : 'a forecaster (it is a CSV file, or --task forecast)';
  const use = other === 'text' ? 'text models' : 'forecasting a CSV column';
  throw new UsageError(`${wrong.long} is for ${use}, but ${file} trains ${trained}; leave it out`);
}

/**
 * Watches the running loss: a non-finite loss, or one ten times where it started (and over 1), means the learning rate is
 * too high and the weights are ruined, so the model file is not written.
 */
export function divergence(flags: TrainFlags, defaultLr: string, controller = new AbortController()) {
  let first: number | undefined;
  let reason: string | undefined;
  return {
    signal: controller.signal,
    see(p: TrainingProgress): void {
      if (reason !== undefined) return;
      first ??= p.averageLoss;
      // A loss under 1 is no divergence whatever it started at: a series the network fits almost exactly starts
      // near 0 (2e-5), and noise then takes it ten times higher.
      if (Number.isFinite(p.loss) && !(p.averageLoss > Math.max(10 * first, 1))) return;
      const now = Number.isFinite(p.loss) ? p.averageLoss.toPrecision(3) : String(p.loss);
      reason = `the loss went from ${first.toPrecision(3)} to ${now} by step ${p.step}`;
      controller.abort();
    },
    check(): void {
      if (reason === undefined) return;
      const lr =
        flags.lr === undefined
          ? `lower --lr (default ${defaultLr})`
          : `--lr ${flags.lr >= 1e4 ? flags.lr.toExponential() : flags.lr} is too high; try ${defaultLr}, the default`;
      throw new CliFailure(`training diverged: ${reason}; ${lr}. ${flags.out} was not written`);
    },
  };
}

/** Settings a checkpoint fixes: given with --resume they would be ignored, so they are refused. */
const FIXED_BY_CHECKPOINT = ['cell', 'hidden', 'layers', 'seed', 'lr', 'batchSize', 'seqLength', 'training'];

/** --every without --checkpoint, a checkpoint in the model's file, and flags that --resume makes meaningless. */
export function checkCheckpointFlags(command: Command, flags: TrainFlags): void {
  if (given(command, 'every') && flags.checkpoint === undefined)
    throw new UsageError('--every N needs --checkpoint FILE (where the checkpoint is written)');
  if (flags.checkpoint !== undefined && resolve(flags.checkpoint) === resolve(flags.out))
    throw new UsageError(
      `--checkpoint ${flags.checkpoint} is also --out; the model and the checkpoint need a file each`,
    );
  if (flags.resume === undefined) return;
  const fixed = command.options.find(
    (o) => FIXED_BY_CHECKPOINT.includes(o.attributeName()) && given(command, o.attributeName()),
  );
  if (fixed !== undefined) {
    throw new UsageError(
      `${fixed.long} is fixed by the checkpoint ${flags.resume}, whose run --resume continues; leave it out`,
    );
  }
}
