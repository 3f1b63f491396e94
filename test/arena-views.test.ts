// The arena is the one way the library views linear memory: by region, by pointer and length, and as a whole
// (kept until the next grow, for paths that must not allocate). Every view is over the current buffer.

import { describe, expect, it } from 'vitest';
import { Arena } from '../bindings/runtime/arena.ts';
import { ArrayBufferMemory, PAGE_BYTES } from '../bindings/runtime/memory.ts';
import { BACKENDS, loadRuntime } from './helpers/backends.ts';

describe('arena views', () => {
  it('a view by pointer sees what the view of its region wrote, as f32, i32 and f64', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 0);
    const r = arena.alloc(8);
    arena.f32(r).set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...arena.f32At(r.ptr + 8, 3)]).toEqual([3, 4, 5]);
    arena.i32At(r.ptr, 2).set([-1, 7]);
    expect([...arena.i32(r).subarray(0, 2)]).toEqual([-1, 7]);
    arena.f64At(r.ptr + 16, 1)[0] = 0.1;
    expect(new Float64Array(arena.memory.buffer, r.ptr + 16, 1)[0]).toBe(0.1);
  });

  it('the whole-memory views are indexed by pointer / 4 and stay the same arrays until a grow', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 0);
    const r = arena.alloc(4);
    const f32 = arena.memoryF32;
    const i32 = arena.memoryI32;
    expect(arena.memoryF32).toBe(f32);
    expect(arena.memoryI32).toBe(i32);
    f32.set([0.5, 1.5], r.ptr >> 2);
    i32[(r.ptr >> 2) + 2] = 9;
    expect([...arena.f32(r).subarray(0, 2)]).toEqual([0.5, 1.5]);
    expect(arena.i32(r)[2]).toBe(9);
    arena.alloc(PAGE_BYTES); // grows: the old buffer is replaced
    expect(arena.memoryF32).not.toBe(f32);
    expect(arena.memoryF32.length).toBe(arena.memory.buffer.byteLength / 4);
    expect(arena.memoryF32[r.ptr >> 2]).toBe(0.5);
    expect(arena.memoryI32[(r.ptr >> 2) + 2]).toBe(9);
  });

  it.each(BACKENDS)('on %s the whole-memory view is linear memory itself', async (backend) => {
    const rt = await loadRuntime(backend);
    const r = rt.arena.alloc(4);
    rt.arena.memoryF32.set([1, 2, 3, 4], r.ptr >> 2);
    rt.kernels.scale_f32(r.ptr, r.ptr, 2, 4);
    expect([...rt.arena.f32(r)]).toEqual([2, 4, 6, 8]);
    rt.arena.free(r);
  });
});
