// The kernel ABI is declared once (bindings/kernels-ts/abi.ts); everything else that names the kernels is checked
// against that table here: the exports of every compiled build (names, parameter counts, result types), the
// AssemblyScript sources they are compiled from (parameter names), the TypeScript twin, and the ABI version.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABI_VERSION, KERNEL_ARITY, KERNEL_NAMES, KERNEL_SIGNATURES } from '../bindings/kernels-ts/abi.ts';
import { createTsKernels } from '../bindings/kernels-ts/index.ts';
import { ArrayBufferMemory } from '../bindings/runtime/memory.ts';
import { THREAD_EXPORTS } from '../bindings/runtime/wasm.ts';
import { exportedFunctions } from './helpers/wasm-signatures.ts';

const BUILDS = ['simd', 'relaxed', 'threads', 'threads-relaxed'] as const;
const wasmBytes = (build: string) => readFileSync(new URL(`../build/${build}.wasm`, import.meta.url));

describe('the kernel ABI table', () => {
  it('lists each kernel once, in the order of the tape ids, with its arity', () => {
    expect(KERNEL_NAMES).toEqual(Object.keys(KERNEL_SIGNATURES));
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    for (const name of KERNEL_NAMES) expect(KERNEL_ARITY[name]).toBe(KERNEL_SIGNATURES[name].params.length);
  });

  it.each(BUILDS)(
    'build/%s.wasm exports exactly the declared kernels, with their parameters and results',
    (build) => {
      const exported = exportedFunctions(wasmBytes(build));
      const extra = build.startsWith('threads') ? THREAD_EXPORTS : [];
      expect([...exported.keys()].sort()).toEqual([...KERNEL_NAMES, ...extra].sort());
      for (const name of KERNEL_NAMES) {
        const { params, result } = KERNEL_SIGNATURES[name];
        const signature = exported.get(name)!;
        expect(signature.params.length, name).toBe(params.length);
        // Pointers, sizes and flags are i32 and scalars f32 in the binary; the host passes numbers either way.
        for (const type of signature.params) expect(['i32', 'f32'], name).toContain(type);
        expect(signature.results, name).toEqual(result === 'void' ? [] : [result]);
      }
    },
  );

  it('the AssemblyScript sources name the parameters as the table does', () => {
    const dir = new URL('../assembly/', import.meta.url);
    const declared = new Map<string, string[]>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const m of source.matchAll(/export function (\w+)\(([^)]*)\)/g)) {
        const params = m[2]
          .split(',')
          .map((p) => p.split(':')[0].trim())
          .filter((p) => p !== '');
        declared.set(m[1], params);
      }
    }
    for (const name of KERNEL_NAMES) expect(declared.get(name), name).toEqual(KERNEL_SIGNATURES[name].params);
  });

  it('the compiled modules and the TypeScript twin report this ABI version', async () => {
    for (const build of ['simd', 'relaxed']) {
      const { instance } = await WebAssembly.instantiate(wasmBytes(build));
      expect((instance.exports.abi_version as () => number)(), build).toBe(ABI_VERSION);
    }
    expect(createTsKernels(new ArrayBufferMemory(1)).abi_version()).toBe(ABI_VERSION);
  });

  it('the TypeScript twin binds every kernel, in table order, taking exactly its parameters', () => {
    const twin = createTsKernels(new ArrayBufferMemory(1));
    expect(Object.keys(twin)).toEqual(KERNEL_NAMES);
    for (const name of KERNEL_NAMES) expect(twin[name].length, name).toBe(KERNEL_ARITY[name]);
  });
});
