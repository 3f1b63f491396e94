// The model layer's composed models (the layers themselves are exported one by one from bindings/index.ts).

export type { AttentionFeed, AttentionOptions, AttentionScore } from './attention-config.ts';
export { Seq2Seq, type Seq2SeqPass } from './seq2seq.ts';
export type { Seq2SeqOptions, Seq2SeqSide } from './seq2seq-config.ts';
export {
  type BeamOptions,
  beamSearch,
  type Decoded,
  type DecodeOptions,
  greedyDecode,
} from './seq2seq-decode.ts';
export type {
  HeadSpec,
  ModelConfig,
  ModelInput,
  Pooling,
  RecurrentSpec,
  SequenceModelOptions,
} from './sequence-config.ts';
export type { InputShape, ModelInputs } from './sequence-input.ts';
export { SequenceModel } from './sequence-model.ts';
export { SequenceStepper } from './sequence-stepper.ts';
export type { Dim, LayerSummary, ModelSummary } from './summary-types.ts';
