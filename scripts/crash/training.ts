// The training run the crash trials kill (issue 8, item 4): small enough that a checkpoint every step is most of
// the work, yet with every piece of state a resume must restore — Adam's moments, a cosine schedule stepped per
// epoch, norm clipping, dropout in the recurrent layers and the head, a shuffled order per epoch, checkpoints in
// the middle of epochs and at their ends. The child process and the in-process reference run exactly this.

import {
  type CheckpointOptions,
  Random,
  type SequenceModelOptions,
  type Trainer,
  type TrainerOptions,
} from '../../bindings/index.node.ts';

/** The checkpoint's name in the trial's directory (writeFileAtomic's temporaries are `.<name>.*.tmp`). */
export const CHECKPOINT = 'run.safetensors';

export const EPOCHS = 4;
const BATCH_SIZE = 6;
/** 60 sequences in batches of 6: 10 steps an epoch, 40 in all. */
export const STEPS = 40;

export const MODEL: SequenceModelOptions = {
  input: { features: 2 },
  recurrent: { cell: 'lstm', hiddenSize: 16, numLayers: 2, dropout: 0.2 },
  pooling: 'attention',
  head: { outputSize: 2, dropout: 0.1 },
  seed: 7,
};

export const TRAINER: TrainerOptions = {
  loss: 'cross_entropy',
  optimizer: { kind: 'adam', lr: 0.01 },
  schedule: { kind: 'cosine', tMax: EPOCHS },
  clip: { norm: 1 },
  seed: 5,
};

/** Float sequences [8, 2] whose class is which feature sums larger. */
function crashData() {
  const random = new Random(11);
  const inputs: Float32Array[] = [];
  const targets: Int32Array[] = [];
  for (let i = 0; i < 60; i++) {
    const x = random.fillUniform(new Float32Array(16), -1, 1);
    let d = 0;
    for (let t = 0; t < 8; t++) d += x[2 * t] - x[2 * t + 1];
    inputs.push(x);
    targets.push(Int32Array.of(d > 0 ? 1 : 0));
  }
  return { inputs, targets };
}

const data = crashData();

/** Trains to the end of epoch EPOCHS from wherever `trainer` is (a resumed one continues mid-epoch). */
export async function trainToEnd(
  trainer: Trainer,
  save: CheckpointOptions['save'],
): Promise<{ losses: number[]; epochLosses: number[] }> {
  const losses: number[] = [];
  const history = await trainer.fit(data, {
    epochs: EPOCHS - trainer.epochs,
    batchSize: BATCH_SIZE,
    callbacks: { onStepEnd: (s) => void losses.push(s.loss) },
    checkpoint: { every: 1, save },
  });
  return { losses, epochLosses: history.epochs.map((e) => e.loss) };
}
