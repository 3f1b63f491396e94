// The model-file loader as a fuzz target: loadLayer on alternating runtimes (the ts backend's ArrayBuffer and a
// WebAssembly.Memory), and what "a valid model" means for a file that loads.

import { LAYER_KINDS, type LoadedLayer, loadLayer, readManifest } from '../../bindings/io/model-file.ts';
import { type LoadedModel, loadModel } from '../../bindings/io/model-save.ts';
import { decodeSafetensors } from '../../bindings/io/safetensors.ts';
import type { Runtime } from '../../bindings/runtime/runtime.ts';
import type { FuzzTarget } from './harness.ts';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function sameBits(name: string, a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) throw new Error(`${name}: ${a.length} values, expected ${b.length}`);
  const [x, y] = [bits(a), bits(b)];
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) throw new Error(`${name}[${i}] is ${a[i]}, the file holds ${b[i]}`);
  }
}

/** The file's tensors, bit for bit, are the loaded weights; names, shapes and finiteness agree with the manifest. */
function verifyWeights(weights: Record<string, Float32Array>, bytes: Uint8Array): void {
  const manifest = readManifest(bytes);
  const file = decodeSafetensors(bytes);
  const names = Object.keys(weights).sort();
  if (names.join() !== Object.keys(file.tensors).sort().join()) {
    throw new Error(`tensors ${names.join(', ')} but the file holds ${Object.keys(file.tensors).join(', ')}`);
  }
  for (const name of names) {
    if (manifest.tensors[name]?.join() !== file.tensors[name].shape.join()) {
      throw new Error(`${name}: the manifest and the weights disagree on its shape`);
    }
    sameBits(name, weights[name], file.tensors[name].data);
    if (weights[name].some((v) => !Number.isFinite(v))) throw new Error(`${name} holds a non-finite value`);
  }
}

const usedBytes = (runtimes: readonly Runtime[]) => () =>
  runtimes.reduce((sum, rt) => sum + rt.arena.usedBytes, 0);
const linearBytes = (runtimes: readonly Runtime[]) => () =>
  runtimes.reduce((sum, rt) => sum + rt.memory.buffer.byteLength, 0);

export function modelFileTarget(runtimes: readonly Runtime[]): FuzzTarget<LoadedLayer> {
  return {
    name: 'loadLayer',
    load: (bytes, index) => loadLayer(runtimes[index % runtimes.length], bytes),
    verify(loaded, c) {
      const manifest = readManifest(c.bytes);
      if (loaded.kind !== manifest.architecture.kind || !Object.hasOwn(LAYER_KINDS, loaded.kind)) {
        throw new Error(`kind ${loaded.kind} but the manifest says ${manifest.architecture.kind}`);
      }
      const weights = loaded.layer.getWeights();
      verifyWeights(weights, c.bytes);
      // An unmutated base stored as F32 or F64 holds exactly the generated values.
      const untouched = c.steps.every((s) => s.startsWith('base:') || s === 'dtype:F64');
      if (untouched && c.base)
        for (const name of Object.keys(weights)) sameBits(name, weights[name], c.base.weights[name]);
    },
    dispose: (loaded) => (loaded.layer as unknown as { dispose(): void }).dispose(),
    usedBytes: usedBytes(runtimes),
    linearBytes: linearBytes(runtimes),
  };
}

/** loadModel (SequenceModel files) as a fuzz target: the same checks over the whole model's weights. */
export function modelTarget(runtimes: readonly Runtime[]): FuzzTarget<LoadedModel> {
  return {
    name: 'loadModel',
    load: (bytes, index) => loadModel(runtimes[index % runtimes.length], bytes),
    verify(loaded, c) {
      if (readManifest(c.bytes).architecture.kind !== 'SequenceModel')
        throw new Error('loaded a file of another kind');
      const weights = loaded.model.getWeights();
      verifyWeights(weights, c.bytes);
      const untouched = c.steps.every((s) => s.startsWith('base:') || s === 'dtype:F64');
      if (untouched && c.base)
        for (const name of Object.keys(weights)) sameBits(name, weights[name], c.base.weights[name]);
    },
    dispose: (loaded) => loaded.model.dispose(),
    usedBytes: usedBytes(runtimes),
    linearBytes: linearBytes(runtimes),
  };
}
