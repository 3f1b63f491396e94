// The importers hold a file's weights to the safetensors loader's bound (finite, |w| ≤ 1e6 unless
// { maxAbsWeight } says otherwise), refusing before any model is built: linear memory is where it was.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime, SequenceModel, ValueError } from '../../bindings/index.node.ts';
import { exportOnnx } from '../../bindings/interchange/onnx-export.ts';
import { importOnnx } from '../../bindings/interchange/onnx-import.ts';
import { importTfjs } from '../../bindings/interchange/tfjs-import.ts';
import { loadRuntime } from '../helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

/** The ONNX file of a small model whose head weight [0] is `w`. */
function onnxWith(w: number): Uint8Array {
  const model = new SequenceModel(rt, {
    input: { features: 3 },
    recurrent: { cell: 'lstm', hiddenSize: 4 },
    head: { outputSize: 2 },
  });
  try {
    const weights = model.getWeights();
    weights['head.weight'][0] = w;
    model.setWeights(weights);
    return exportOnnx(model);
  } finally {
    model.dispose();
  }
}

describe('ONNX import', () => {
  it('refuses a weight beyond ±1e6, naming it, before building anything; accepts it when told to', () => {
    const bytes = onnxWith(5e6);
    const used = rt.arena.usedBytes;
    expect(() => importOnnx(rt, bytes)).toThrow(FormatError);
    expect(() => importOnnx(rt, bytes)).toThrow(
      /ONNX model: weights: head\.weight\[0\] is 5000000, beyond ±1000000/,
    );
    expect(rt.arena.usedBytes).toBe(used);
    const m = importOnnx(rt, bytes, { maxAbsWeight: Infinity });
    expect(m.model.getWeights()['head.weight'][0]).toBe(5e6);
    m.dispose();
    const fine = importOnnx(rt, onnxWith(0.5));
    fine.dispose();
  });
  it('checks its options before reading the file', () => {
    expect(() => importOnnx(rt, new Uint8Array(0), { maxAbsWeight: -1 })).toThrow(ValueError);
    expect(() => importOnnx(rt, new Uint8Array(0), { maxAbs: 1 } as never)).toThrow(/maxAbsWeight/);
  });
});

describe('TF.js import', () => {
  const dir = new URL('../fixtures/tfjs/lstm_no_dense/', import.meta.url);
  const json = readFileSync(new URL('model.json', dir), 'utf8');
  const weights = new Uint8Array(readFileSync(new URL('weights.bin', dir)));

  it('refuses a weight of 1e30 before building anything; accepts it when told to', () => {
    const hostile = weights.slice();
    new DataView(hostile.buffer).setFloat32(0, 1e30, true);
    const used = rt.arena.usedBytes;
    expect(() => importTfjs(rt, json, hostile)).toThrow(FormatError);
    expect(() => importTfjs(rt, json, hostile)).toThrow(
      /TF\.js model: weights: .*\[\d+\] is 1\.0000000150474662e\+30, beyond ±1000000/,
    );
    expect(rt.arena.usedBytes).toBe(used);
    importTfjs(rt, json, hostile, { maxAbsWeight: Infinity }).dispose();
    importTfjs(rt, json, weights).dispose();
  });
});
