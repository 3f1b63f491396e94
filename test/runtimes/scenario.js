// The scenario every engine of the matrix runs: train a small LSTM for 20 seeded Adam steps on each backend,
// and a SequenceModel with Trainer.fit, then run inference; report the losses and hashes of the trained
// weights and outputs. Sizes are not multiples
// of the 4x8 GEMM tile, so both the micro-kernels and their tails run.
// Plain ESM JavaScript with no imports, so Node, Deno, Bun, workerd and Chromium (page and Worker) run it as is.

const STEPS = 20;
const T = 8;
const B = 5;
const I = 5;
const H = 12;

/** FNV-1a over the bytes of every weight, in name order: equal hashes mean bit-identical weights. */
export function hashWeights(record) {
  let h = 0x811c9dc5;
  for (const name of Object.keys(record).sort()) {
    const bytes = new Uint8Array(record[name].buffer, record[name].byteOffset, record[name].byteLength);
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Inputs and targets from a fixed integer recurrence: identical in every engine. */
function data() {
  const x = new Float32Array(T * B * I);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = ((s >>> 8) % 2001) / 1000 - 1;
  }
  const target = new Float32Array(B * H);
  for (let i = 0; i < target.length; i++) target[i] = ((i * 37) % 17) / 17 - 0.5;
  return { x, target };
}

async function train(lib, backend, extra) {
  const rt = await lib.init({ backend, ...extra });
  const lstm = new lib.LSTM(rt, { inputSize: I, hiddenSize: H, seed: 7 });
  const optimizer = new lib.Adam(lstm.slab, { lr: 0.05 });
  const { x, target } = data();
  const losses = [];
  for (let step = 0; step < STEPS; step++) {
    lstm.zeroGrad();
    const { hN } = lstm.forward({ data: x, shape: [T, B, I] });
    // Mean squared error of the final hidden state; its gradient is computed with + and × only.
    const dHn = new Float32Array(hN.data.length);
    let loss = 0;
    for (let i = 0; i < dHn.length; i++) {
      const d = hN.data[i] - target[i];
      loss += d * d;
      dHn[i] = (2 * d) / dHn.length;
    }
    losses.push(loss / dHn.length);
    lstm.backward({ dHn });
    optimizer.step();
  }
  const { outputs } = lstm.forward({ data: x, shape: [T, B, I] });
  return {
    got: rt.backend,
    firstLoss: losses[0],
    lastLoss: losses[STEPS - 1],
    weights: hashWeights(lstm.getWeights()),
    outputs: hashWeights({ outputs: outputs.data }),
    model: await fitModel(lib, rt),
  };
}

/**
 * The high-level path: a char-level SequenceModel (token input, 2 stacked LSTM layers with dropout between
 * them, a per-step head) trained by Trainer.fit — shuffled batches, sequences of different lengths, gradient
 * clipping, a schedule — on a text made from the same integer recurrence. fit() yields to the event loop,
 * which every engine must allow.
 */
async function fitModel(lib, rt) {
  const V = 7;
  let s = 99;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  const inputs = [];
  const targets = [];
  for (let i = 0; i < 24; i++) {
    const length = 6 + (next() % 5);
    const start = next() % V;
    // A cyclic pattern with a random start: learnable, so the loss falls within a few epochs.
    const ids = Int32Array.from({ length: length + 1 }, (_, t) => (start + 2 * t) % V);
    inputs.push(ids.subarray(0, length));
    targets.push(ids.subarray(1));
  }
  const model = new lib.SequenceModel(rt, {
    input: { tokens: V },
    recurrent: { cell: 'lstm', hiddenSize: 10, numLayers: 2, dropout: 0.2 },
    head: { outputSize: V },
    seed: 5,
  });
  const trainer = new lib.Trainer(model, {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', lr: 0.03 },
    schedule: { kind: 'step', stepSize: 2, gamma: 0.7 },
    clip: { norm: 1 },
    seed: 11,
  });
  const history = await trainer.fit({ inputs, targets }, { epochs: 5, batchSize: 6, shuffle: true });
  const losses = history.epochs.map((e) => e.loss);
  const logits = model.predict({ data: inputs[0], shape: [inputs[0].length, 1] });
  const result = {
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    weights: hashWeights(model.getWeights()),
    outputs: hashWeights({ logits: logits.data }),
  };
  model.dispose();
  return result;
}

/** What an init or training attempt threw, as plain data every engine can send back. */
export async function attempt(run) {
  try {
    return await run();
  } catch (error) {
    return { error: { name: error?.name ?? typeof error, message: String(error?.message ?? error) } };
  }
}

/**
 * Runs the scenario with the library module `lib` (an entry point's exports): what 'auto' picks, then training
 * on each backend (deterministic ones first). `modules` holds precompiled kernel modules where the engine
 * cannot load files itself ({ simd, relaxed } in Cloudflare Workers). A backend the engine cannot run gives
 * the error the user would see instead of a result.
 */
export async function scenario(lib, modules = {}) {
  const auto = await attempt(async () => {
    const rt = await lib.init(modules.relaxed ? { module: modules.relaxed } : {});
    return { backend: rt.backend, notes: rt.notes };
  });
  const runs = [];
  for (const backend of ['wasm-simd', 'ts', 'wasm-relaxed']) {
    const module = backend === 'ts' ? undefined : modules[backend.slice(5)];
    runs.push({ backend, ...(await attempt(() => train(lib, backend, module ? { module } : {}))) });
  }
  return { auto, runs };
}
