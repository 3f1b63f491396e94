// LSTM layer (gate order i, f, g, o), PyTorch's torch.nn.LSTM without projections or dropout.

import type { Runtime } from '../runtime/runtime.ts';
import { Recurrent } from './recurrent.ts';
import type { RecurrentOptions } from './recurrent-config.ts';
import type { TensorSpec } from './slab.ts';

export type LSTMOptions = RecurrentOptions;

export class LSTM extends Recurrent {
  constructor(rt: Runtime, options: LSTMOptions) {
    super(rt, options, 'lstm');
  }

  /** Prefixed names and shapes, for a model that collects every layer's specs into one slab first. */
  static paramSpecs(options: LSTMOptions): TensorSpec[] {
    return Recurrent.specsFor(options, 'lstm');
  }
}
