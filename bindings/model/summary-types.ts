// What model.summary() returns (summary.ts builds it, summary-format.ts prints it).

/** A dimension: a size, or one fixed only by the data (the batch, the sequence length). */
export type Dim = number | 'batch' | 'time';

export interface LayerSummary {
  /** The PyTorch module name its parameters live under ('rnn', 'encoder.embedding'), or a role ('pooling'). */
  name: string;
  /** 'Embedding', 'OneHot', 'LSTM', 'GRU', 'RNN', 'LastState', 'AttentionPooling', 'RepeatVector', 'Dense'. */
  kind: string;
  inputShape: Dim[];
  outputShape: Dim[];
  params: number;
  trainable: boolean;
  /** What the shapes leave out: hidden size, stacking, direction, nonlinearity. */
  detail: string;
}

export interface ModelSummary {
  model: 'SequenceModel' | 'Seq2Seq';
  /** Shapes are [time, batch, ...] as predict() and load() read them. */
  layout: 'time-major';
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** float32 parameters: 4 bytes each (the gradient slab and optimizer state come on top when training). */
  weightBytes: number;
  backend: string;
  /** The Keras-like table. */
  toString(): string;
}
