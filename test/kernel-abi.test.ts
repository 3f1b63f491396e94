// The kernel ABI is declared once (bindings/kernels-ts/abi.ts); everything else that names the kernels is checked
// against that table here: the exports of every compiled build (names, parameter counts, result types), the
// AssemblyScript sources they are compiled from (parameter names), the TypeScript twin, and the ABI version.
// Arities and results are also checked against each row's signature type by the compiler (abi.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABI_VERSION, KERNEL_ARITY, KERNEL_NAMES, KERNEL_SIGNATURES } from '../bindings/kernels-ts/abi.ts';
import { createTsKernels } from '../bindings/kernels-ts/index.ts';
import { ArrayBufferMemory } from '../bindings/runtime/memory.ts';
import { MAX_ARGS } from '../bindings/runtime/threads/task-loop.ts';
import { THREAD_EXPORTS } from '../bindings/runtime/wasm.ts';
import { exportedFunctions } from './helpers/wasm-signatures.ts';

const BUILDS = ['simd', 'relaxed', 'threads', 'threads-relaxed'] as const;
const wasmBytes = (build: string) => readFileSync(new URL(`../build/${build}.wasm`, import.meta.url));

/** Exported function name → parameter names, read from TypeScript or AssemblyScript source text. */
function parameterNames(source: string, pattern: RegExp): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const m of source.matchAll(pattern)) {
    const params = m[2]
      .split(',')
      .map((p) => p.split(':')[0].trim())
      .filter((p) => p !== '');
    names.set(m[1], params);
  }
  return names;
}

/** The parameter names of each row of the table (they live in its types, so they are read from the file). */
const declaredNames = parameterNames(
  readFileSync(new URL('../bindings/kernels-ts/abi.ts', import.meta.url), 'utf8'),
  /^ {2}(\w+): kernel<\(([^)]*)\) =>/gm,
);

describe('the kernel ABI table', () => {
  it('lists each kernel once, in the order of the tape ids, with its arity', () => {
    expect(KERNEL_NAMES).toEqual(Object.keys(KERNEL_SIGNATURES));
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    expect([...declaredNames.keys()]).toEqual(KERNEL_NAMES);
    for (const name of KERNEL_NAMES) {
      expect(KERNEL_ARITY[name]).toBe(KERNEL_SIGNATURES[name].arity);
      expect(declaredNames.get(name), name).toHaveLength(KERNEL_ARITY[name]);
    }
  });

  it('every kernel fits on a thread-pool tape', () => {
    expect(Math.max(...Object.values(KERNEL_ARITY))).toBeLessThanOrEqual(MAX_ARGS);
  });

  it.each(BUILDS)(
    'build/%s.wasm exports exactly the declared kernels, with their parameters and results',
    (build) => {
      const exported = exportedFunctions(wasmBytes(build));
      const extra = build.startsWith('threads') ? THREAD_EXPORTS : [];
      expect([...exported.keys()].sort()).toEqual([...KERNEL_NAMES, ...extra].sort());
      for (const name of KERNEL_NAMES) {
        const { arity, result } = KERNEL_SIGNATURES[name];
        const signature = exported.get(name)!;
        expect(signature.params.length, name).toBe(arity);
        // Pointers, sizes and flags are i32 and scalars f32 in the binary; the host passes numbers either way.
        for (const type of signature.params) expect(['i32', 'f32'], name).toContain(type);
        expect(signature.results, name).toEqual(result === 'void' ? [] : [result]);
      }
    },
  );

  it('the AssemblyScript sources name the parameters as the table does', () => {
    const dir = new URL('../assembly/', import.meta.url);
    const exported = new Map<string, string[]>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const [name, params] of parameterNames(source, /export function (\w+)\(([^)]*)\)/g)) {
        exported.set(name, params);
      }
    }
    for (const name of KERNEL_NAMES) expect(exported.get(name), name).toEqual(declaredNames.get(name));
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
