// `wasm-rnn import MODEL.onnx --out MODEL.safetensors`: a recurrent model trained elsewhere (torch.onnx.export of
// nn.RNN/LSTM/GRU with their heads) as a wasm-rnn model file, which generate-free code and loadModel then read.
// What the importer cannot run exactly as the graph does is refused by node name and op type, in one line.

import type { Command } from 'commander';
import { onnxToModelFile } from 'wasm-rnn';
import { aboutFile } from '../fail.ts';
import { checkWritable, readInput, writeModelFile } from '../files.ts';
import { type CliIO, runtime } from '../io.ts';
import { BACKENDS, type BackendChoice, DTYPE_HELP, DTYPES, type DtypeChoice, oneOf } from '../options.ts';
import { type OutputFlags, Report, withOutputFlags } from '../output.ts';

interface ImportFlags extends OutputFlags {
  out: string;
  dtype: DtypeChoice;
  backend?: BackendChoice;
}

export function importCommand(program: Command, io: CliIO): void {
  const command = program
    .command('import')
    .summary('convert an ONNX recurrent model into a wasm-rnn model file')
    .description(
      'Read an ONNX file made by torch.onnx.export from nn.RNN/LSTM/GRU (uni- or bidirectional, stacked, with an\n' +
        'Embedding, a Linear head and a final activation) and write it as a wasm-rnn model file (PyTorch names).\n' +
        'Graphs outside that subset are refused with the node and op type that is not supported.',
    )
    .argument('<model>', 'an .onnx file')
    .requiredOption('-o, --out <file>', 'the model file to write (.safetensors)')
    .option('--dtype <dtype>', DTYPE_HELP, oneOf(...DTYPES), 'f32')
    .option('--backend <name>', `kernels: ${BACKENDS.join(', ')}`, oneOf(...BACKENDS));
  withOutputFlags(command).action(async (path: string, flags: ImportFlags) => {
    const report = new Report(io, flags, 'import');
    await checkWritable(flags.out);
    const rt = await runtime(flags.backend);
    const bytes = await readInput(path, 'an .onnx file');
    await writeModelFile(flags.out, converted(rt, bytes, path, flags.dtype));
    report.say(`wrote ${flags.out} (from ${path})`);
    report.set('from', path);
    report.set('out', flags.out);
    report.finish();
  });
}

/** The model file of an ONNX graph; a refusal names the file (the importer names the node and op). */
function converted(
  rt: Parameters<typeof onnxToModelFile>[0],
  bytes: Uint8Array,
  path: string,
  dtype: DtypeChoice,
): Uint8Array {
  try {
    return onnxToModelFile(rt, bytes, { dtype });
  } catch (error) {
    throw aboutFile(path, error);
  }
}
