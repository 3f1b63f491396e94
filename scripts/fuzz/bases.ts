// Well-formed model files the fuzzer starts from: every layer kind with small random options, written by the
// library's own saveLayer, plus the same weights stored as F16, BF16 or F64 (as PyTorch may save them).

import { LAYER_KINDS, type LayerKindName, saveLayer } from '../../bindings/io/model-file.ts';
import type { Random } from '../../bindings/random.ts';
import { joinFile, parseHeader, splitFile } from './bytes.ts';

export interface Base {
  readonly kind: string;
  readonly options: Record<string, unknown>;
  readonly weights: Record<string, Float32Array>;
  readonly bytes: Uint8Array;
}

/** Where a corpus's valid files come from: layer files here, model files (model-bases.ts), later checkpoints. */
export interface BaseSource {
  readonly name: string;
  make(rng: Random): Base;
}

const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];
const size = (rng: Random, max: number) => 1 + rng.int(max);

function randomOptions(rng: Random, kind: LayerKindName): Record<string, unknown> {
  const seed = rng.int(1000);
  switch (kind) {
    case 'Dense':
      return { inFeatures: size(rng, 8), outFeatures: size(rng, 8), bias: rng.next() < 0.7, seed };
    case 'Embedding': {
      const V = size(rng, 10);
      return { numEmbeddings: V, embeddingDim: size(rng, 6), ...(rng.next() < 0.3 ? { paddingIdx: 0 } : {}) };
    }
    case 'AttentionPooling':
      return { inputSize: size(rng, 8), bias: rng.next() < 0.7, batchFirst: rng.next() < 0.5 };
    default: {
      const options: Record<string, unknown> = {
        inputSize: size(rng, 5),
        hiddenSize: size(rng, 5),
        numLayers: size(rng, 3),
        bidirectional: rng.next() < 0.3,
        batchFirst: rng.next() < 0.3,
        seed,
      };
      if (kind === 'RNN') options.nonlinearity = pick(rng, ['tanh', 'relu']);
      if (rng.next() < 0.3) {
        options.init = {
          recurrent: pick(rng, ['uniform', 'orthogonal']),
          input: pick(rng, ['uniform', 'xavier']),
          ...(kind === 'LSTM' && rng.next() < 0.5 ? { forgetBias: 1 } : {}),
        };
      }
      return options;
    }
  }
}

/** A valid layer file of a random kind; `weights` are the values it holds, for checking what a load returns. */
export function randomBase(rng: Random): Base {
  const kind = pick(rng, Object.keys(LAYER_KINDS) as LayerKindName[]);
  const options = randomOptions(rng, kind);
  const weights: Record<string, Float32Array> = {};
  for (const spec of LAYER_KINDS[kind].paramSpecs(options as never)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    weights[spec.name] = rng.fillUniform(new Float32Array(n), -2, 2);
  }
  // saveLayer reads only getWeights, so a plain record stands in for a layer: no runtime is needed here.
  const layer = { getWeights: () => weights, setWeights: () => {} };
  const extra = rng.next() < 0.5 ? { vocabulary: ['a', 'b', 'c'], note: 'fuzz base' } : undefined;
  return { kind, options, weights, bytes: saveLayer(layer, kind, options, extra) };
}

/** saveLayer files of every layer kind. */
export const LAYER_FILES: BaseSource = { name: 'layer files', make: randomBase };

const DTYPE_BYTES = { F16: 2, BF16: 2, F64: 8 } as const;
export type OtherDtype = keyof typeof DTYPE_BYTES;

/** The same file with every tensor stored as `dtype`: still a valid model (values rounded for F16/BF16). */
export function withDtype(bytes: Uint8Array, dtype: OtherDtype): Uint8Array {
  const raw = splitFile(bytes);
  const header = parseHeader(raw);
  const width = DTYPE_BYTES[dtype];
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  let total = 0;
  for (const name of names) {
    const [begin, end] = (header[name] as { data_offsets: number[] }).data_offsets;
    total += ((end - begin) / 4) * width;
  }
  const data = new Uint8Array(total);
  const out = new DataView(data.buffer);
  const src = new DataView(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  let at = 0;
  for (const name of names) {
    const entry = header[name] as { dtype: string; data_offsets: number[] };
    const [begin, end] = entry.data_offsets;
    entry.dtype = dtype;
    entry.data_offsets = [at, at + ((end - begin) / 4) * width];
    for (let i = begin; i < end; i += 4, at += width) {
      const v = src.getFloat32(i, true);
      if (dtype === 'F64') out.setFloat64(at, v, true);
      else if (dtype === 'BF16') out.setUint16(at, src.getUint32(i, true) >>> 16, true);
      else out.setUint16(at, floatToHalf(v), true);
    }
  }
  return joinFile(JSON.stringify(header), data);
}

/** f32 → IEEE binary16, truncating the mantissa (any rounding will do: the loader reads what the file holds). */
function floatToHalf(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -24) return sign;
  if (a < 2 ** -14) return sign | Math.floor(a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const m = Math.floor((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | Math.min(m, 1023);
}
