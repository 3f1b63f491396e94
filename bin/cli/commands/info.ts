// `wasm-rnn info MODEL`: what a model file holds — the task that wrote it (text, forecast, classify) or the
// plain model kind (saveModel), then model.summary(): layers, shapes, parameter counts, weight bytes, backend.
// `--json` prints the summary as one JSON object for scripts.

import type { Command } from 'commander';
import {
  loadModel,
  loadSeq2Seq,
  type ModelSummary,
  type Runtime,
  readManifest,
  WasmRnnError,
} from 'wasm-rnn';
import { UsageError } from '../fail.ts';
import { readModelFile } from '../files.ts';
import { type CliIO, line, runtime } from '../io.ts';
import { openModel } from '../models.ts';
import { BACKENDS, type BackendChoice, oneOf } from '../options.ts';

interface InfoFlags {
  json?: boolean;
  backend?: BackendChoice;
}

const TASKS: Record<string, string> = {
  text: 'a text model (wasm-rnn train FILE.txt)',
  forecast: 'a forecaster (wasm-rnn train FILE.csv)',
  classify: 'a sequence classifier',
};

/** The summary of the model in `path` and one line saying what kind of file it is; the model is freed. */
async function describeFile(
  rt: Runtime,
  path: string,
): Promise<{ what: string; summary: ModelSummary; dtype?: string }> {
  const bytes = await readModelFile(path);
  let manifest: ReturnType<typeof readManifest>;
  try {
    manifest = readManifest(bytes);
  } catch (error) {
    if (!(error instanceof WasmRnnError)) throw error;
    throw new UsageError(`${path} is not a wasm-rnn model: ${error.message}`);
  }
  return {
    ...(await describeModel(rt, path, bytes, manifest)),
    ...(manifest.dtype ? { dtype: manifest.dtype } : {}),
  };
}

async function describeModel(
  rt: Runtime,
  path: string,
  bytes: Uint8Array,
  manifest: ReturnType<typeof readManifest>,
): Promise<{ what: string; summary: ModelSummary }> {
  const task = manifest.extra?.task;
  if (typeof task === 'string' && task in TASKS) {
    const opened = await openModel(rt, path);
    try {
      return { what: TASKS[task], summary: opened.model.model.summary() };
    } finally {
      opened.model.dispose();
    }
  }
  const kind = manifest.architecture.kind;
  if (kind !== 'SequenceModel' && kind !== 'Seq2Seq') {
    throw new UsageError(
      `${path} holds a single ${kind} layer (saveLayer), not a model; wasm-rnn info reads model files`,
    );
  }
  const model = kind === 'Seq2Seq' ? loadSeq2Seq(rt, bytes).model : loadModel(rt, bytes).model;
  try {
    return { what: `a ${kind} (saveModel)`, summary: model.summary() };
  } finally {
    model.dispose();
  }
}

export function infoCommand(program: Command, io: CliIO): void {
  program
    .command('info')
    .summary('show the layers, shapes and parameter counts of a model file')
    .description(
      'Print what a model file holds: the task that wrote it, then a table of its layers with input and output\n' +
        'shapes (time-major; batch and time stay symbolic), parameter counts, total weight bytes and the backend.',
    )
    .argument('<model>', 'a model file (.safetensors) written by wasm-rnn train or saveModel')
    .option('--json', 'print the summary as JSON')
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS))
    .action(async (path: string, flags: InfoFlags) => {
      const rt = await runtime(flags.backend);
      const { what, summary, dtype } = await describeFile(rt, path);
      if (flags.json) {
        line(io.stdout, JSON.stringify({ file: path, holds: what, ...(dtype ? { dtype } : {}), ...summary }));
        return;
      }
      // The summary's weight bytes are the loaded f32 model's; a smaller file says how it stores them.
      const stored = dtype ? `, weights stored as ${dtype} (loaded as f32)` : '';
      line(io.stdout, `${path}: ${what}${stored}`);
      line(io.stdout, String(summary));
    });
}
