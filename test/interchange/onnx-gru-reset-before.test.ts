// ONNX GRU with linear_before_reset = 0 (the reset gate before the recurrent product): graphs written with our
// own encoder, with random weights and both biases, run by onnxruntime-node and imported as
// gru: { resetAfter: false } on every backend, within 1e-5 — one layer from a given initial state, bidirectional
// with sequence_lens, and two stacked layers under a Linear head. Layers that mix linear_before_reset 0 and 1, and
// values other than 0 and 1, are refused naming the node. (Export of the variant runs through onnxruntime in
// onnx-export.test.ts: export-cases.ts lists reset-before models.)

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bindings/index.node.ts';
import { OnnxUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { encodeModel, GraphBuilder } from '../../bindings/interchange/onnx-encode.ts';
import { importOnnx } from '../../bindings/interchange/onnx-import.ts';
import { DT } from '../../bindings/interchange/onnx-proto.ts';
import { BACKENDS, loadRuntime } from '../helpers/backends.ts';
import { uniform } from '../helpers/random.ts';
import { relError, TOLERANCE } from './compare.ts';
import { loadOrt, SESSION_OPTIONS } from './ort.ts';

const [T, B, I, H] = [6, 3, 4, 5];
let seed = 40;

/** One GRU node's W, R, B initializers (D directions, random) and its node; returns Y and Y_h. */
function gru(g: GraphBuilder, x: string, inputs: number, D: number, extra: string[], lbr = 0): string[] {
  const W = g.floats('W', [D, 3 * H, inputs], uniform(D * 3 * H * inputs, seed++, -0.8, 0.8));
  const R = g.floats('R', [D, 3 * H, H], uniform(D * 3 * H * H, seed++, -0.8, 0.8));
  const bias = g.floats('B', [D, 6 * H], uniform(D * 6 * H, seed++, -0.5, 0.5));
  const attrs = {
    hidden_size: H,
    linear_before_reset: lbr,
    ...(D === 2 ? { direction: 'bidirectional' } : {}),
  };
  return g.node('GRU', `/rnn/GRU`, [x, W, R, bias, ...extra], attrs, 2);
}

const squeeze = (g: GraphBuilder, y: string) => g.op('Squeeze', '/rnn/Squeeze', [y, g.ints('axis1', [1])]);

const encode = (g: GraphBuilder) =>
  encodeModel(g, { irVersion: 7, opset: 14, producerName: 'test', producerVersion: '', graphName: 'g' });

interface Case {
  name: string;
  bytes: Uint8Array;
  /** Graph inputs besides x. */
  h0?: Float32Array;
  lens?: Int32Array;
  outShape: number[];
}

function stateCase(): Case {
  const g = new GraphBuilder();
  g.reserve('x', 'h0', 'y');
  const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
  const h0 = g.input('h0', DT.FLOAT, [1, 'B', H]);
  const [Y] = gru(g, x, I, 1, ['', h0]);
  g.output(squeeze(g, Y), 'y', DT.FLOAT, ['T', 'B', H]);
  return {
    name: 'one layer from h0',
    bytes: encode(g),
    h0: uniform(B * H, 7, -0.9, 0.9),
    outShape: [T, B, H],
  };
}

function bidirectionalLengthsCase(): Case {
  const g = new GraphBuilder();
  g.reserve('x', 'lens', 'y');
  const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
  const lens = g.input('lens', DT.INT32, ['B']);
  const [Y] = gru(g, x, I, 2, [lens]);
  const t = g.op('Transpose', '/rnn/Transpose', [Y], { perm: [0, 2, 1, 3] });
  const y = g.op('Reshape', '/rnn/Reshape', [t, g.ints('shape', [0, 0, -1])]);
  g.output(y, 'y', DT.FLOAT, ['T', 'B', 2 * H]);
  return {
    name: 'bidirectional with sequence_lens',
    bytes: encode(g),
    lens: Int32Array.of(6, 3, 1),
    outShape: [T, B, 2 * H],
  };
}

function stackedHeadCase(): Case {
  const g = new GraphBuilder();
  g.reserve('x', 'y');
  const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
  const [Y0] = gru(g, x, I, 1, []);
  const [Y1] = gru(g, squeeze(g, Y0), H, 1, []);
  const mm = g.op('MatMul', '/head/MatMul', [squeeze(g, Y1), g.floats('Wh', [H, 2], uniform(2 * H, 8))]);
  const y = g.op('Add', '/head/Add', [mm, g.floats('bh', [2], uniform(2, 9))]);
  g.output(y, 'y', DT.FLOAT, ['T', 'B', 2]);
  return { name: 'two layers and a Linear head', bytes: encode(g), outShape: [T, B, 2] };
}

const CASES = [stateCase(), bidirectionalLengthsCase(), stackedHeadCase()];
const X = uniform(T * B * I, 3);

describe('ONNX GRU linear_before_reset = 0 against onnxruntime', () => {
  const ort = loadOrt();
  const theirs: Record<string, Float32Array> = {};
  beforeAll(async () => {
    for (const c of CASES) {
      const session = await ort.InferenceSession.create(c.bytes, SESSION_OPTIONS);
      const feeds: Record<string, ReturnType<(typeof ort)['Tensor']['prototype']['constructor']>> = {
        x: new ort.Tensor('float32', X, [T, B, I]),
      };
      if (c.h0) feeds.h0 = new ort.Tensor('float32', c.h0, [1, B, H]);
      if (c.lens) feeds.lens = new ort.Tensor('int32', c.lens, [B]);
      const out = (await session.run(feeds)).y;
      await session.release();
      expect(out.dims).toEqual(c.outShape);
      theirs[c.name] = out.data as Float32Array;
    }
  });

  describe.each(BACKENDS)('on %s', (backend) => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await loadRuntime(backend);
    });
    it.each(CASES)('$name', (c) => {
      const m = importOnnx(rt, c.bytes);
      try {
        expect(m.model.config.options.recurrent.gru).toEqual({ resetAfter: false });
        const y = m.predict({ data: X, shape: [T, B, I] }, { h0: c.h0, lengths: c.lens });
        expect(y.shape).toEqual(c.outShape);
        expect(relError(y.data, theirs[c.name])).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        m.dispose();
      }
    });
  });
});

describe('ONNX GRU linear_before_reset refusals', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await loadRuntime('ts');
  });

  function refusal(bytes: Uint8Array): OnnxUnsupportedError {
    try {
      importOnnx(rt, bytes).dispose();
    } catch (e) {
      if (e instanceof OnnxUnsupportedError) return e;
      throw e;
    }
    throw new Error('the graph was imported');
  }

  function twoLayers(lbr0: number, lbr1: number): Uint8Array {
    const g = new GraphBuilder();
    g.reserve('x', 'y');
    const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
    const [Y0] = gru(g, x, I, 1, [], lbr0);
    const [Y1] = gru(g, squeeze(g, Y0), H, 1, [], lbr1);
    g.output(squeeze(g, Y1), 'y', DT.FLOAT, ['T', 'B', H]);
    return encode(g);
  }

  it('layers that mix 0 and 1, naming the second', () => {
    for (const [a, b] of [
      [0, 1],
      [1, 0],
    ]) {
      const e = refusal(twoLayers(a, b));
      expect(e).toMatchObject({ node: '/rnn/GRU_1', opType: 'GRU' });
      expect(e.message).toContain('linear_before_reset 1 and others 0');
    }
    importOnnx(rt, twoLayers(1, 1)).dispose();
    importOnnx(rt, twoLayers(0, 0)).dispose();
  });

  it('a value other than 0 and 1', () => {
    const e = refusal(twoLayers(2, 2));
    expect(e).toMatchObject({ node: '/rnn/GRU', opType: 'GRU' });
    expect(e.message).toContain('linear_before_reset 2');
  });
});
