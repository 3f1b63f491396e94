// Hostile ONNX files: truncated at every length, bit-flipped, huge dims, cycles, values nothing produces,
// coordinate explosions, floods of empty messages. Each gets a typed error (a WasmRnnError) in bounded time, or
// (a flip that keeps the file valid) a model that runs; never a crash, a hang or an untyped exception.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime, ValueError, WasmRnnError } from '../../bindings/index.node.ts';
import { OnnxUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { encodeModel, GraphBuilder } from '../../bindings/interchange/onnx-encode.ts';
import { importOnnx } from '../../bindings/interchange/onnx-import.ts';
import { DT } from '../../bindings/interchange/onnx-proto.ts';
import { Budget, ProtoReader } from '../../bindings/interchange/proto-read.ts';
import { ProtoWriter } from '../../bindings/interchange/proto-write.ts';
import { Random } from '../../bindings/random.ts';
import { loadRuntime } from '../helpers/backends.ts';

const fixture = (path: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/onnx/${path}`, import.meta.url)));

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('wasm-simd');
});

/** Imports and, when that works, runs the model once; returns the error, if any. */
function attempt(bytes: Uint8Array): unknown {
  try {
    const m = importOnnx(rt, bytes);
    try {
      const c = m.model.config.input;
      const ids = c.kind === 'tokens' || c.kind === 'embedding';
      const [T, B] = [m.signature.input.steps ?? 3, m.signature.input.batch ?? 2];
      const shape = m.signature.input.batchFirst ? [B, T] : [T, B];
      const x = ids
        ? { data: new Int32Array(T * B), shape }
        : { data: new Float32Array(T * B * c.size).fill(0.5), shape: [...shape, c.size] };
      const L = m.model.config.recurrent.numLayers * (m.model.config.recurrent.bidirectional ? 2 : 1);
      const state = new Float32Array(L * B * m.model.config.recurrent.hiddenSize);
      m.predict(x, {
        h0: m.signature.states.h0 ? state : undefined,
        c0: m.signature.states.c0 ? state : undefined,
      });
    } finally {
      m.dispose();
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

function expectTyped(e: unknown, context: string): void {
  if (e !== undefined && !(e instanceof WasmRnnError)) {
    throw new Error(`${context}: untyped ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
}

describe('the protobuf reader', () => {
  const read = (bytes: number[]) =>
    new ProtoReader(Uint8Array.from(bytes), 0, bytes.length, new Budget(100), 'test');

  it('reads back every varint the writer writes, negative int64 included', () => {
    const values = [
      0,
      1,
      127,
      128,
      300,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -2,
      -(2 ** 31),
      -(2 ** 53 - 1),
    ];
    const w = new ProtoWriter();
    for (const v of values) w.int(1, v);
    const bytes = w.finish();
    const r = new ProtoReader(bytes, 0, bytes.length, new Budget(100), 'test');
    for (const v of values) {
      expect(r.tag()).toEqual({ field: 1, wire: 0 });
      expect(r.varint()).toBe(v);
    }
    expect(r.done).toBe(true);
  });

  it('refuses truncated and overlong varints and lengths past the end', () => {
    expect(() => read([0x80]).varint()).toThrow(FormatError);
    expect(() => read(Array(11).fill(0xff)).varint()).toThrow(/longer than 10 bytes/);
    expect(() => read([5, 1, 2]).span()).toThrow(/truncated/);
    expect(() => read([0x0b]).skip(3)).toThrow(/groups/);
    expect(() => read([0x02, 0xc3, 0x28]).string()).toThrow(/UTF-8/);
  });
});

describe('hostile ONNX files', () => {
  it('truncated at every length: a FormatError, fast', () => {
    const bytes = fixture('import/lstm_bi2_bf_softmax.onnx');
    const start = performance.now();
    for (let n = 0; n < bytes.length; n++) {
      const e = attempt(bytes.subarray(0, n));
      expectTyped(e, `truncated to ${n} bytes`);
    }
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it.each([
    'import/emb_lstm_bi_hn.onnx',
    'import/gru_bi_l2_state.onnx',
    'exported/rnn_relu_tokens_last.onnx',
  ])('%s bit-flipped 1500 times: typed errors or models that run', (file) => {
    const bytes = fixture(file);
    const rng = new Random(file.length);
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const copy = bytes.slice();
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips; f++) copy[rng.int(copy.length)] ^= 1 << rng.int(8);
      const e = attempt(copy);
      expectTyped(e, `flip ${i}`);
      if (e !== undefined) refused++;
    }
    expect(refused).toBeGreaterThan(100);
  });

  /** A one-layer LSTM graph with edits. */
  function lstmGraph(edit: (g: GraphBuilder, x: string) => string): Uint8Array {
    const g = new GraphBuilder();
    g.reserve('x', 'y');
    const x = g.input('x', DT.FLOAT, ['T', 'B', 2]);
    const y = edit(g, x);
    g.output(y, 'y', DT.FLOAT, ['T', 'B', 3]);
    return encodeModel(g, {
      irVersion: 7,
      opset: 14,
      producerName: 'test',
      producerVersion: '',
      graphName: 'g',
    });
  }

  function lstm(g: GraphBuilder, x: string, initialH?: string): string {
    const W = g.floats('W', [1, 12, 2], new Float32Array(24).fill(0.1));
    const R = g.floats('R', [1, 12, 3], new Float32Array(36).fill(0.1));
    const inputs = initialH ? [x, W, R, '', '', initialH] : [x, W, R];
    const [Y] = g.node('LSTM', 'lstm', inputs, { hidden_size: 3 }, 1);
    return g.op('Squeeze', 'squeeze', [Y, g.ints('axes', [1])]);
  }

  it('the crafted graph is valid to begin with', () => {
    expect(attempt(lstmGraph((g, x) => lstm(g, x)))).toBeUndefined();
  });

  it('cycles are a FormatError', () => {
    const e = attempt(
      lstmGraph((g, x) => {
        const out = lstm(g, x);
        g.nodes.push({ op: 'Identity', name: 'a', inputs: ['loop_b'], outputs: ['loop_a'], attributes: {} });
        g.nodes.push({ op: 'Identity', name: 'b', inputs: ['loop_a'], outputs: ['loop_b'], attributes: {} });
        return g.op('Add', 'join', [out, 'loop_a']);
      }),
    );
    expect(e).toBeInstanceOf(FormatError);
    expect((e as Error).message).toMatch(/cycle/);
    const self = attempt(
      lstmGraph((g) => {
        g.nodes.push({ op: 'Identity', name: 'self', inputs: ['me'], outputs: ['me'], attributes: {} });
        return 'me';
      }),
    );
    expect(self).toBeInstanceOf(FormatError);
  });

  it('values nothing produces, or produced twice, are a FormatError', () => {
    expect(attempt(lstmGraph((g, x) => g.op('Add', 'a', [lstm(g, x), 'nowhere'])))).toBeInstanceOf(
      FormatError,
    );
    const twice = attempt(
      lstmGraph((g, x) => {
        const out = lstm(g, x);
        g.nodes.push({ op: 'Identity', name: 'again', inputs: [x], outputs: [out], attributes: {} });
        return out;
      }),
    );
    expect((twice as Error).message).toMatch(/produced twice/);
  });

  it('huge dims: refused before anything is allocated', () => {
    const huge = (dims: number[], raw: number) => {
      const w = new ProtoWriter();
      w.int(1, 7);
      w.message(7, (g) => {
        g.message(5, (t) =>
          t.packedInts(1, dims).int(2, DT.FLOAT).string(8, 'W').bytes(9, new Uint8Array(raw)),
        );
      });
      return w.finish();
    };
    for (const dims of [
      [2 ** 31, 2 ** 31],
      [1e6, 1e6, 1e6],
      [4, -1],
    ]) {
      const start = performance.now();
      const e = attempt(huge(dims, 16));
      expect(e).toBeInstanceOf(FormatError);
      expect(performance.now() - start).toBeLessThan(1000);
    }
    const wide = attempt(
      lstmGraph((g, x) => {
        g.inputs[0] = { name: x, elemType: DT.FLOAT, dims: ['T', 'B', 2 ** 40] };
        return lstm(g, x);
      }),
    );
    expect(wide).toBeInstanceOf(OnnxUnsupportedError);
    const zeros = attempt(
      lstmGraph((g, x) => {
        const shape = g.ints('big', [1e15, 2, 3]);
        return lstm(g, x, g.op('ConstantOfShape', 'zeros', [shape]));
      }),
    );
    expect(zeros).toBeInstanceOf(WasmRnnError);
  });

  it('a graph that doubles its features 40 times is refused in bounded time', () => {
    const start = performance.now();
    const e = attempt(
      lstmGraph((g, x) => {
        let v = x;
        for (let i = 0; i < 40; i++) v = g.op('Concat', `dup${i}`, [v, v], { axis: 2 });
        return lstm(g, v);
      }),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect((e as Error).message).toMatch(/too large to analyse/);
    expect(performance.now() - start).toBeLessThan(15_000);
  });

  it('a flood of empty nodes is refused by the entry budget', () => {
    const nodes = new Uint8Array(2 * 400_000);
    for (let i = 0; i < nodes.length; i += 2) nodes[i] = 0x0a; // GraphProto.node, length 0
    const w = new ProtoWriter();
    w.bytes(7, nodes);
    const start = performance.now();
    const e = attempt(w.finish());
    expect(e).toBeInstanceOf(FormatError);
    expect((e as Error).message).toMatch(/too many entries/);
    expect(performance.now() - start).toBeLessThan(15_000);
  });

  it('random bytes, empty files and a huge integer constant are typed errors', () => {
    const rng = new Random(4);
    for (let i = 0; i < 300; i++) {
      expectTyped(attempt(Uint8Array.from({ length: 1 + rng.int(300) }, () => rng.int(256))), `random ${i}`);
    }
    expect(attempt(new Uint8Array(0))).toBeInstanceOf(FormatError);
    const bigShape = attempt(
      lstmGraph((g, x) => {
        const shape = g.ints('shape', Array(100_000).fill(1));
        return g.op('Reshape', 'reshape', [lstm(g, x), shape]);
      }),
    );
    expect(bigShape).toBeInstanceOf(OnnxUnsupportedError);
  });

  it('control flow, other domains and unknown operators name their node', () => {
    const e = attempt(lstmGraph((g, x) => g.op('If', 'branch', [lstm(g, x)])));
    expect(e).toMatchObject({ node: 'branch', opType: 'If' });
    const custom = lstmGraph((g, x) => g.op('Attention', 'fancy', [lstm(g, x)]));
    expect(attempt(custom)).toMatchObject({ node: 'fancy', opType: 'Attention' });
  });
});
