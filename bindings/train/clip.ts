// Gradient clipping over the whole gradient slab: one kernel call each.

import { checkSlab, type ParamSlab } from '../model/slab.ts';
import { positive } from '../validate.ts';

/** torch.nn.utils.clip_grad_norm_ (L2 over every gradient): scales when the norm exceeds maxNorm; returns the norm. */
export function clipGradNorm(slab: ParamSlab, maxNorm: number): number {
  checkSlab(slab);
  positive('maxNorm', maxNorm);
  return slab.rt.kernels.clip_grad_norm_f32(slab.grads.ptr, slab.size, maxNorm);
}

/** torch.nn.utils.clip_grad_value_: every gradient clamped to [−clipValue, clipValue]. */
export function clipGradValue(slab: ParamSlab, clipValue: number): void {
  checkSlab(slab);
  positive('clipValue', clipValue);
  slab.rt.kernels.clip_value_f32(slab.grads.ptr, slab.size, -clipValue, clipValue);
}
