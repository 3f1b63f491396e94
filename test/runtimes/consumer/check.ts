// Type-checked with tsc --noEmit against the installed package's declarations: the public API must carry real
// types (an `any` would make the @ts-expect-error lines below unused, which tsc reports as an error).
import {
  Adam,
  BackendError,
  type BackendOption,
  init,
  LSTM,
  type RecurrentOutput,
  type Runtime,
  tensor,
} from 'wasm-rnn';

const backend: BackendOption = 'wasm-simd';
const rt: Runtime = await init({ backend });
const lstm = new LSTM(rt, { inputSize: 3, hiddenSize: 8, seed: 7 });
const optimizer = new Adam(lstm.slab, { lr: 0.05 });
const out: RecurrentOutput = lstm.forward(tensor(new Float32Array(6 * 4 * 3), [6, 4, 3]));
const hidden: Float32Array = out.hN.data;
optimizer.step();
console.log(hidden.length, rt.backend satisfies 'wasm-simd' | 'wasm-relaxed' | 'ts', BackendError.name);

// @ts-expect-error: 'gpu' is not a backend
await init({ backend: 'gpu' });
// @ts-expect-error: the hidden size is required
new LSTM(rt, { inputSize: 3 });
