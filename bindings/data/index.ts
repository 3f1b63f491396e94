// The data layer's public API: user data → time-major [T, B, ·] Float32/Int32 arrays (DESIGN §2).

export type { Matrix, SeriesInput } from './args.ts';
export {
  naiveForecast,
  seasonalNaiveForecast,
  type WindowBaselineOptions,
  windowBaseline,
} from './baselines.ts';
export { type Batch, BatchBuffers, type CollateOptions, collate, type Layout, stack } from './batch.ts';
export { type BatchesOptions, type BatchesState, BatchIterator, batches } from './batches.ts';
export { accuracy, type ConfusionMatrix, confusionMatrix } from './classification.ts';
export {
  type CsvTable,
  type NumericCsvOptions,
  type NumericSeries,
  parseCsv,
  readNumericCsv,
} from './csv.ts';
export {
  type Dataset,
  type DatasetOptions,
  makeDataset,
  type SampleArray,
  type Sequence,
  type TargetsPer,
} from './dataset.ts';
export { mae, mape, mase, rmse } from './metrics.ts';
export { type FilledSeries, findMissing, interpolateMissing, withMaskChannel } from './missing.ts';
export {
  argMax,
  type SamplingOptions,
  sampleToken,
  samplingDistribution,
} from './sampling.ts';
export { MinMaxScaler, type ScalerJSON, StandardScaler } from './scalers.ts';
export { makeWindows, type WindowOptions, type Windows, windowDataset } from './series.ts';
export {
  chronologicalSplit,
  type SeriesSplit,
  type SplitFractions,
  type SplitOptions,
  type SplitRanges,
  type SplitRows,
  type SplitSpec,
  splitRanges,
} from './split.ts';
export {
  batchify,
  type StreamOptions,
  type StreamWindow,
  TbpttStream,
  tbptt,
  type WindowViews,
} from './stream.ts';
export { bitsPerCharacter, perplexity } from './text-metrics.ts';
export { CharVocab, type CharVocabJSON, type CharVocabOptions } from './vocab.ts';
export { tokenize, UNK, WordVocab, type WordVocabJSON, type WordVocabOptions } from './words.ts';
