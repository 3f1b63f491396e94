// The inference API shared by the `wasm-rnn/infer` entries (infer.node.ts, infer.browser.ts): loading a model
// (ours, ONNX, TF.js), running it (forward / predict, streaming with a Stepper, Seq2Seq decoding) and sampling
// from its outputs. No Trainer, optimizer, schedule or fit: a page or an edge worker that only runs a model
// ships none of that code (test/infer-bundle.test.ts bundles this entry and checks). Every name is listed in
// docs/api.md (test/public-api.test.ts compares).

export { argMax, type SamplingOptions, sampleToken, samplingDistribution } from './data/sampling.ts';
export { CharVocab, type CharVocabJSON } from './data/vocab.ts';
export { tokenize, UNK, WordVocab, type WordVocabJSON } from './data/words.ts';
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
export { importOnnx } from './interchange/onnx-import.ts';
export { importTfjs } from './interchange/tfjs-import.ts';
export { type LoadOptions, MAX_ABS_WEIGHT } from './io/load-options.ts';
export type { Manifest } from './io/manifest.ts';
export { type LoadedLayer, loadLayer, readManifest } from './io/model-file.ts';
export { type Loaded, type LoadedModel, loadAnyModel, loadModel, loadSeq2Seq } from './io/model-save.ts';
export { type DecodedSafetensors, decodeSafetensors, type SafeTensor } from './io/safetensors.ts';
export type { WeightDtype } from './io/weight-dtype.ts';
export { Seq2Seq } from './model/seq2seq.ts';
export type { Seq2SeqOptions } from './model/seq2seq-config.ts';
export {
  type BeamOptions,
  beamSearch,
  type Decoded,
  type DecodeOptions,
  greedyDecode,
} from './model/seq2seq-decode.ts';
export type { SequenceModelOptions } from './model/sequence-config.ts';
export type { InputShape, ModelInputs } from './model/sequence-input.ts';
export { SequenceModel } from './model/sequence-model.ts';
export { Stepper, type StepperState } from './model/stepper.ts';
export { Random } from './random.ts';
export type { BackendOption, InitOptions } from './runtime/init.ts';
export type { Backend, Runtime } from './runtime/runtime.ts';
export { checkTensor, type Tensor, tensor } from './tensor.ts';
