// The result row of ../shared/BENCHMARKS.md "How the project reports them".

export type BenchSystem = 'wasm-simd' | 'wasm-relaxed' | 'ts' | 'tfjs-wasm' | 'tfjs-cpu' | 'pytorch';
export type BenchUnit = 'tokens/s' | 'us/step' | 'GFLOP/s';

export interface BenchResult {
  workload: string;
  system: BenchSystem;
  threads: number;
  unit: BenchUnit;
  median: number;
  min: number;
  max: number;
  /** Timed calls behind the median (after warm-up). */
  samples?: number;
}

/** Memory of one training workload on one of our systems, after its timed steps. */
export interface MemoryResult {
  workload: string;
  system: BenchSystem;
  /** memory.buffer.byteLength: linear memory only grows, so this is its peak. */
  linearBytes: number;
  /** The arena's high-water mark inside it. */
  arenaBytes: number;
}

export interface BenchOptions {
  /** Fewer repetitions (for smoke runs); skips the slowest pairs. */
  quick: boolean;
  /** Where training suites add their memory figures. */
  memory: MemoryResult[];
  /** Thread counts for W1–W3 (--threads): counts above 1 add ParallelTrainer rows. Default [1]. */
  threads?: readonly number[];
}
