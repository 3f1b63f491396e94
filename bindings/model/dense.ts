// Dense (PyTorch nn.Linear): y = x·Wᵀ + b over the last axis, W [out, in], b [out].
// Forward is one GEMM and a bias add over all N rows (N = T·B for a per-step head); backward is one GEMM each
// for dX and dW and one column sum for db, accumulated (+=) into the slab's gradients.

import { describe, ShapeError, ValueError } from '../errors.ts';
import { Random } from '../random.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { checkTensor, sizeOf, type Tensor } from '../tensor.ts';
import { flag, positiveInt } from '../validate.ts';
import { skipsInit } from './initializers.ts';
import { checkCommon, type LayerCommon } from './layer-params.ts';
import { ParamLayer } from './param-layer.ts';
import { checkParamCount, prefixed, type TensorSpec } from './slab.ts';

export interface DenseOptions extends LayerCommon {
  inFeatures: number;
  outFeatures: number;
  /** Adds the bias vector. Default true. */
  bias?: boolean;
}

interface Config {
  I: number;
  O: number;
  bias: boolean;
  seed: number;
  prefix: string;
}

function configure(options: DenseOptions): Config {
  const { seed, prefix } = checkCommon(options, 'Dense', ['inFeatures', 'outFeatures', 'bias']);
  const I = positiveInt('inFeatures', options.inFeatures);
  const O = positiveInt('outFeatures', options.outFeatures);
  const bias = flag('bias', options.bias, true);
  checkParamCount(O * I + (bias ? O : 0), `outFeatures ${O} × inFeatures ${I}:`);
  return { I, O, bias, seed, prefix };
}

const specsOf = (c: Config): TensorSpec[] =>
  c.bias
    ? [
        { name: 'weight', shape: [c.O, c.I] },
        { name: 'bias', shape: [c.O] },
      ]
    : [{ name: 'weight', shape: [c.O, c.I] }];

export class Dense extends ParamLayer<readonly number[]> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly hasBias: boolean;

  /** PyTorch names (with the prefix) and shapes, for building a shared slab. */
  static paramSpecs(options: DenseOptions): TensorSpec[] {
    const c = configure(options);
    return prefixed(specsOf(c), c.prefix);
  }

  constructor(rt: Runtime, options: DenseOptions) {
    const c = configure(options);
    super(rt, specsOf(c), c.prefix, options.slab);
    this.inFeatures = c.I;
    this.outFeatures = c.O;
    this.hasBias = c.bias;
    if (skipsInit(options)) return;
    // nn.Linear's default: weight and bias uniform(−1/√in, 1/√in), weight drawn first.
    const rng = new Random(c.seed);
    const bound = 1 / Math.sqrt(c.I);
    for (const s of specsOf(c))
      this.params.write(s.name, rng.fillUniform(new Float32Array(sizeOf(s.shape)), -bound, bound));
  }

  /** x [..., in] → y [..., out]; every leading axis is a row (N = T·B for a per-step head). */
  forward(x: Tensor): Tensor {
    this.params.live('forward');
    const t = checkRows('x', x, this.inFeatures);
    const N = t.data.length / this.inFeatures;
    const { I, O, ws } = this.#parts();
    const px = ws.need('x', N * I);
    const py = ws.need('y', N * O);
    this.#view(px, N * I).set(t.data);
    this.forwardRows(py, px, N);
    this.last = t.shape;
    return { data: this.#view(py, N * O).slice(), shape: [...t.shape.slice(0, -1), O] };
  }

  /** dOut [..., out] (the last forward's shape) → dX [..., in]; adds dW = dOutᵀ·x and db = Σ dOut. */
  backward(dOut: Tensor): Tensor {
    this.params.live('backward');
    const last = this.last;
    if (last === undefined) throw new ValueError('backward: call forward first');
    const { I, O, ws } = this.#parts();
    const t = checkTensor('dOut', dOut, Float32Array, [...last.slice(0, -1), O]);
    const N = t.data.length / O;
    const pdy = ws.need('dy', N * O);
    const pdx = ws.need('dx', N * I);
    this.#view(pdy, N * O).set(t.data);
    this.backwardRows(pdx, pdy, ws.ptr('x'), N);
    return { data: this.#view(pdx, N * I).slice(), shape: [...last] };
  }

  /** y [N, out] = x [N, in]·Wᵀ + b on byte pointers, unchecked: the pointer API models use. */
  forwardRows(y: number, x: number, N: number): void {
    const { I, O, k } = this.#parts();
    k.gemm_nt_f32(y, x, this.params.ptr('weight'), N, O, I, I, I, O, 0);
    if (this.hasBias) k.bias_add_f32(y, this.params.ptr('bias'), N, O, O);
  }

  /** Adds dW = dyᵀ·x and db = Σ dy; writes dx [N, in] = dy·W unless dx is 0. Byte pointers, unchecked. */
  backwardRows(dx: number, dy: number, x: number, N: number): void {
    const { I, O, k } = this.#parts();
    if (dx) k.gemm_nn_f32(dx, dy, this.params.ptr('weight'), N, I, O, O, I, I, 0);
    k.gemm_tn_f32(this.params.gradPtr('weight'), dy, x, O, I, N, O, I, I, 1);
    if (this.hasBias) k.colsum_f32(this.params.gradPtr('bias'), dy, N, O, O, 1);
  }

  #parts() {
    return { I: this.inFeatures, O: this.outFeatures, k: this.rt.kernels, ws: this.ws };
  }

  #view(ptr: number, length: number): Float32Array {
    return this.rt.arena.f32At(ptr, length);
  }
}

/** A Float32 tensor of rank ≥ 1 whose last axis is `width`. */
export function checkRows(name: string, x: unknown, width: number): Tensor {
  const rank = (x as Tensor | undefined)?.shape?.length;
  if (typeof rank !== 'number' || rank < 1) {
    throw new ShapeError(`${name} must be a Float32 tensor [..., ${width}] but got ${describe(x)}`);
  }
  return checkTensor(name, x, Float32Array, [...Array(rank - 1).fill(null), width]);
}
