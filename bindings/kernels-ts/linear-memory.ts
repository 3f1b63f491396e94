// Linear memory as the kernels see it: a WebAssembly.Memory, or its ArrayBuffer twin for the TypeScript backend.
// Kernel pointers are byte offsets into `buffer`; a grow replaces the buffer (an unshared one), so views over it
// are rebuilt after one.

export interface LinearMemory {
  readonly buffer: ArrayBuffer;
  /** Adds `deltaPages` pages; returns the previous size in pages (as WebAssembly.Memory.grow does). */
  grow(deltaPages: number): number;
}
