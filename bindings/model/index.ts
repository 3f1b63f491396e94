// The model layer's composed models (the layers themselves are exported one by one from bindings/index.ts).

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
