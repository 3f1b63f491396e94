// The NaN/Inf guard: one sumsq over the whole gradient slab detects a non-finite gradient (NaN and ±Inf
// propagate through a sum of squares); only then is the slab searched for the first bad parameter, by name.

import { NonFiniteError } from '../errors.ts';
import type { ParamSlab } from '../model/slab.ts';

export function checkLoss(loss: number, step: number): void {
  if (!Number.isFinite(loss)) {
    throw new NonFiniteError(
      `step ${step}: the loss is ${loss}; training stopped and the weights are those before this step`,
      step,
      'loss',
    );
  }
}

export function checkGradients(slab: ParamSlab, step: number): void {
  const sumsq = slab.rt.kernels.sumsq_f32(slab.grads.ptr, slab.size);
  if (Number.isFinite(sumsq)) return;
  const grads = new Float32Array(slab.rt.memory.buffer, slab.grads.ptr, slab.size);
  for (const e of slab.entries) {
    for (let i = 0; i < e.length; i++) {
      const g = grads[e.offset + i];
      if (g - g !== 0) {
        throw new NonFiniteError(
          `step ${step}: the gradient of ${e.name} is ${g} at index ${i}; training stopped and the weights are those before this step`,
          step,
          e.name,
        );
      }
    }
  }
  // Every value is finite and only their squares overflowed: huge, but not a NaN. Clipping can deal with it.
}
