// Functional TF.js / Keras models (class_name Model or Functional) that are one chain import like the Sequential
// model of the same layers (the fixtures in tfjs-import.test.ts check them against TF.js); anything else — two
// inputs or outputs, a branch, a shared layer, a layer off the chain, a cycle — is refused by name, and Keras 3's
// form of inbound nodes reads the same as Keras 2's.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, type Runtime } from '../../bindings/index.node.ts';
import { TfjsUnsupportedError } from '../../bindings/interchange/import-errors.ts';
import { importTfjs } from '../../bindings/interchange/tfjs-import.ts';
import { loadRuntime } from '../helpers/backends.ts';

const ROOT = new URL('../fixtures/tfjs/functional_emb_bilstm_last_softmax/', import.meta.url);
const weights = new Uint8Array(readFileSync(new URL('weights.bin', ROOT)));
const expected = JSON.parse(readFileSync(new URL('expected.json', ROOT), 'utf8'));

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into arbitrary model.json fields
type Json = Record<string, any>;

/** A fresh copy of the fixture's model.json, its topology's config and layers, for a test to edit. */
function fixture(): { json: Json; config: Json; layers: Json[] } {
  const json = JSON.parse(readFileSync(new URL('model.json', ROOT), 'utf8'));
  const config = json.modelTopology.config;
  return { json, config, layers: config.layers };
}

let rt: Runtime;
beforeAll(async () => {
  rt = await loadRuntime('ts');
});

const x = () => ({ data: Int32Array.from(expected.input.data as number[]), shape: expected.input.shape });
const predict = (json: Json) => {
  const m = importTfjs(rt, json, weights);
  try {
    return m.predict(x()).data;
  } finally {
    m.dispose();
  }
};

function refusal(json: Json): FormatError {
  try {
    importTfjs(rt, json, weights).dispose();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('the model was imported');
}

describe('functional TF.js models', () => {
  it('read as the Sequential model of the same layers, bit for bit', () => {
    const f = fixture();
    const sequential = {
      ...f.json,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 's', layers: f.layers.map(({ inbound_nodes: _, name: __, ...rest }) => rest) },
      },
    };
    expect(predict(f.json)).toEqual(predict(sequential));
  });

  it("accept Keras 3's class name Functional and its { args, kwargs } inbound nodes", () => {
    const want = predict(fixture().json);
    const f = fixture();
    f.json.modelTopology.class_name = 'Functional';
    for (const l of f.layers) {
      l.inbound_nodes = l.inbound_nodes.map((node: unknown[][]) => ({
        args: node.map((t) => ({ class_name: '__keras_tensor__', config: { keras_history: t.slice(0, 3) } })),
        kwargs: {},
      }));
    }
    expect(predict(f.json)).toEqual(want);
  });

  it('refuse two inputs or two outputs', () => {
    const a = fixture();
    a.config.output_layers.push(a.config.output_layers[0]);
    expect(refusal(a.json)).toBeInstanceOf(TfjsUnsupportedError);
    expect(refusal(a.json).message).toContain('only one output is supported, but the model has 2');
    const b = fixture();
    b.config.input_layers.push(['other', 0, 0]);
    expect(refusal(b.json).message).toContain('only one input is supported, but the model has 2');
  });

  it('refuse a shared layer, a layer off the chain, and a layer reading a second output, naming it', () => {
    const shared = fixture();
    const dense = shared.layers[3];
    dense.inbound_nodes.push(dense.inbound_nodes[0]);
    expect(refusal(shared.json)).toMatchObject({ layer: dense.name, className: 'Dense' });
    expect(refusal(shared.json).message).toContain('a shared layer');

    const off = fixture();
    off.layers.push({ ...off.layers[3], name: 'spare', config: { ...off.layers[3].config, name: 'spare' } });
    expect(refusal(off.json)).toMatchObject({ layer: 'spare', className: 'Dense' });
    expect(refusal(off.json).message).toContain('off the input-to-output chain');

    const second = fixture();
    second.layers[2].inbound_nodes[0][0][2] = 1;
    expect(refusal(second.json)).toMatchObject({ className: 'Bidirectional' });
    expect(refusal(second.json).message).toContain('reads output 1');
  });

  it('refuse a cycle, a missing layer and an output that does not reach the input with FormatErrors', () => {
    const cycle = fixture();
    cycle.layers[1].inbound_nodes = [[[cycle.layers[3].name, 0, 0, {}]]];
    expect(refusal(cycle.json).message).toMatch(/cycle/);

    const missing = fixture();
    missing.layers[2].inbound_nodes = [[['nowhere', 0, 0, {}]]];
    expect(refusal(missing.json).message).toContain('"nowhere", which the model does not have');

    const detached = fixture();
    detached.layers[1].inbound_nodes = [];
    expect(refusal(detached.json).message).toContain('does not lead back to the input');
  });
});
