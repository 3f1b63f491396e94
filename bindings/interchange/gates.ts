// Gate order between ONNX and PyTorch (ours). ONNX stacks LSTM gates i, o, f, c and GRU gates z, r, h;
// PyTorch stacks i, f, g, o and r, z, n. Weights and both biases are G blocks of H rows each, in that order.

import type { CellType } from '../model/cells.ts';

/** For each of our gate blocks, the ONNX block it comes from. */
const ONNX_BLOCK: Record<'lstm' | 'gru' | 'rnn', readonly number[]> = {
  lstm: [0, 2, 3, 1], // i ← i, f ← f, g ← c, o ← o
  gru: [1, 0, 2], // r ← r, z ← z, n ← h
  rnn: [0],
};

const family = (cell: CellType) => (cell === 'lstm' ? 'lstm' : cell === 'gru' ? 'gru' : 'rnn');

/** Number of gate blocks G. */
export const gateCount = (cell: CellType) => ONNX_BLOCK[family(cell)].length;

/** A [G·H, cols] matrix (or [G·H] vector, cols = 1) in ONNX gate order → ours. */
export function onnxToTorch(cell: CellType, onnx: Float32Array, H: number, cols: number): Float32Array {
  const map = ONNX_BLOCK[family(cell)];
  const block = H * cols;
  const out = new Float32Array(onnx.length);
  map.forEach((from, to) => {
    out.set(onnx.subarray(from * block, (from + 1) * block), to * block);
  });
  return out;
}

/** Ours → ONNX gate order. */
export function torchToOnnx(cell: CellType, torch: Float32Array, H: number, cols: number): Float32Array {
  const map = ONNX_BLOCK[family(cell)];
  const block = H * cols;
  const out = new Float32Array(torch.length);
  map.forEach((to, from) => {
    out.set(torch.subarray(from * block, (from + 1) * block), to * block);
  });
  return out;
}
