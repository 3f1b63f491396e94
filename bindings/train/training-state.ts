// A checkpoint's training state (the JSON beside its weights): parsed within limits and checked field by field
// — type, range, and agreement between fields — before anything is built from it. What no run could have
// written (a step count of "3" or -1, a dropout generator of all zeros, an optimizer buffer the optimizer does
// not keep) is refused as a FormatError naming the field, instead of corrupting the resumed run.

import { describe, FormatError, ValueError } from '../errors.ts';
import { parseSection } from '../io/json-scan.ts';
import { MAX_JSON_DEPTH } from '../io/manifest.ts';
import { nonNegative, nonNegativeInt, positive, positiveInt } from '../validate.ts';
import type { ScheduleState } from './schedules.ts';
import type { TrainerSpec } from './trainer-spec.ts';

export const TRAINING_KEY = 'wasm_rnn.training';
export const CHECKPOINT_VERSION = 1;

export interface TrainingState {
  version: number;
  spec: TrainerSpec;
  steps: number;
  epochs: number;
  epochBatch: number;
  epochStats: { lossSum: number; counted: number; tokens: number };
  optimizer: { kind: string; step: number; lr: number; buffers: string[] };
  schedule: ScheduleState | null;
  dropout: number[];
  carried: { batchSize: number } | null;
}

/** The buffers each optimizer keeps, by torch's state names (optimizers.ts). */
export const OPTIMIZER_BUFFERS: Readonly<Record<string, readonly string[]>> = {
  sgd: ['momentum_buffer'],
  adam: ['exp_avg', 'exp_avg_sq'],
  adamw: ['exp_avg', 'exp_avg_sq'],
  adagrad: ['sum'],
  rmsprop: ['square_avg', 'grad_avg', 'momentum_buffer'],
};

const FIELDS = [
  'version',
  'spec',
  'steps',
  'epochs',
  'epochBatch',
  'epochStats',
  'optimizer',
  'schedule',
  'dropout',
  'carried',
];

/** Far more than the state's own keys and its trainer options; deep enough for every one of them. */
const LIMITS = { maxKeys: 10_000, maxDepth: MAX_JSON_DEPTH + 1 };

export const fail = (message: string): never => {
  throw new FormatError(`checkpoint: ${message}`);
};

// JSON has no ±Infinity (a plateau schedule's first `best`); they travel as { nonFinite: "Infinity" }.
export const encodeNumber = (_: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v;
const decodeNumber = (_: string, v: unknown) => {
  if (!isRecord(v) || !Object.hasOwn(v, 'nonFinite') || Object.keys(v).length !== 1) return v;
  // Only the two infinities: anything else stays an object, which every numeric field refuses.
  return v.nonFinite === 'Infinity' || v.nonFinite === '-Infinity' ? Number(v.nonFinite) : v;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function record(what: string, v: unknown, fields: readonly string[]): Record<string, unknown> {
  if (!isRecord(v)) return fail(`${what} must be an object with ${fields.join(', ')} but is ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!fields.includes(key)) fail(`${what} has an unknown field ${describe(key)}`);
  }
  for (const key of fields) if (!Object.hasOwn(v, key)) fail(`${what} has no ${key}`);
  return v;
}

/** Parses and checks the training state text of a checkpoint file (undefined: a model file, not a checkpoint). */
export function parseTrainingState(text: string | undefined): TrainingState {
  if (text === undefined)
    fail(`no training state: the file has no ${TRAINING_KEY} entry (a model file, not a checkpoint)`);
  const json = parseSection('the training state', text as string, LIMITS, fail, decodeNumber);
  if (!isRecord(json)) return fail(`the training state must be an object but is ${describe(json)}`);
  if (json.version !== CHECKPOINT_VERSION)
    fail(`version ${describe(json.version)} is not ${CHECKPOINT_VERSION}`);
  const s = record('the training state', json, FIELDS);
  try {
    checkFields(s);
  } catch (cause) {
    if (cause instanceof ValueError) fail(cause.message);
    throw cause;
  }
  return s as unknown as TrainingState;
}

function checkFields(s: Record<string, unknown>): void {
  // The trainer options are checked by the Trainer built from them; here only what the state must agree with.
  if (!isRecord(s.spec)) fail(`spec must be the trainer's options but is ${describe(s.spec)}`);
  const spec = s.spec as Record<string, unknown>;
  nonNegativeInt('steps', s.steps);
  nonNegativeInt('epochs', s.epochs);
  nonNegativeInt('epochBatch', s.epochBatch);
  const stats = record('epochStats', s.epochStats, ['lossSum', 'counted', 'tokens']);
  nonNegative('epochStats.lossSum', stats.lossSum);
  nonNegativeInt('epochStats.counted', stats.counted);
  nonNegativeInt('epochStats.tokens', stats.tokens);
  const o = record('optimizer', s.optimizer, ['kind', 'step', 'lr', 'buffers']);
  const names = typeof o.kind === 'string' ? OPTIMIZER_BUFFERS[o.kind] : undefined;
  if (names === undefined || !Object.hasOwn(OPTIMIZER_BUFFERS, o.kind as string)) {
    fail(
      `optimizer.kind must be one of ${Object.keys(OPTIMIZER_BUFFERS).join(', ')} but is ${describe(o.kind)}`,
    );
  }
  nonNegativeInt('optimizer.step', o.step);
  positive('optimizer.lr', o.lr);
  const buffers = o.buffers;
  const same =
    Array.isArray(buffers) && buffers.length === names!.length && names!.every((n) => buffers.includes(n));
  if (!same)
    fail(`optimizer.buffers must name ${names!.join(', ')} (${o.kind}'s) but is ${describe(buffers)}`);
  const specOptimizer = spec.optimizer as Record<string, unknown> | undefined;
  if (!isRecord(specOptimizer) || specOptimizer.kind !== o.kind) {
    fail(`spec.optimizer must be the ${o.kind} optimizer the state is for but is ${describe(specOptimizer)}`);
  }
  checkSchedule(s.schedule, spec.schedule);
  checkDropout(s.dropout);
  if (s.carried !== null)
    positiveInt('carried.batchSize', record('carried', s.carried, ['batchSize']).batchSize);
}

function checkSchedule(schedule: unknown, spec: unknown): void {
  const kind = (v: unknown) => (isRecord(v) ? v.kind : undefined);
  if (schedule === null) {
    if (spec !== undefined) fail(`the state has no schedule but spec.schedule is ${describe(kind(spec))}`);
    return;
  }
  // A plateau schedule keeps its counters in `extra`; the others keep only the epoch.
  const plateau = isRecord(schedule) && schedule.kind === 'plateau';
  const r = record('schedule', schedule, plateau ? ['kind', 'epoch', 'extra'] : ['kind', 'epoch']);
  if (typeof r.kind !== 'string' || r.kind !== kind(spec)) {
    fail(`schedule.kind ${describe(r.kind)} is not spec.schedule's ${describe(kind(spec))}`);
  }
  nonNegativeInt('schedule.epoch', r.epoch);
  if (plateau) {
    // A plateau schedule counts bad epochs, not epochs: its state() always says epoch 0.
    if (r.epoch !== 0) fail(`schedule.epoch of a plateau schedule is always 0 but is ${describe(r.epoch)}`);
    const extra = record('schedule.extra', r.extra, ['best', 'badEpochs', 'cooldownCounter']);
    if (typeof extra.best !== 'number' || Number.isNaN(extra.best))
      fail(`schedule.extra.best must be a number but is ${describe(extra.best)}`);
  }
}

/** Four uint32 words of an sfc32 state; all-zero a, b, c is no state a seed leads to (probability 2^-96). */
function checkDropout(words: unknown): void {
  const ok =
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < 2 ** 32);
  if (!ok) fail(`dropout must be the generator's 4 words (integers in [0, 2^32)) but is ${describe(words)}`);
  if ((words as number[]).slice(0, 3).every((w) => w === 0))
    fail('dropout holds a generator state of zeros, which no seed produces');
}
