// What this engine's WebAssembly can run, found by validating two tiny probe modules, so that 'auto' downloads
// only the build it will use and an explicit backend is refused before any .wasm is fetched.

export interface EngineFeatures {
  /** A WebAssembly global exists (V8 --jitless and Safari's Lockdown Mode have none). */
  readonly wasm: boolean;
  /** 128-bit SIMD validates: what build/simd.wasm needs. */
  readonly simd: boolean;
  /** Relaxed SIMD validates: what build/relaxed.wasm needs. */
  readonly relaxed: boolean;
}

// (module (func (result v128) …)): the header, one type `() -> v128`, one function using it.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b];
const ONE_FUNCTION = [0x03, 0x02, 0x01, 0x00];
const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_RELAXED_MADD = [0xfd, 0x85, 0x02];
const END = 0x0b;

/** A module whose one function body is `ops` (no locals). */
function probe(ops: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...ops, END];
  const code = [0x01, body.length, ...body];
  return new Uint8Array([...HEADER, ...ONE_FUNCTION, 0x0a, code.length, ...code]);
}

/** `v128.const 0` */
export const SIMD_PROBE = probe(V128_CONST_ZERO);
/** `f32x4.relaxed_madd(0, 0, 0)`: the instruction the relaxed build is compiled for. */
export const RELAXED_PROBE = probe([
  ...V128_CONST_ZERO,
  ...V128_CONST_ZERO,
  ...V128_CONST_ZERO,
  ...F32X4_RELAXED_MADD,
]);

export function detectFeatures(): EngineFeatures {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (wasm === undefined || typeof wasm.validate !== 'function') {
    return { wasm: false, simd: false, relaxed: false };
  }
  const simd = wasm.validate(SIMD_PROBE);
  return { wasm: true, simd, relaxed: simd && wasm.validate(RELAXED_PROBE) };
}
