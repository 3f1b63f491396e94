// Several columns of one CSV as a row-major [N, F] matrix, float64 for scoring and float32 for the forecaster.

import { readColumns } from './csv.ts';
import { DATA_DIR } from './series.ts';

export interface Matrix {
  x: Float64Array;
  x32: Float32Array;
  N: number;
  F: number;
}

export function loadMatrix(file: string, columns: string[]): Matrix {
  const cols = readColumns(`${DATA_DIR}${file}`, columns);
  const N = cols[0].length;
  const F = cols.length;
  const x = new Float64Array(N * F);
  for (let r = 0; r < N; r++) for (let c = 0; c < F; c++) x[r * F + c] = cols[c][r];
  if (x.some(Number.isNaN)) throw new Error(`${file}: missing values; this bench expects none`);
  return { x, x32: Float32Array.from(x), N, F };
}
