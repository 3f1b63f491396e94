// What training needs of a model, declared here, below the trainer, so that SequenceModel and Seq2Seq implement
// it and the trainer, fit, evaluate, checkpoints and stream evaluation (bindings/train) and the data-parallel
// step (bindings/parallel) take it without asking which model they hold. A training pass is pointer-level:
// stage() checks a batch and copies it, and the loss's targets, into linear memory; forward() leaves the
// outputs at `output`; the loss writes its gradient over them; backward() adds every parameter's gradient into
// the slab.

import type { Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../tensor.ts';
import type { DropoutStream } from './dropout.ts';
import type { InputShape, ModelInputs } from './sequence-input.ts';
import type { ParamSlab } from './slab.ts';

/** One batch, time-major: what collate() and batches() give. */
export interface TrainBatch {
  inputs: ModelInputs;
  /** Per step: floats [T, B, O] or class ids [T, B]; per sequence: floats [B, O] or class ids [B]. */
  targets: Tensor<Float32Array | Int32Array>;
  /** Real steps of each row [B] (a padded batch; a Seq2Seq's source); absent = all T. */
  lengths?: Int32Array;
  /** A Seq2Seq's real target steps [B]; absent = all Tt. */
  targetLengths?: Int32Array;
  /** [T, B]: 1 for a real step, 0 for padding; derived from lengths when absent. */
  mask?: Float32Array;
}

/** How a batch is staged. */
export interface StageMode {
  /** Backward blocks and dropout on (training) or off (evaluation). */
  training: boolean;
  /** Start from the state the previous stateful pass left (truncated BPTT). Default false. */
  stateful?: boolean;
  /** Rows of each sequence whose loss counts start here (the history part of a k2 > k1 window before). */
  lossFrom?: number;
}

/** What a staged batch holds: its shape, output rows and real (unpadded) time steps. */
export interface Staged extends InputShape {
  rows: number;
  tokens: number;
  /** The pass starts from the carried state and carries its own on (stateful training). */
  stateful: boolean;
}

/** Names a target row in an error: "sample s, step t" for a [T, B] (per step) or [B] (per sequence) layout. */
export type Locate = (row: number) => string;

/** What staging uses of a loss (bindings/train/loss.ts): checking targets against the outputs, copying them in. */
export interface LossTargets {
  readonly config: { readonly kind: string; readonly classTargets: boolean };
  check(
    targets: Float32Array | Int32Array,
    rows: number,
    cols: number,
    mask?: Float32Array,
    locate?: Locate,
  ): void;
  load(targets: Float32Array | Int32Array, rows: number, cols: number, mask?: Float32Array): void;
}

/** Samples checked against a model and a loss (a dataset, a Seq2Seq's pairs): their count and their batches. */
export interface SampleSet {
  readonly size: number;
  /** Batches of at most `capacity` samples; each batch is a view that the next one overwrites. */
  batcher(capacity: number): (indices: Int32Array) => TrainBatch;
}

/** A state carried from one pass into the next: [L, B, H] h, and c for an LSTM. */
export interface CarriedState {
  h: Float32Array;
  c?: Float32Array;
}

export interface TrainableModel {
  readonly rt: Runtime;
  /** Every parameter and its gradient. */
  readonly slab: ParamSlab;
  /** The generator of every dropout mask (a checkpoint keeps its state). */
  readonly dropout: DropoutStream;
  readonly config: {
    readonly seed: number;
    /** The options as a model file stores them. */
    readonly options: object;
    readonly recurrent: { readonly numLayers: number; readonly hiddenSize: number };
  };
  readonly outputSize: number;
  /** Outputs at every step (rows T·B) rather than one per sequence (rows B). */
  readonly perStep: boolean;
  /** Whether a pass can start from the state the last one left (stateful training, truncated BPTT streams). */
  readonly carriesState: boolean;
  /** The carried state, or undefined when none is; for checkpoints. */
  carriedState: CarriedState | undefined;
  /** Byte pointer of the last forward's outputs [rows, outputSize]; a loss writes its gradient over them. */
  readonly output: number;
  /** Checks inputs (time-major) before any kernel. */
  check(inputs: ModelInputs): InputShape;
  /** `data` as this model trains on it, checked against the model and `loss`; `name` prefixes errors. */
  samples(data: unknown, name: string, loss: LossTargets): SampleSet;
  /** Checks a batch (against the model and `loss`), then copies it into both; nothing has run when it throws. */
  stage(batch: TrainBatch, loss: LossTargets, mode: StageMode): Staged;
  zeroGrad(): void;
  /** Runs the staged batch: outputs at `output`. */
  forward(): void;
  /** BPTT from the gradient at `output`: adds every parameter's gradient into the slab. */
  backward(): void;
  /** Carries the state after `steps` steps of the last forward (default: each row's last) into the next pass. */
  keepState(steps?: number): void;
  /** Forgets the carried state. */
  resetState(): void;
  /** Outputs for time-major inputs. */
  predict(inputs: ModelInputs): Tensor;
  setWeights(record: Record<string, ArrayLike<number>>): void;
}
