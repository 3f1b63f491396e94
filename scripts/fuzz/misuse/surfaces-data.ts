// Misuse surfaces of the data helpers: datasets and batching, CSV, windows and splits, streams, vocabularies,
// scalers, metrics, missing values, baselines and sampling. No runtime is involved; each call is on fresh data.

import {
  argMax,
  BatchBuffers,
  batches,
  batchify,
  CharVocab,
  chronologicalSplit,
  collate,
  findMissing,
  interpolateMissing,
  MinMaxScaler,
  mae,
  makeDataset,
  makeWindows,
  mape,
  mase,
  naiveForecast,
  parseCsv,
  readNumericCsv,
  rmse,
  StandardScaler,
  sampleToken,
  samplingDistribution,
  seasonalNaiveForecast,
  splitRanges,
  stack,
  tbptt,
  tokenize,
  WordVocab,
  windowBaseline,
  windowDataset,
  withMaskChannel,
} from '../../../bindings/data/index.ts';
import { Random } from '../../../bindings/random.ts';
import { type Arg, type Surface, surface } from './runner.ts';

const series = () => Float32Array.from({ length: 24 }, (_, i) => Math.sin(i / 3) + i / 10);
const inputs = () => [
  Float32Array.of(1, 2, 3, 4),
  Float32Array.of(5, 6),
  Float32Array.of(7, 8, 9, 10, 11, 12),
];
const targets = () => [Float32Array.of(0, 1), Float32Array.of(1), Float32Array.of(0, 1, 0)];
const dataset = () => makeDataset(inputs(), targets(), { features: 2, targetFeatures: 1 });
const windows = () => makeWindows(series(), { lookback: 4, horizon: 2, stride: 2 });
const CSV = 'date,value\n2024-01-01,1.5\n2024-01-02,NA\n2024-01-03,2.5\n2024-01-04,3\n';

/** A surface over a plain function of fresh arguments. */
const fn = (name: string, args: () => Arg[], call: (...a: never[]) => unknown): Surface =>
  surface({ name, setup: () => undefined, args, call: (_, a) => call(...(a as never[])) });
const iterate = (it: Iterable<unknown>) => {
  for (const _ of it);
};

export const DATA_SURFACES: readonly Surface[] = [
  fn(
    'makeDataset',
    () => [
      { name: 'inputs', value: inputs() },
      { name: 'targets', value: targets() },
      { name: 'options', value: { features: 2, targetFeatures: 1, targetsPer: 'step' } },
    ],
    makeDataset,
  ),
  ...[collate, stack].map((batch) =>
    fn(
      batch.name,
      () => [
        { name: 'dataset', value: dataset() },
        { name: 'indices', value: batch === stack ? [0, 0] : [2, 0, 1] },
        { name: 'options', value: { layout: 'batch-major', padValue: 0, targetPadValue: -1 } },
      ],
      batch,
    ),
  ),
  fn(
    'new BatchBuffers',
    () => [
      { name: 'dataset', value: dataset() },
      { name: 'capacity', value: 2, aliases: ['batchSize'] },
    ],
    (d: never, n: never) => new BatchBuffers(d, n),
  ),
  fn(
    'batches (one epoch)',
    () => [
      { name: 'dataset', value: dataset() },
      { name: 'options', value: { batchSize: 2, shuffle: true, seed: 3, dropLast: false } },
    ],
    (d: never, o: never) => iterate(batches(d, o)),
  ),
  fn(
    'BatchIterator.setState',
    () => [{ name: 'state', value: { epoch: 1, rng: new Random(2).getState() } }],
    (state: never) => {
      const loader = batches(dataset(), { batchSize: 2, shuffle: true });
      loader.setState(state);
      iterate(loader);
    },
  ),
  fn('parseCsv', () => [{ name: 'text', value: CSV, aliases: ['CSV'] }], parseCsv),
  fn(
    'readNumericCsv',
    () => [
      { name: 'text', value: CSV, aliases: ['CSV'] },
      {
        name: 'options',
        value: { column: 'value', dateColumn: 0, missing: ['NA'], lookback: 2, horizon: 1 },
      },
    ],
    readNumericCsv,
  ),
  fn(
    'makeWindows',
    () => [
      { name: 'series', value: series() },
      { name: 'options', value: { lookback: 4, horizon: 2, stride: 1, targetColumns: [0] } },
    ],
    makeWindows,
  ),
  fn('windowDataset', () => [{ name: 'windows', value: windows() }], windowDataset),
  fn(
    'windowBaseline',
    () => [
      { name: 'windows', value: windows() },
      { name: 'options', value: { method: 'seasonal', season: 2 } },
    ],
    windowBaseline,
  ),
  fn(
    'chronologicalSplit',
    () => [
      { name: 'series', value: series() },
      { name: 'fractions', value: { train: 0.6, validation: 0.2, test: 0.2 } },
      { name: 'options', value: { context: 3 } },
    ],
    chronologicalSplit,
  ),
  fn(
    'splitRanges',
    () => [
      { name: 'n', value: 50 },
      { name: 'fractions', value: { train: 0.7, validation: 0.1 } },
    ],
    splitRanges,
  ),
  fn(
    'batchify',
    () => [
      { name: 'stream', value: Int32Array.from({ length: 20 }, (_, i) => i % 5) },
      { name: 'tracks', value: 3 },
      { name: 'features', value: 1 },
    ],
    batchify,
  ),
  fn(
    'tbptt (one pass)',
    () => [
      { name: 'stream', value: series() },
      { name: 'options', value: { tracks: 2, k1: 3, k2: 5, shift: 1, features: 1 } },
    ],
    (s: never, o: never) => iterate(tbptt(s, o)),
  ),
  fn(
    'new CharVocab + encode',
    () => [
      { name: 'chars', value: ['a', 'b', 'c', ' '] },
      { name: 'options', value: { unknown: '?' } },
      { name: 'text', value: 'abc cab!' },
    ],
    (c: never, o: never, t: never) => new CharVocab(c, o).encode(t),
  ),
  fn(
    'CharVocab.fromText + decode',
    () => [
      { name: 'text', value: 'hello world' },
      { name: 'ids', value: [0, 1, 2, 3] },
    ],
    (t: never, ids: never) => CharVocab.fromText(t).decode(ids),
  ),
  fn(
    'CharVocab.fromJSON',
    () => [{ name: 'json', value: { kind: 'char', chars: ['x', 'y'] }, aliases: ['character vocabulary'] }],
    CharVocab.fromJSON,
  ),
  fn(
    'WordVocab.fromText + encode + decode',
    () => [
      { name: 'text', value: "we'll see the sea, we'll see" },
      { name: 'options', value: { lower: true, minCount: 1, maxSize: 10 } },
      { name: 'ids', value: [0, 1, 2] },
    ],
    (t: never, o: never, ids: never) => {
      const vocab = WordVocab.fromText(t, o);
      vocab.decode(ids);
      return vocab.encode(t);
    },
  ),
  fn(
    'new WordVocab',
    () => [
      { name: 'words', value: ['a', 'b'] },
      { name: 'options', value: { lower: false } },
    ],
    (w: never, o: never) => new WordVocab(w, o),
  ),
  fn(
    'WordVocab.fromJSON',
    () => [
      {
        name: 'json',
        value: { kind: 'word', words: ['<unk>', 'a'], lower: false },
        aliases: ['word vocabulary'],
      },
    ],
    WordVocab.fromJSON,
  ),
  fn(
    'tokenize',
    () => [
      { name: 'text', value: 'A b, c.' },
      { name: 'options', value: { lower: true } },
    ],
    tokenize,
  ),
  ...[StandardScaler, MinMaxScaler].flatMap((Scaler) => [
    fn(
      `${Scaler.name} fit + transform + inverseTransform`,
      () => [
        { name: 'series', value: series() },
        { name: 'x', value: series().subarray(0, 5), aliases: ['series'] },
      ],
      (s: never, x: never) => {
        const scaler = new Scaler().fit(s);
        return scaler.inverseTransform(scaler.transform(x));
      },
    ),
    fn(
      `${Scaler.name}.select`,
      () => [{ name: 'columns', value: [0] }],
      (columns: never) => new Scaler().fit({ data: series(), shape: [12, 2] }).select(columns),
    ),
    fn(
      `${Scaler.name}.fromJSON`,
      () => [{ name: 'json', value: new Scaler().fit(series()).toJSON(), aliases: ['scaler'] }],
      (json: never) => Scaler.fromJSON(json),
    ),
  ]),
  fn(
    'new MinMaxScaler',
    () => [{ name: 'range', value: [-1, 1] }],
    (r: never) => new MinMaxScaler(r),
  ),
  ...[mae, rmse, mape].map((metric) =>
    fn(
      metric.name,
      () => [
        { name: 'actual', value: Float32Array.of(1, 2, 3) },
        { name: 'predicted', value: [1.5, 2, 2] },
      ],
      metric,
    ),
  ),
  fn(
    'mase',
    () => [
      { name: 'actual', value: [1, 2] },
      { name: 'predicted', value: [1, 3] },
      { name: 'training', value: series() },
      { name: 'season', value: 2 },
    ],
    mase,
  ),
  fn('findMissing', () => [{ name: 'series', value: Float32Array.of(1, Number.NaN, 3) }], findMissing),
  fn(
    'interpolateMissing + withMaskChannel',
    () => [{ name: 'series', value: { data: Float32Array.of(1, Number.NaN, 3, 4), shape: [2, 2] } }],
    (s: never) => withMaskChannel(interpolateMissing(s)),
  ),
  fn(
    'withMaskChannel',
    () => [{ name: 'filled', value: interpolateMissing(Float32Array.of(1, Number.NaN, 3)) }],
    withMaskChannel,
  ),
  fn(
    'naiveForecast',
    () => [
      { name: 'history', value: series() },
      { name: 'horizon', value: 3 },
    ],
    naiveForecast,
  ),
  fn(
    'seasonalNaiveForecast',
    () => [
      { name: 'history', value: series() },
      { name: 'season', value: 4 },
      { name: 'horizon', value: 6 },
    ],
    seasonalNaiveForecast,
  ),
  fn(
    'sampleToken',
    () => [
      { name: 'logits', value: Float32Array.of(0.1, 2, -1, 0.5) },
      { name: 'rng', value: new Random(4) },
      { name: 'options', value: { temperature: 0.8, topK: 3, topP: 0.9 } },
    ],
    sampleToken,
  ),
  fn(
    'samplingDistribution',
    () => [
      { name: 'logits', value: [0.1, 2, -1] },
      { name: 'options', value: { temperature: 0 } },
    ],
    samplingDistribution,
  ),
  fn('argMax', () => [{ name: 'values', value: Float32Array.of(1, 3, 2) }], argMax),
];
