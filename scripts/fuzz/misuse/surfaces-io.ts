// Misuse surfaces of initialisation and model files: init's options, saveLayer's layer/kind/options/extra,
// loadLayer's runtime and bytes, and the safetensors codec.

import { init } from '../../../bindings/index.node.ts';
import { loadLayer, readManifest, saveLayer } from '../../../bindings/io/model-file.ts';
import { decodeSafetensors, encodeSafetensors } from '../../../bindings/io/safetensors.ts';
import { Dense } from '../../../bindings/model/dense.ts';
import type { Runtime } from '../../../bindings/runtime/runtime.ts';
import { type Surface, surface } from './runner.ts';

const DENSE = { inFeatures: 2, outFeatures: 3 };

interface FileCtx {
  rt: Runtime;
  layer: Dense;
  bytes: Uint8Array;
  loaded?: { layer: { dispose?: () => void } };
}

const fileCtx = (rt: Runtime): FileCtx => {
  const layer = new Dense(rt, DENSE);
  return { rt, layer, bytes: saveLayer(layer, 'Dense', DENSE, { note: 'misuse' }) };
};
const disposeFile = (ctx: FileCtx) => {
  ctx.layer.dispose();
  ctx.loaded?.layer.dispose?.();
};

export const IO_SURFACES: readonly Surface[] = [
  surface({
    name: 'init',
    setup: () => undefined,
    args: () => [
      { name: 'options', value: { backend: 'ts' }, aliases: ['init', 'backend', 'module', 'bytes'] },
    ],
    call: async (_, [options]) => {
      await init(options as never);
    },
  }),
  surface<FileCtx>({
    name: 'saveLayer',
    setup: fileCtx,
    args: (ctx) => [
      { name: 'layer', value: ctx.layer },
      { name: 'kind', value: 'Dense' },
      { name: 'options', value: DENSE, aliases: ['saveLayer'] },
      { name: 'extra', value: { vocabulary: ['a'] } },
    ],
    call: (_, [layer, kind, options, extra]) =>
      saveLayer(layer as never, kind as never, options as never, extra as never),
    teardown: disposeFile,
  }),
  surface<FileCtx>({
    name: 'loadLayer',
    setup: fileCtx,
    args: (ctx) => [
      { name: 'rt', value: ctx.rt, aliases: ['runtime'] },
      { name: 'bytes', value: ctx.bytes, aliases: ['safetensors', 'model file'] },
    ],
    call: (ctx, [rt, bytes]) => {
      ctx.loaded = loadLayer(rt as Runtime, bytes as Uint8Array) as FileCtx['loaded'];
    },
    teardown: disposeFile,
  }),
  surface<FileCtx>({
    name: 'readManifest',
    setup: fileCtx,
    args: (ctx) => [{ name: 'bytes', value: ctx.bytes, aliases: ['safetensors', 'model file'] }],
    call: (_, [bytes]) => readManifest(bytes as Uint8Array),
    teardown: disposeFile,
  }),
  surface({
    name: 'encodeSafetensors',
    setup: () => undefined,
    args: () => [
      { name: 'tensors', value: { w: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) } } },
      { name: 'metadata', value: { format: 'pt' } },
    ],
    call: (_, [tensors, metadata]) => encodeSafetensors(tensors as never, metadata as never),
  }),
  surface({
    name: 'decodeSafetensors',
    setup: () => undefined,
    args: () => [
      {
        name: 'bytes',
        value: encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) } }),
        aliases: ['safetensors'],
      },
    ],
    call: (_, [bytes]) => decodeSafetensors(bytes as Uint8Array),
  }),
];
