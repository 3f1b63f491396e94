// What the feed-forward layers (Dense, Embedding, AttentionPooling) share: their parameters in a LayerParams,
// a workspace, and the shape of the last forward pass that backward reads. The weight accessors are the same
// for all of them, so they live here once.

import type { Runtime } from '../runtime/runtime.ts';
import { LayerParams } from './layer-params.ts';
import type { ParamSlab, TensorSpec } from './slab.ts';
import { Workspace } from './workspace.ts';

export abstract class ParamLayer<Last> {
  readonly rt: Runtime;
  readonly params: LayerParams;
  protected readonly ws: Workspace;
  /** What the last forward pass left for backward. */
  protected last: Last | undefined;

  protected constructor(
    rt: Runtime,
    specs: readonly TensorSpec[],
    prefix: string,
    slab: ParamSlab | undefined,
  ) {
    this.rt = rt;
    this.params = new LayerParams(rt, specs, prefix, slab);
    this.ws = new Workspace(rt);
  }

  /** Sets every parameter by PyTorch name; validates the whole record first. */
  setWeights(record: Record<string, ArrayLike<number>>): void {
    this.params.live('setWeights');
    this.params.set(record);
  }

  getWeights(): Record<string, Float32Array> {
    return this.params.get(false);
  }

  gradients(): Record<string, Float32Array> {
    return this.params.get(true);
  }

  zeroGrad(): void {
    this.params.zeroGrad();
  }

  dispose(): void {
    this.ws.free();
    this.params.dispose();
    this.last = undefined;
  }
}
