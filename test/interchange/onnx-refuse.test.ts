// Graphs just outside the supported subset, written with our own encoder: each is refused by an
// OnnxUnsupportedError naming the node and op type (the torch-made refusals are in onnx-import.test.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bindings/index.node.ts';
import { OnnxUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { encodeModel, GraphBuilder } from '../../bindings/interchange/onnx-encode.ts';
import { importOnnx } from '../../bindings/interchange/onnx-import.ts';
import { DT } from '../../bindings/interchange/onnx-proto.ts';
import { loadRuntime } from '../helpers/backends.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

const I = 2;
const H = 3;

/** x [T, B, 2] → edit → y. */
function graph(edit: (g: GraphBuilder, x: string) => string, opset = 14): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x', 'y');
  const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
  g.output(edit(g, x), 'y', DT.FLOAT, ['T', 'B', H]);
  return encodeModel(g, { irVersion: 7, opset, producerName: 'test', producerVersion: '', graphName: 'g' });
}

/** One recurrent node on x; returns its Y squeezed to [T, B, H]. */
function rnn(
  g: GraphBuilder,
  x: string,
  op = 'LSTM',
  extra: string[] = [],
  attrs: Record<string, number | string> = {},
  inputs = I,
) {
  const G = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const W = g.floats('W', [1, G * H, inputs], new Float32Array(G * H * inputs).fill(0.2));
  const R = g.floats('R', [1, G * H, H], new Float32Array(G * H * H).fill(0.1));
  const gru: Record<string, number> = op === 'GRU' ? { linear_before_reset: 1 } : {};
  const [Y] = g.node(op, `/rnn/${op}`, [x, W, R, ...extra], { hidden_size: H, ...gru, ...attrs }, 2);
  return g.op('Squeeze', '/rnn/Squeeze', [Y, g.ints('axis1', [1])]);
}

function refusal(bytes: Uint8Array): OnnxUnsupportedError {
  try {
    importOnnx(rt, bytes).dispose();
  } catch (e) {
    if (e instanceof OnnxUnsupportedError) return e;
    throw e;
  }
  throw new Error('the graph was imported');
}

describe('refused', () => {
  it('the base graph imports', () => {
    importOnnx(
      rt,
      graph((g, x) => rnn(g, x)),
    ).dispose();
  });

  it.each([
    [
      'sequence_lens',
      (g: GraphBuilder, x: string) => rnn(g, x, 'GRU', ['', g.ints('lens', [3, 3])]),
      '/rnn/GRU',
      'sequence_lens',
    ],
    [
      'peepholes',
      (g: GraphBuilder, x: string) =>
        rnn(g, x, 'LSTM', ['', '', '', '', g.floats('P', [1, 3 * H], new Float32Array(3 * H).fill(1))]),
      '/rnn/LSTM',
      'peephole',
    ],
    [
      'a non-zero initial state',
      (g: GraphBuilder, x: string) =>
        rnn(g, x, 'RNN', ['', '', g.floats('h0', [1, 2, H], new Float32Array(2 * H).fill(1))]),
      '/rnn/RNN',
      'non-zero constant',
    ],
    [
      'coupled input-forget gates',
      (g: GraphBuilder, x: string) => rnn(g, x, 'LSTM', [], { input_forget: 1 }),
      '/rnn/LSTM',
      'input_forget',
    ],
    [
      'layers of two kinds',
      (g: GraphBuilder, x: string) => rnn(g, rnn(g, x, 'LSTM'), 'GRU', [], {}, H),
      '/rnn/GRU',
      'layers differ',
    ],
    [
      'an activation before the head',
      (g: GraphBuilder, x: string) => g.op('Relu', '/relu', [rnn(g, x)]),
      '/relu',
      'on the output of the Linear head',
    ],
    [
      'a softmax over time',
      (g: GraphBuilder, x: string) => {
        const head = g.op('MatMul', '/head', [rnn(g, x), g.floats('Wh', [H, H], new Float32Array(H * H))]);
        return g.op('Softmax', '/softmax', [head], { axis: 0 });
      },
      '/softmax',
      'attention pooling',
    ],
    [
      'a second Linear',
      (g: GraphBuilder, x: string) => {
        const w = g.floats('Wh', [H, H], new Float32Array(H * H));
        return g.op('MatMul', '/second', [g.op('MatMul', '/first', [rnn(g, x), w]), w]);
      },
      '/second',
      'second Linear',
    ],
    [
      'a slice of the time axis',
      (g: GraphBuilder, x: string) =>
        rnn(g, g.op('Slice', '/cut', [x, g.ints('s', [1]), g.ints('e', [3]), g.ints('a', [0])])),
      '/cut',
      'dynamic dimension',
    ],
    [
      'features out of order',
      (g: GraphBuilder, x: string) => rnn(g, g.op('Gather', '/swap', [x, g.ints('i', [1, 0])], { axis: 2 })),
      '/rnn/LSTM',
      'reordered',
    ],
  ])('%s', (_, edit, node, message) => {
    const e = refusal(graph(edit));
    expect(e.node).toBe(node);
    expect(e.message).toContain(message);
  });

  it('RNN activations other than Tanh or Relu', () => {
    const g = new GraphBuilder();
    g.reserve('x', 'y');
    const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
    const W = g.floats('W', [1, H, I], new Float32Array(H * I));
    const R = g.floats('R', [1, H, H], new Float32Array(H * H));
    const [Y] = g.node('RNN', 'sig', [x, W, R], { hidden_size: H, activations: ['Sigmoid'] }, 1);
    g.output(g.op('Squeeze', 'sq', [Y, g.ints('a', [1])]), 'y', DT.FLOAT, ['T', 'B', H]);
    const e = refusal(
      encodeModel(g, { irVersion: 7, opset: 14, producerName: 't', producerVersion: '', graphName: 'g' }),
    );
    expect(e).toMatchObject({ node: 'sig', opType: 'RNN' });
    expect(e.message).toContain('only Tanh or Relu');
  });

  it('a Squeeze without axes of a tensor with dynamic axes', () => {
    const e = refusal(
      graph((g, x) => {
        const W = g.floats('W', [1, 4 * H, I], new Float32Array(4 * H * I));
        const R = g.floats('R', [1, 4 * H, H], new Float32Array(4 * H * H));
        const [Y] = g.node('LSTM', 'lstm', [x, W, R], { hidden_size: H }, 1);
        return g.op('Squeeze', '/all', [Y]);
      }),
    );
    expect(e).toMatchObject({ node: '/all', opType: 'Squeeze' });
  });

  it('the last step of the outputs when rows have lengths', () => {
    const g = new GraphBuilder();
    g.reserve('x', 'lens', 'y');
    const x = g.input('x', DT.FLOAT, ['T', 'B', I]);
    const lens = g.input('lens', DT.INT32, ['B']);
    const W = g.floats('W', [1, 3 * H, I], new Float32Array(3 * H * I));
    const R = g.floats('R', [1, 3 * H, H], new Float32Array(3 * H * H));
    const [Y] = g.node('GRU', 'gru', [x, W, R, '', lens], { hidden_size: H, linear_before_reset: 1 }, 1);
    const last = g.op('Gather', 'last', [
      g.op('Squeeze', 'sq', [Y, g.ints('a', [1])]),
      g.ints('i', [-1], []),
    ]);
    const y = g.op('MatMul', '/head', [last, g.floats('Wh', [H, 2], new Float32Array(2 * H))]);
    g.output(y, 'y', DT.FLOAT, ['B', 2]);
    const e = refusal(
      encodeModel(g, { irVersion: 7, opset: 14, producerName: 't', producerVersion: '', graphName: 'g' }),
    );
    expect(e).toMatchObject({ node: '/head', opType: 'MatMul' });
    expect(e.message).toContain('with sequence_lens use the final states');
  });
});
