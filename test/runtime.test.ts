// init(), the arena and module checks: what a user meets before any kernel runs.

import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { BackendError, init, LSTM, MemoryLimitError, ValueError } from '../bindings/index.node.ts';
import { Arena } from '../bindings/runtime/arena.ts';
import { detectFeatures, RELAXED_PROBE, SIMD_PROBE } from '../bindings/runtime/features.ts';
import { initWith } from '../bindings/runtime/init.ts';
import { nodeSource } from '../bindings/runtime/load-node.ts';
import { ArrayBufferMemory, PAGE_BYTES } from '../bindings/runtime/memory.ts';
import { BACKENDS, get, loadRuntime, put } from './helpers/backends.ts';
import { uniform } from './helpers/random.ts';

const wasmFile = (build: string) => readFile(new URL(`../build/${build}.wasm`, import.meta.url));

describe('init', () => {
  it('auto picks relaxed SIMD where the engine validates it (this suite runs with the flag)', async () => {
    const rt = await init();
    expect(rt.backend).toBe('wasm-relaxed');
    expect(rt.kernels.isa_relaxed()).toBe(1);
  });

  it.each(BACKENDS)('backend %s loads and reports itself', async (backend) => {
    const rt = await init({ backend });
    expect(rt.backend).toBe(backend);
  });

  it('rejects an unknown backend name, naming the choices', async () => {
    await expect(init({ backend: 'gpu' as never })).rejects.toThrow(
      /backend must be one of 'auto', 'wasm-simd', 'wasm-relaxed', 'ts' but got "gpu"/,
    );
    await expect(init({ backend: 'gpu' as never })).rejects.toBeInstanceOf(BackendError);
  });

  it('accepts a precompiled module (the edge-runtime path) and caller-supplied bytes', async () => {
    const bytes = await wasmFile('simd');
    const module = await WebAssembly.compile(bytes);
    expect((await init({ module })).backend).toBe('wasm-simd');
    expect((await init({ bytes })).backend).toBe('wasm-simd');
    expect((await init({ bytes: await wasmFile('relaxed') })).backend).toBe('wasm-relaxed');
  });

  it('refuses a module of the other build when a backend is named', async () => {
    const module = await WebAssembly.compile(await wasmFile('simd'));
    await expect(init({ backend: 'wasm-relaxed', module })).rejects.toThrow(/given module is the simd build/);
  });

  it('refuses bytes that are not WebAssembly', async () => {
    await expect(init({ bytes: new TextEncoder().encode('not wasm at all') })).rejects.toThrow(
      /not a WebAssembly module this engine can compile/,
    );
  });

  it('refuses a valid module that is not this library', async () => {
    // The smallest valid module: magic number and version, no sections.
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(init({ bytes: empty })).rejects.toThrow(
      /not a wasm-rnn kernel module.*missing exports memory, gemm_nn_f32/,
    );
  });

  it("falls back to 'ts' under auto where the engine has no WebAssembly SIMD, and says so", async () => {
    // The feature set of an engine with WebAssembly but no SIMD (Safari before 16.4), given to initWith.
    const noSimd = { wasm: true, simd: false, relaxed: false };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rt = await initWith(nodeSource, { backend: 'auto' }, noSimd);
    expect(rt.backend).toBe('ts');
    expect(rt.notes.join('; ')).toMatch(/WebAssembly SIMD \(128-bit\) is not supported.*falling back/);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    await expect(initWith(nodeSource, { backend: 'wasm-simd' }, noSimd)).rejects.toThrow(
      /backend 'wasm-simd' needs WebAssembly SIMD \(128-bit\), which this engine does not support/,
    );
  });

  it("picks wasm-simd under auto where relaxed SIMD is missing, and refuses an explicit 'wasm-relaxed'", async () => {
    const noRelaxed = { wasm: true, simd: true, relaxed: false };
    const rt = await initWith(nodeSource, {}, noRelaxed);
    expect(rt.backend).toBe('wasm-simd');
    expect(rt.notes.join('; ')).toMatch(/relaxed SIMD .* is not supported/);
    await expect(initWith(nodeSource, { backend: 'wasm-relaxed' }, noRelaxed)).rejects.toThrow(
      /needs WebAssembly relaxed SIMD \(Node 20 needs --experimental-wasm-relaxed-simd/,
    );
  });

  it('the feature probes validate here (this suite runs with the relaxed flag) and name what each needs', () => {
    expect(detectFeatures()).toEqual({ wasm: true, simd: true, relaxed: true });
    expect(WebAssembly.validate(SIMD_PROBE)).toBe(true);
    expect(WebAssembly.validate(RELAXED_PROBE)).toBe(true);
    // A probe whose one instruction is unknown must not validate: the probes are not trivially true.
    const bogus = RELAXED_PROBE.slice();
    bogus[bogus.length - 3] = 0xff;
    expect(WebAssembly.validate(bogus)).toBe(false);
  });

  it('refuses something that is not a module', async () => {
    await expect(init({ module: {} as WebAssembly.Module })).rejects.toThrow(
      /expected a WebAssembly.Module but got Object/,
    );
  });
});

describe('arena', () => {
  it('hands out 16-byte-aligned, zeroed, non-overlapping blocks and reuses freed ones', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 0);
    const a = arena.alloc(3);
    const b = arena.alloc(5);
    expect(a.ptr % 16).toBe(0);
    expect(b.ptr % 16).toBe(0);
    expect(a.ptr).toBeGreaterThan(0);
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 16);
    arena.f32(a).fill(7);
    arena.free(a);
    const c = arena.alloc(2);
    expect(c.ptr).toBe(a.ptr);
    expect([...arena.f32(c)]).toEqual([0, 0]);
  });

  it('coalesces freed neighbours and returns the top to the bump region', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 0);
    const blocks = [arena.alloc(10), arena.alloc(10), arena.alloc(10)];
    const top = arena.highWater;
    arena.free(blocks[1]);
    arena.free(blocks[0]);
    arena.free(blocks[2]);
    expect(arena.highWater).toBeLessThan(top);
    expect(arena.usedBytes).toBe(0);
    expect(arena.alloc(30).ptr).toBe(blocks[0].ptr);
  });

  it('rejects bad lengths, double frees and allocations past 4 GiB with named errors', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 0);
    expect(() => arena.alloc(-1)).toThrow(ValueError);
    expect(() => arena.alloc(1.5)).toThrow(/non-negative integer but got 1.5/);
    const a = arena.alloc(1);
    arena.free(a);
    expect(() => arena.free(a)).toThrow(/not a live block/);
    expect(() => arena.alloc(2 ** 30 + 1)).toThrow(MemoryLimitError);
    expect(() => arena.alloc(2 ** 30 + 1)).toThrow(/limited to 4 GiB/);
  });

  it.each(BACKENDS)('growth between kernel calls corrupts nothing on %s', async (backend) => {
    const rt = await loadRuntime(backend);
    const x = uniform(1000, 1);
    const y = uniform(1000, 2);
    const rx = put(rt, x);
    const ry = put(rt, y);
    const before = rt.memory.buffer.byteLength;
    // Force several grows: 3 blocks of 1 MiB each.
    const big = [rt.arena.alloc(262144), rt.arena.alloc(262144), rt.arena.alloc(262144)];
    expect(rt.memory.buffer.byteLength).toBeGreaterThanOrEqual(before + 3 * 262144 * 4);
    expect(rt.memory.buffer.byteLength % PAGE_BYTES).toBe(0);
    expect(get(rt, rx)).toEqual(x);
    rt.kernels.axpy_f32(ry.ptr, rx.ptr, 2, 1000);
    const want = y.map((v, i) => Math.fround(v + Math.fround(2 * x[i])));
    const got = get(rt, ry);
    if (backend === 'wasm-relaxed') for (let i = 0; i < 1000; i++) expect(got[i]).toBeCloseTo(want[i], 6);
    else expect(got).toEqual(want);
    for (const b of big) rt.arena.free(b);
  });
});

describe('determinism of the simd build', () => {
  /** A GEMM, a fused activation and an LSTM forward+backward on fixed data: every output float as bits. */
  async function fingerprint(): Promise<number[]> {
    const rt = await loadRuntime('wasm-simd');
    const n = 67;
    const a = put(rt, uniform(n * n, 3));
    const b = put(rt, uniform(n * n, 4));
    const c = put(rt, uniform(n * n, 5));
    rt.kernels.gemm_nn_f32(c.ptr, a.ptr, b.ptr, n, n, n, n, n, n, 1);
    rt.kernels.tanh_f32(a.ptr, c.ptr, n * n);
    const lstm = new LSTM(rt, { inputSize: 5, hiddenSize: 9, numLayers: 2, bidirectional: true, seed: 3 });
    const { outputs } = lstm.forward({ data: uniform(7 * 3 * 5, 6), shape: [7, 3, 5] });
    lstm.backward({ dOutputs: { data: uniform(outputs.data.length, 7), shape: outputs.shape } });
    const grads = Object.values(lstm.gradients());
    const all = [get(rt, c), get(rt, a), outputs.data, ...grads];
    return all.flatMap((f) => [...new Uint32Array(f.buffer, f.byteOffset, f.length)]);
  }

  it('gives the same bits in two separately instantiated modules', async () => {
    const first = await fingerprint();
    const second = await fingerprint();
    expect(first.length).toBeGreaterThan(10_000);
    expect(second).toEqual(first);
  });
});
