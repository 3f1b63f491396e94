// GRU layer (gate order r, z, n; n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))), PyTorch's torch.nn.GRU.

import type { Runtime } from '../runtime/runtime.ts';
import { Recurrent } from './recurrent.ts';
import type { RecurrentOptions } from './recurrent-config.ts';
import type { TensorSpec } from './slab.ts';

export type GRUOptions = RecurrentOptions;

export class GRU extends Recurrent {
  constructor(rt: Runtime, options: GRUOptions) {
    super(rt, options, 'gru');
  }

  /** Prefixed names and shapes, for a model that collects every layer's specs into one slab first. */
  static paramSpecs(options: GRUOptions): TensorSpec[] {
    return Recurrent.specsFor(options, 'gru');
  }
}
