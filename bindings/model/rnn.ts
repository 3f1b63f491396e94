// Elman RNN layer, h_t = φ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) with φ = tanh or relu: torch.nn.RNN.

import { describe, ValueError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { CellType } from './cells.ts';
import { Recurrent } from './recurrent.ts';
import type { RecurrentOptions } from './recurrent-config.ts';
import type { TensorSpec } from './slab.ts';

export interface RNNOptions extends RecurrentOptions {
  /** Default 'tanh'. */
  nonlinearity?: 'tanh' | 'relu';
}

function cellOf(options: RNNOptions): CellType {
  const n = options?.nonlinearity ?? 'tanh';
  if (n !== 'tanh' && n !== 'relu') {
    throw new ValueError(`nonlinearity must be 'tanh' or 'relu' but got ${describe(n)}`);
  }
  return n === 'tanh' ? 'rnn_tanh' : 'rnn_relu';
}

export class RNN extends Recurrent {
  constructor(rt: Runtime, options: RNNOptions) {
    super(rt, options, cellOf(options));
  }

  /** Prefixed names and shapes, for a model that collects every layer's specs into one slab first. */
  static paramSpecs(options: RNNOptions): TensorSpec[] {
    return Recurrent.specsFor(options, cellOf(options));
  }
}
