// Embedding (PyTorch nn.Embedding): out[..., :] = weight[ids[...], :], weight [V, E] initialised N(0, 1).
// Forward is one row gather; backward one scatter-add of dOut's rows into weight's gradient (repeated ids add
// up, in order). paddingIdx, as in PyTorch, starts as a zero row and never receives gradient.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { checkTensor, type Tensor } from '../tensor.ts';
import { positiveInt } from '../validate.ts';
import { skipsInit } from './initializers.ts';
import { checkCommon, type LayerCommon } from './layer-params.ts';
import { ParamLayer } from './param-layer.ts';
import { checkParamCount, prefixed, type TensorSpec } from './slab.ts';

export interface EmbeddingOptions extends LayerCommon {
  numEmbeddings: number;
  embeddingDim: number;
  /** An id whose row starts at zero and gets no gradient (PyTorch's padding_idx); negative counts from V. */
  paddingIdx?: number;
}

interface Config {
  V: number;
  E: number;
  padding: number | undefined;
  seed: number;
  prefix: string;
}

function configure(options: EmbeddingOptions): Config {
  const { seed, prefix } = checkCommon(options, 'Embedding', ['numEmbeddings', 'embeddingDim', 'paddingIdx']);
  const V = positiveInt('numEmbeddings', options.numEmbeddings);
  const E = positiveInt('embeddingDim', options.embeddingDim);
  checkParamCount(V * E, `numEmbeddings ${V} × embeddingDim ${E}:`);
  const p = options.paddingIdx;
  if (p !== undefined && (!Number.isInteger(p) || p < -V || p >= V)) {
    throw new ValueError(`paddingIdx must be an integer in [${-V}, ${V}) but got ${describe(p)}`);
  }
  return { V, E, padding: p === undefined ? undefined : (p + V) % V, seed, prefix };
}

const specsOf = (c: Config): TensorSpec[] => [{ name: 'weight', shape: [c.V, c.E] }];

export class Embedding extends ParamLayer<readonly number[]> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | undefined;

  static paramSpecs(options: EmbeddingOptions): TensorSpec[] {
    const c = configure(options);
    return prefixed(specsOf(c), c.prefix);
  }

  constructor(rt: Runtime, options: EmbeddingOptions) {
    const c = configure(options);
    super(rt, specsOf(c), c.prefix, options.slab);
    this.numEmbeddings = c.V;
    this.embeddingDim = c.E;
    this.paddingIdx = c.padding;
    if (skipsInit(options)) return;
    // N(0, 1) as nn.Embedding; normal() goes through Math.log, so weights are reproducible within one engine.
    const rng = new Random(c.seed);
    const w = new Float32Array(c.V * c.E);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal();
    if (c.padding !== undefined) w.fill(0, c.padding * c.E, (c.padding + 1) * c.E);
    this.params.write('weight', w);
  }

  /** ids [...] of integers in [0, V) (Int32Array, or any integer-valued array) → [..., E]. */
  forward(ids: Tensor<Int32Array>): Tensor {
    this.params.live('forward');
    const t = this.#checkIds(ids);
    const n = t.data.length;
    const E = this.embeddingDim;
    const pi = this.ws.need('ids', n);
    const po = this.ws.need('out', n * E);
    this.rt.arena.i32At(pi, n).set(t.data);
    this.forwardRows(po, pi, n);
    this.last = t.shape;
    return { data: this.rt.arena.f32At(po, n * E).slice(), shape: [...t.shape, E] };
  }

  /** dOut [..., E] for the last forward's ids: adds its rows into weight's gradient. Ids have no gradient. */
  backward(dOut: Tensor): void {
    this.params.live('backward');
    const last = this.last;
    if (last === undefined) throw new ValueError('backward: call forward first');
    const E = this.embeddingDim;
    const t = checkTensor('dOut', dOut, Float32Array, [...last, E]);
    const n = t.data.length / E;
    const pd = this.ws.need('dout', n * E);
    this.rt.arena.f32At(pd, n * E).set(t.data);
    this.backwardRows(pd, this.ws.ptr('ids'), n);
  }

  /** out [n, E] = weight[ids]: byte pointers, ids i32 already checked in [0, V). The pointer API models use. */
  forwardRows(out: number, ids: number, n: number): void {
    const E = this.embeddingDim;
    this.rt.kernels.gather_rows_f32(out, this.params.ptr('weight'), ids, n, E, E);
  }

  /** Adds dOut's rows [n, E] into weight's gradient; rows of paddingIdx are zeroed in dOut first. */
  backwardRows(dOut: number, ids: number, n: number): void {
    const E = this.embeddingDim;
    if (this.paddingIdx !== undefined) {
      const view = this.rt.arena.i32At(ids, n);
      for (let i = 0; i < n; i++)
        if (view[i] === this.paddingIdx) this.rt.kernels.fill_f32(dOut + i * E * 4, 0, E);
    }
    this.rt.kernels.scatter_add_rows_f32(this.params.gradPtr('weight'), dOut, ids, n, E, E);
  }

  /** Every id an integer in [0, V), checked before any kernel runs (a kernel would read out of bounds). */
  #checkIds(ids: unknown): Tensor<Int32Array> {
    const data = (ids as Tensor | undefined)?.data as unknown;
    const rank = (ids as Tensor | undefined)?.shape?.length ?? 0;
    const V = this.numEmbeddings;
    if (!(data instanceof Int32Array) && !ArrayBuffer.isView(data) && !Array.isArray(data)) {
      throw new ShapeError(`ids must be { data: Int32Array, shape: [...] } but got ${describe(data ?? ids)}`);
    }
    const values = data as ArrayLike<number>;
    for (let i = 0; i < values.length; i++) {
      const id = values[i];
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new ValueError(
          `ids[${i}] must be an integer in [0, ${V}) (numEmbeddings) but is ${describe(id)}`,
        );
      }
    }
    const int = data instanceof Int32Array ? data : Int32Array.from(values);
    const shape = (ids as Tensor).shape;
    return checkTensor('ids', { data: int, shape }, Int32Array, Array(Math.max(rank, 1)).fill(null));
  }
}
