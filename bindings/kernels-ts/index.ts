// The TypeScript kernel table: the same ABI as the WebAssembly exports, over an ArrayBuffer memory.

import { ABI_VERSION, type KernelName, type Kernels } from './abi.ts';
import * as activation from './activation.ts';
import * as attention from './attention.ts';
import * as cellGru from './cell-gru.ts';
import * as cellGruResetBefore from './cell-gru-reset-before.ts';
import * as cellLstm from './cell-lstm.ts';
import * as cellRnn from './cell-rnn.ts';
import * as clip from './clip.ts';
import * as gather from './gather.ts';
import * as gemm from './gemm.ts';
import { Heap } from './heap.ts';
import type { LinearMemory } from './linear-memory.ts';
import * as loss from './loss.ts';
import * as pointwise from './loss-pointwise.ts';
import * as optim from './optim.ts';
import * as pool from './pool.ts';
import * as vector from './vector.ts';

/** Offset where the ts backend's arena starts; any non-zero aligned value works, this one is small. */
export const TS_HEAP_BASE = 1024;

/**
 * `T` when each of its functions takes exactly the parameters its row of the ABI declares; a row that takes fewer
 * (which Kernels alone would accept: a shorter function fits a longer signature) becomes never, a compile error.
 */
type ExactArity<T extends Kernels> = {
  [K in KernelName]: Parameters<T[K]>['length'] extends Parameters<Kernels[K]>['length'] ? T[K] : never;
};

export function createTsKernels(memory: LinearMemory): Kernels {
  const h = new Heap(memory);
  const table = {
    gemm_nn_f32: gemm.gemm_nn_f32.bind(null, h),
    gemm_nt_f32: gemm.gemm_nt_f32.bind(null, h),
    gemm_tn_f32: gemm.gemm_tn_f32.bind(null, h),
    fill_f32: vector.fill_f32.bind(null, h),
    copy_f32: vector.copy_f32.bind(null, h),
    scale_f32: vector.scale_f32.bind(null, h),
    axpy_f32: vector.axpy_f32.bind(null, h),
    add_f32: vector.add_f32.bind(null, h),
    mul_f32: vector.mul_f32.bind(null, h),
    dot_f32: vector.dot_f32.bind(null, h),
    sumsq_f32: vector.sumsq_f32.bind(null, h),
    bias_add_f32: vector.bias_add_f32.bind(null, h),
    colsum_f32: vector.colsum_f32.bind(null, h),
    rowsum_f32: vector.rowsum_f32.bind(null, h),
    dropout_f32: vector.dropout_f32.bind(null, h),
    sigmoid_f32: activation.sigmoid_f32.bind(null, h),
    tanh_f32: activation.tanh_f32.bind(null, h),
    relu_f32: activation.relu_f32.bind(null, h),
    sigmoid_bwd_f32: activation.sigmoid_bwd_f32.bind(null, h),
    tanh_bwd_f32: activation.tanh_bwd_f32.bind(null, h),
    relu_bwd_f32: activation.relu_bwd_f32.bind(null, h),
    softmax_xent_fwd_f32: loss.softmax_xent_fwd_f32.bind(null, h),
    softmax_xent_bwd_f32: loss.softmax_xent_bwd_f32.bind(null, h),
    mse_fwd_f32: loss.mse_fwd_f32.bind(null, h),
    mse_bwd_f32: loss.mse_bwd_f32.bind(null, h),
    softmax_xent_weighted_fwd_f32: loss.softmax_xent_weighted_fwd_f32.bind(null, h),
    softmax_xent_weighted_bwd_f32: loss.softmax_xent_weighted_bwd_f32.bind(null, h),
    mse_rows_fwd_f32: pointwise.mse_rows_fwd_f32.bind(null, h),
    mse_rows_bwd_f32: pointwise.mse_rows_bwd_f32.bind(null, h),
    l1_rows_fwd_f32: pointwise.l1_rows_fwd_f32.bind(null, h),
    l1_rows_bwd_f32: pointwise.l1_rows_bwd_f32.bind(null, h),
    huber_rows_fwd_f32: pointwise.huber_rows_fwd_f32.bind(null, h),
    huber_rows_bwd_f32: pointwise.huber_rows_bwd_f32.bind(null, h),
    bce_logits_rows_fwd_f32: pointwise.bce_logits_rows_fwd_f32.bind(null, h),
    bce_logits_rows_bwd_f32: pointwise.bce_logits_rows_bwd_f32.bind(null, h),
    sgd_f32: optim.sgd_f32.bind(null, h),
    adam_f32: optim.adam_f32.bind(null, h),
    adagrad_f32: optim.adagrad_f32.bind(null, h),
    rmsprop_f32: optim.rmsprop_f32.bind(null, h),
    clip_grad_norm_f32: clip.clip_grad_norm_f32.bind(null, h),
    clip_value_f32: clip.clip_value_f32.bind(null, h),
    gather_rows_f32: gather.gather_rows_f32.bind(null, h),
    scatter_add_rows_f32: gather.scatter_add_rows_f32.bind(null, h),
    gather_cols_f32: gather.gather_cols_f32.bind(null, h),
    scatter_add_cols_f32: gather.scatter_add_cols_f32.bind(null, h),
    transpose_bias_f32: gather.transpose_bias_f32.bind(null, h),
    lstm_seq_fwd_f32: cellLstm.lstm_seq_fwd_f32.bind(null, h),
    lstm_seq_infer_f32: cellLstm.lstm_seq_infer_f32.bind(null, h),
    lstm_seq_bwd_f32: cellLstm.lstm_seq_bwd_f32.bind(null, h),
    lstm_seq_bwd_packed_f32: cellLstm.lstm_seq_bwd_packed_f32.bind(null, h),
    gru_seq_fwd_f32: cellGru.gru_seq_fwd_f32.bind(null, h),
    gru_seq_infer_f32: cellGru.gru_seq_infer_f32.bind(null, h),
    gru_seq_bwd_f32: cellGru.gru_seq_bwd_f32.bind(null, h),
    rnn_seq_fwd_f32: cellRnn.rnn_seq_fwd_f32.bind(null, h),
    rnn_seq_infer_f32: cellRnn.rnn_seq_infer_f32.bind(null, h),
    rnn_seq_bwd_f32: cellRnn.rnn_seq_bwd_f32.bind(null, h),
    softmax_time_f32: pool.softmax_time_f32.bind(null, h),
    softmax_time_bwd_f32: pool.softmax_time_bwd_f32.bind(null, h),
    wsum_time_f32: pool.wsum_time_f32.bind(null, h),
    wsum_time_bwd_f32: pool.wsum_time_bwd_f32.bind(null, h),
    gru_reset_before_seq_fwd_f32: cellGruResetBefore.gru_reset_before_seq_fwd_f32.bind(null, h),
    gru_reset_before_seq_infer_f32: cellGruResetBefore.gru_reset_before_seq_infer_f32.bind(null, h),
    gru_reset_before_seq_bwd_f32: cellGruResetBefore.gru_reset_before_seq_bwd_f32.bind(null, h),
    attn_score_dot_f32: attention.attn_score_dot_f32.bind(null, h),
    attn_score_dot_bwd_f32: attention.attn_score_dot_bwd_f32.bind(null, h),
    attn_score_add_f32: attention.attn_score_add_f32.bind(null, h),
    attn_score_add_bwd_f32: attention.attn_score_add_bwd_f32.bind(null, h),
    attn_softmax_f32: attention.attn_softmax_f32.bind(null, h),
    attn_softmax_bwd_f32: attention.attn_softmax_bwd_f32.bind(null, h),
    attn_context_f32: attention.attn_context_f32.bind(null, h),
    attn_context_bwd_f32: attention.attn_context_bwd_f32.bind(null, h),
    heap_base: () => TS_HEAP_BASE,
    abi_version: () => ABI_VERSION,
    isa_relaxed: () => 0,
  } satisfies Kernels;
  const exact: ExactArity<typeof table> = table;
  return exact;
}
