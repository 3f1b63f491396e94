// The head of an attention decoder reads [h_t ; ctx_t] (Luong's concatenation, as torch.cat then nn.Linear):
// y = h·W[:, :H]ᵀ + ctx·W[:, H:]ᵀ + b with W [V, H + K]. Two GEMMs over column blocks of W (leading dimension
// H + K) stand in for one over a concatenated input, so neither h nor ctx is copied.

import type { Kernels } from '../kernels-ts/abi.ts';
import type { Dense } from './dense.ts';

/** y [N, V] = [h ; ctx]·Wᵀ + b; h [N, H], ctx [N, K]. */
export function attendedHeadForward(
  k: Kernels,
  head: Dense,
  y: number,
  h: number,
  ctx: number,
  N: number,
  H: number,
): void {
  const V = head.outFeatures;
  const I = head.inFeatures;
  const K = I - H;
  const w = head.params.ptr('weight');
  k.gemm_nt_f32(y, h, w, N, V, H, H, I, V, 0);
  k.gemm_nt_f32(y, ctx, w + H * 4, N, V, K, K, I, V, 1);
  if (head.hasBias) k.bias_add_f32(y, head.params.ptr('bias'), N, V, V);
}

/** Writes dh [N, H] and dctx [N, K] from dy [N, V]; adds dW and db to the slab's gradients. */
export function attendedHeadBackward(
  k: Kernels,
  head: Dense,
  dh: number,
  dctx: number,
  dy: number,
  h: number,
  ctx: number,
  N: number,
  H: number,
): void {
  const V = head.outFeatures;
  const I = head.inFeatures;
  const K = I - H;
  const w = head.params.ptr('weight');
  const gw = head.params.gradPtr('weight');
  k.gemm_nn_f32(dh, dy, w, N, H, V, V, I, H, 0);
  k.gemm_nn_f32(dctx, dy, w + H * 4, N, K, V, V, I, K, 0);
  k.gemm_tn_f32(gw, dy, h, V, H, N, V, H, I, 1);
  k.gemm_tn_f32(gw + H * 4, dy, ctx, V, K, N, V, K, I, 1);
  if (head.hasBias) k.colsum_f32(head.params.gradPtr('bias'), dy, N, V, V, 1);
}
