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
}

export interface BenchOptions {
  /** Fewer repetitions (for smoke runs). */
  quick: boolean;
}
