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

/**
 * The first NaN or ±Inf of a block laid out as the slab (its weights, its gradients, an optimizer buffer), by
 * tensor name and index within the tensor.
 */
export function firstNonFinite(
  slab: ParamSlab,
  values: Float32Array,
): { name: string; index: number; value: number } | undefined {
  for (const e of slab.entries) {
    for (let i = 0; i < e.length; i++) {
      const v = values[e.offset + i];
      if (v - v !== 0) return { name: e.name, index: i, value: v };
    }
  }
  return undefined;
}

export function checkGradients(slab: ParamSlab, step: number): void {
  const sumsq = slab.rt.kernels.sumsq_f32(slab.grads.ptr, slab.size);
  if (Number.isFinite(sumsq)) return;
  const bad = firstNonFinite(slab, slab.rt.arena.f32(slab.grads));
  // Every value finite and only their squares overflowed: huge, but not a NaN. Clipping can deal with it.
  if (bad === undefined) return;
  throw new NonFiniteError(
    `step ${step}: the gradient of ${bad.name} is ${bad.value} at index ${bad.index}; training stopped and the weights are those before this step`,
    step,
    bad.name,
  );
}
