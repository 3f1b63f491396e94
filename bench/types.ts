// The result row of ../shared/BENCHMARKS.md "How the project reports them".

export type BenchSystem =
  | 'wasm-simd'
  | 'wasm-relaxed'
  | 'ts'
  | 'tfjs-wasm'
  | 'tfjs-cpu'
  | 'pytorch'
  | 'ort-node'
  | 'ort-web';
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
  /** Where suites add their paired comparisons with TF.js and the native peers (absent: none are measured). */
  paired?: PairedResult[];
  /** Systems left out of every suite (--skip ts,tfjs-cpu: the slow references, for a full run on a busy host). */
  skip?: ReadonlySet<string>;
  /** The native peers (PyTorch, onnxruntime) to interleave with ours; absent or empty: none. */
  peers?: readonly NativePeerId[];
}

/** Peers outside TF.js, measured in the same run by bench/native-peers.ts. */
export type NativePeerId = 'pytorch' | 'onnxruntime';

/** Our fastest system against a peer on one workload, timed in alternating blocks (bench/paired.ts). */
export interface PairedResult {
  workload: string;
  ours: BenchSystem;
  /** Threads of our side and of the peer's (absent in files from before the native peers: 1). */
  oursThreads?: number;
  peer: BenchSystem;
  peerThreads?: number;
  /** Median over rounds of (peer's time per call ÷ ours): how many times faster ours is. */
  speedup: number;
  min: number;
  max: number;
  rounds: number;
  /** Medians over rounds of each side's milliseconds per call. */
  oursMs: number;
  peerMs: number;
  /** Fastest and slowest round of each side, milliseconds per call. */
  oursRangeMs?: { min: number; max: number };
  peerRangeMs?: { min: number; max: number };
}
