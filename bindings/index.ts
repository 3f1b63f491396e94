// The public API shared by the main entries (index.node.ts, index.browser.ts): what a user needs — start-up,
// layers and models with tensors in and out, training, data, tasks, model files, interchange, errors. The engine
// beneath (arena, kernel table, parameter slabs) is in internals.ts (`wasm-rnn/internals`, unstable). Every name
// exported here is listed by topic in docs/api.md; test/public-api.test.ts fails when the two differ.

export * from './data/index.ts';
export {
  BackendError,
  DataError,
  FormatError,
  MemoryLimitError,
  NonFiniteError,
  ShapeError,
  ValueError,
  WasmRnnError,
} from './errors.ts';
export { OnnxUnsupportedError, TfjsUnsupportedError } from './interchange/import-errors.ts';
export { ImportedModel, type ImportInputs, type ImportSignature } from './interchange/imported-model.ts';
export { type ExportOnnxOptions, exportOnnx } from './interchange/onnx-export.ts';
export { importOnnx, onnxToModelFile } from './interchange/onnx-import.ts';
export { importTfjs, tfjsToModelFile } from './interchange/tfjs-import.ts';
export { type LoadOptions, MAX_ABS_WEIGHT } from './io/load-options.ts';
export { type Manifest, MODEL_FORMAT_VERSION } from './io/manifest.ts';
export { type LayerKindName, type LoadedLayer, loadLayer, readManifest, saveLayer } from './io/model-file.ts';
export {
  type Loaded,
  type LoadedModel,
  loadAnyModel,
  loadModel,
  loadSeq2Seq,
  saveModel,
} from './io/model-save.ts';
export {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
} from './io/safetensors.ts';
export type { SaveOptions, WeightDtype } from './io/weight-dtype.ts';
export { Dense, type DenseOptions } from './model/dense.ts';
export { Embedding, type EmbeddingOptions } from './model/embedding.ts';
export { GRU, type GRUOptions } from './model/gru.ts';
export * from './model/index.ts';
export type { RecurrentInit } from './model/initializers.ts';
export { LSTM, type LSTMOptions } from './model/lstm.ts';
export { AttentionPooling, type AttentionPoolingOptions } from './model/pooling.ts';
export {
  type ForwardInto,
  Recurrent,
  type RecurrentGrads,
  type RecurrentInputGrads,
  type RecurrentOutput,
  type RecurrentState,
} from './model/recurrent.ts';
export type { RecurrentOptions } from './model/recurrent-config.ts';
export { RNN, type RNNOptions } from './model/rnn.ts';
export { Stepper, type StepperState } from './model/stepper.ts';
export { ParallelForward, type ParallelForwardOptions } from './parallel/parallel-forward.ts';
export type { ParallelOptions, ParallelTrainerOptions } from './parallel/parallel-options.ts';
export { ParallelTrainer } from './parallel/parallel-trainer.ts';
export { Random } from './random.ts';
export type { BackendOption, InitOptions } from './runtime/init.ts';
export type { Backend, Runtime } from './runtime/runtime.ts';
export * from './tasks/index.ts';
export { checkTensor, type Tensor, tensor } from './tensor.ts';
export { clipGradNorm, clipGradValue } from './train/clip.ts';
export * from './train/index.ts';
export {
  Adagrad,
  type AdagradOptions,
  Adam,
  type AdamOptions,
  AdamW,
  Optimizer,
  type OptimizerState,
  RMSprop,
  type RMSpropOptions,
  SGD,
  type SGDOptions,
} from './train/optimizers.ts';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  LRSchedule,
  ReduceLROnPlateau,
  StepLR,
} from './train/schedules.ts';
