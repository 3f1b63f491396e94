// AttentionPooling: a learned weighted sum over time for many-to-one models.
// score[t, b] = v·h[t, b] + c, α[·, b] = softmax over t, out[b] = Σ_t α[t, b]·h[t, b]. Parameters follow a
// PyTorch nn.Linear(D, 1) scorer: weight [1, D] (v), bias [1] (c), both uniform(−1/√D, 1/√D).
// Forward: one GEMM for all T·B scores, one softmax kernel, one weighted-sum kernel. Backward: one kernel for
// dα and the direct part of dh, the softmax backward, then dv, dc and the score part of dh as one GEMM or sum each.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { checkTensor, sizeOf, type Tensor } from '../tensor.ts';
import { flag, positiveInt } from '../validate.ts';
import { skipsInit } from './initializers.ts';
import { checkCommon, type LayerCommon } from './layer-params.ts';
import { ParamLayer } from './param-layer.ts';
import { checkParamCount, prefixed, type TensorSpec } from './slab.ts';

export interface AttentionPoolingOptions extends LayerCommon {
  /** D, the feature size of each step (e.g. the recurrent layer's D·H). */
  inputSize: number;
  /** Adds the scalar score bias c (it cancels in the softmax, but PyTorch's Linear has it). Default true. */
  bias?: boolean;
  /** h is [B, T, D] instead of [T, B, D]; α follows. Default false. */
  batchFirst?: boolean;
}

interface Config {
  D: number;
  bias: boolean;
  batchFirst: boolean;
  seed: number;
  prefix: string;
}

function configure(options: AttentionPoolingOptions): Config {
  const { seed, prefix } = checkCommon(options, 'AttentionPooling', ['inputSize', 'bias', 'batchFirst']);
  const D = positiveInt('inputSize', options.inputSize);
  checkParamCount(D + 1, `inputSize ${D}:`);
  return {
    D,
    bias: flag('bias', options.bias, true),
    batchFirst: flag('batchFirst', options.batchFirst, false),
    seed,
    prefix,
  };
}

const specsOf = (c: Config): TensorSpec[] => [
  { name: 'weight', shape: [1, c.D] },
  ...(c.bias ? [{ name: 'bias', shape: [1] }] : []),
];

interface Pass {
  T: number;
  B: number;
  shape: readonly number[];
}

export class AttentionPooling extends ParamLayer<Pass> {
  readonly inputSize: number;
  readonly hasBias: boolean;
  readonly batchFirst: boolean;

  static paramSpecs(options: AttentionPoolingOptions): TensorSpec[] {
    const c = configure(options);
    return prefixed(specsOf(c), c.prefix);
  }

  constructor(rt: Runtime, options: AttentionPoolingOptions) {
    const c = configure(options);
    super(rt, specsOf(c), c.prefix, options.slab);
    this.inputSize = c.D;
    this.hasBias = c.bias;
    this.batchFirst = c.batchFirst;
    if (skipsInit(options)) return;
    const rng = new Random(c.seed);
    const bound = 1 / Math.sqrt(c.D);
    for (const s of specsOf(c)) {
      this.params.write(s.name, rng.fillUniform(new Float32Array(sizeOf(s.shape)), -bound, bound));
    }
  }

  /**
   * h [T, B, D] (batchFirst: [B, T, D]) → [B, D]. `lengths` [B] (1 ≤ len ≤ T) pools each row over its first
   * len steps only, for padded batches: padding steps get α = 0 and no gradient.
   */
  forward(h: Tensor, lengths?: ArrayLike<number>): Tensor {
    this.params.live('forward');
    const D = this.inputSize;
    const t = checkTensor(this.batchFirst ? 'h [B, T, D]' : 'h [T, B, D]', h, Float32Array, [null, null, D]);
    const [T, B] = this.batchFirst ? [t.shape[1], t.shape[0]] : [t.shape[0], t.shape[1]];
    checkLengths(lengths, T, B);
    const N = T * B;
    const ws = this.ws;
    const [ph, po] = [ws.need('h', N * D), ws.need('out', B * D)];
    const pl = lengths ? ws.need('lengths', B) : 0;
    this.#f32(ph, N * D).set(t.data);
    if (lengths) this.rt.arena.i32At(pl, B).set(lengths);
    this.forwardRows(po, ph, pl, T, B);
    this.last = { T, B, shape: t.shape };
    return { data: this.#f32(po, B * D).slice(), shape: [B, D] };
  }

  /** The attention weights α of the last forward: [T, B] (batchFirst: [B, T]); each batch row sums to 1. */
  attention(): Tensor {
    const last = this.#need();
    return {
      data: this.#f32(this.ws.ptr('alpha'), last.T * last.B).slice(),
      shape: this.batchFirst ? [last.B, last.T] : [last.T, last.B],
    };
  }

  /** dOut [B, D] → dh in h's shape; adds dweight and dbias. */
  backward(dOut: Tensor): Tensor {
    this.params.live('backward');
    const { T, B, shape } = this.#need();
    const D = this.inputSize;
    const t = checkTensor('dOut', dOut, Float32Array, [B, D]);
    const N = T * B;
    const ws = this.ws;
    const [pg, pdh] = [ws.need('dout', B * D), ws.need('dh', N * D)];
    this.#f32(pg, B * D).set(t.data);
    this.backwardRows(pdh, pg, ws.ptr('h'), T, B);
    return { data: this.#f32(pdh, N * D).slice(), shape: [...shape] };
  }

  /**
   * out [B, D] = attention-weighted sum of h [T·B, D] (this layer's layout) on byte pointers; lengths i32 [B]
   * or 0, already checked. Keeps α for backwardRows and attention(). The pointer API models use.
   */
  forwardRows(out: number, h: number, lengths: number, T: number, B: number): void {
    const D = this.inputSize;
    const N = T * B;
    const ws = this.ws;
    const [ps, pa] = [ws.need('s', N), ws.need('alpha', N)];
    const k = this.rt.kernels;
    const [st, sb] = this.#strides(T, B);
    k.gemm_nt_f32(ps, h, this.params.ptr('weight'), N, 1, D, D, D, 1, 0);
    if (this.hasBias) k.bias_add_f32(ps, this.params.ptr('bias'), N, 1, 1);
    k.softmax_time_f32(pa, ps, lengths, T, B, st, sb);
    k.wsum_time_f32(out, h, pa, T, B, D, st, sb);
    this.last = { T, B, shape: this.batchFirst ? [B, T, D] : [T, B, D] };
  }

  /** dh [T·B, D] (overwritten) from dOut [B, D] and the h of the last forwardRows; adds dweight and dbias. */
  backwardRows(dh: number, dOut: number, h: number, T: number, B: number): void {
    const D = this.inputSize;
    const N = T * B;
    const ws = this.ws;
    const [pda, pds] = [ws.need('dalpha', N), ws.need('ds', N)];
    const k = this.rt.kernels;
    const [st, sb] = this.#strides(T, B);
    const pa = ws.ptr('alpha');
    k.wsum_time_bwd_f32(dh, pda, h, pa, dOut, T, B, D, st, sb);
    k.softmax_time_bwd_f32(pds, pa, pda, T, B, st, sb);
    k.gemm_tn_f32(this.params.gradPtr('weight'), pds, h, 1, D, N, 1, D, D, 1);
    if (this.hasBias) k.colsum_f32(this.params.gradPtr('bias'), pds, N, 1, 1, 1);
    k.gemm_nn_f32(dh, pds, this.params.ptr('weight'), N, D, 1, 1, D, D, 1);
  }

  /** Row r of step t, batch b is t·st + b·sb in the user's layout, which the workspace keeps. */
  #strides(T: number, B: number): [number, number] {
    return this.batchFirst ? [1, T] : [B, 1];
  }

  #need(): Pass {
    if (this.last === undefined) throw new ValueError('call forward first');
    return this.last;
  }

  #f32(ptr: number, length: number): Float32Array {
    return this.rt.arena.f32At(ptr, length);
  }
}

function checkLengths(lengths: ArrayLike<number> | undefined, T: number, B: number): void {
  if (lengths === undefined) return;
  if (!ArrayBuffer.isView(lengths) && !Array.isArray(lengths)) {
    throw new ShapeError(`lengths must be an array of ${B} step counts but got ${describe(lengths)}`);
  }
  if (lengths.length !== B)
    throw new ShapeError(`lengths must hold ${B} values (one per batch row) but holds ${lengths.length}`);
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    if (!Number.isInteger(len) || len < 1 || len > T) {
      throw new ValueError(`lengths[${b}] must be an integer in [1, ${T}] (T) but is ${describe(len)}`);
    }
  }
}
