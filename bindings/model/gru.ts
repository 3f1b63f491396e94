// GRU layer (gate order r, z, n), PyTorch's torch.nn.GRU: n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); with
// gru: { resetAfter: false }, Cho et al.'s original (Keras reset_after=False, ONNX linear_before_reset = 0):
// n = tanh(W_in x + b_in + W_hn (r⊙h) + b_hn), same parameters.

import type { Runtime } from '../runtime/runtime.ts';
import { Recurrent } from './recurrent.ts';
import type { GRUCellOptions, RecurrentOptions } from './recurrent-config.ts';
import type { TensorSpec } from './slab.ts';

export interface GRUOptions extends RecurrentOptions {
  /** The cell variant; default { resetAfter: true }, PyTorch's GRU. */
  gru?: GRUCellOptions;
}

export class GRU extends Recurrent {
  constructor(rt: Runtime, options: GRUOptions) {
    super(rt, options, 'gru');
  }

  /** Prefixed names and shapes, for a model that collects every layer's specs into one slab first. */
  static paramSpecs(options: GRUOptions): TensorSpec[] {
    return Recurrent.specsFor(options, 'gru');
  }
}
