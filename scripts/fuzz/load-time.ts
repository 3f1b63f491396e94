// npx tsx scripts/fuzz/load-time.ts: the worst load times the README's Guarantees state, measured. Each file is
// at a limit or built to be slow: large valid models (one keeping the orthogonal init that used to be redrawn),
// a large checkpoint, headers and manifests at their key limits or past them, a huge vocabulary, megabytes of
// metadata. Prints each file's size, the median of 3 loads, and milliseconds per MB.

import { WordVocab } from '../../bindings/data/words.ts';
import { init } from '../../bindings/index.node.ts';
import { MANIFEST_KEY } from '../../bindings/io/manifest.ts';
import { loadModel, saveModel } from '../../bindings/io/model-save.ts';
import { MAX_TENSORS } from '../../bindings/io/safetensors-header.ts';
import { SequenceModel, type SequenceModelOptions } from '../../bindings/model/index.ts';
import { TextModel } from '../../bindings/tasks/text-model.ts';
import { resumeTrainer } from '../../bindings/train/resume.ts';
import { Trainer } from '../../bindings/train/trainer.ts';
import { joinFile, parseHeader, splitFile } from './bytes.ts';

const rt = await init({ backend: 'wasm-simd' });

function model(options: SequenceModelOptions): Uint8Array {
  const m = new SequenceModel(rt, options);
  const bytes = saveModel(m);
  m.dispose();
  return bytes;
}

function withManifest(bytes: Uint8Array, change: (m: Record<string, unknown>) => string): Uint8Array {
  const raw = splitFile(bytes);
  const header = parseHeader(raw);
  const meta = header.__metadata__ as Record<string, string>;
  header.__metadata__ = { ...meta, [MANIFEST_KEY]: change(JSON.parse(meta[MANIFEST_KEY])) };
  return joinFile(JSON.stringify(header), raw.data);
}

function withHeader(bytes: Uint8Array, change: (h: Record<string, unknown>) => void): Uint8Array {
  const raw = splitFile(bytes);
  const header = parseHeader(raw) as Record<string, unknown>;
  change(header);
  return joinFile(JSON.stringify(header), raw.data);
}

const LSTM_16MB: SequenceModelOptions = {
  input: { features: 1 },
  recurrent: { cell: 'lstm', hiddenSize: 1024 },
  head: { outputSize: 1 },
};
const SMALL: SequenceModelOptions = {
  input: { tokens: 8 },
  recurrent: { cell: 'gru', hiddenSize: 8 },
  head: { outputSize: 8 },
};

function checkpoint(): Uint8Array {
  const m = new SequenceModel(rt, { ...LSTM_16MB, recurrent: { cell: 'lstm', hiddenSize: 512 } });
  const t = new Trainer(m, { loss: 'mse', optimizer: 'adam' });
  const bytes = t.checkpoint();
  t.dispose();
  m.dispose();
  return bytes;
}

function wordModel(words: number): Uint8Array {
  const vocab = new WordVocab(Array.from({ length: words }, (_, i) => `w${i}`));
  const m = new TextModel(rt, vocab, { hiddenSize: 8, embeddingDim: 8 });
  const bytes = m.save();
  m.dispose();
  return bytes;
}

const cases: [string, () => Uint8Array, (bytes: Uint8Array) => { dispose(): void }][] = [
  ['LSTM H=1024 (valid)', () => model(LSTM_16MB), (b) => loadModel(rt, b).model],
  [
    'LSTM H=1024, orthogonal init in its manifest (valid)',
    () =>
      withManifest(model(LSTM_16MB), (m) =>
        JSON.stringify(m).replace('"cell":"lstm"', '"cell":"lstm","init":{"recurrent":"orthogonal"}'),
      ),
    (b) => loadModel(rt, b).model,
  ],
  [
    'checkpoint, LSTM H=512 with Adam (valid)',
    checkpoint,
    (b) => {
      const { trainer } = resumeTrainer(rt, b);
      return {
        dispose() {
          trainer.dispose();
          trainer.model.dispose();
        },
      };
    },
  ],
  ['TextModel, 200,000 words (valid)', () => wordModel(200_000), (b) => TextModel.load(rt, b)],
  [
    'manifest extra of 99,000 keys (valid)',
    () =>
      withManifest(model(SMALL), (m) =>
        JSON.stringify({
          ...m,
          extra: Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`k${i}`, i])),
        }),
      ),
    (b) => loadModel(rt, b).model,
  ],
  [
    'manifest extra, an array of 2,000,000 numbers (valid)',
    () =>
      withManifest(model(SMALL), (m) => JSON.stringify({ ...m, extra: { a: new Array(2_000_000).fill(1) } })),
    (b) => loadModel(rt, b).model,
  ],
  [
    '20 MB of metadata in one string (valid)',
    () =>
      withHeader(model(SMALL), (h) => {
        (h.__metadata__ as Record<string, string>).blob = 'z'.repeat(20_000_000);
      }),
    (b) => loadModel(rt, b).model,
  ],
  [
    `${MAX_TENSORS} empty tensors (refused: unknown names)`,
    () =>
      withHeader(model(SMALL), (h) => {
        for (let i = 0; i < MAX_TENSORS - 10; i++)
          h[`e${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      }),
    (b) => loadModel(rt, b).model,
  ],
  [
    '1,000,000 metadata keys (refused: over the limit)',
    () =>
      withHeader(model(SMALL), (h) => {
        const meta = h.__metadata__ as Record<string, string>;
        for (let i = 0; i < 1_000_000; i++) meta[`k${i}`] = 'v';
      }),
    (b) => loadModel(rt, b).model,
  ],
];

const MB = 2 ** 20;
console.log('file | size | median of 3 loads | ms per MB');
for (const [name, make, load] of cases) {
  const bytes = make();
  const times: number[] = [];
  let outcome = 'loaded';
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    try {
      load(bytes).dispose();
    } catch (error) {
      outcome = `${(error as Error).name}: ${(error as Error).message.slice(0, 60)}`;
    }
    times.push(performance.now() - t0);
  }
  const median = times.sort((a, b) => a - b)[1];
  const size = bytes.length / MB;
  console.log(
    `${name} | ${size.toFixed(1)} MB | ${median.toFixed(0)} ms | ${(median / size).toFixed(0)} | ${outcome}`,
  );
}
