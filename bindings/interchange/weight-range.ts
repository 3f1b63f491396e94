// The importers' weights meet the same bound as a safetensors file's (io/load-options.ts): finite and within
// ±maxAbsWeight, checked before the model is built. A TF.js or ONNX file is as hostile as any other file, and a
// finite 1e30 weight runs every output to Inf without a word.

import { FormatError } from '../errors.ts';
import { checkWeightRange } from '../io/load-options.ts';

/** Refuses the first weight of `weights` that is not finite or is beyond ±maxAbsWeight, naming the format. */
export function checkImportedWeights(
  format: string,
  weights: Record<string, Float32Array>,
  maxAbsWeight: number,
): void {
  const fail = (message: string): never => {
    throw new FormatError(`${format}: ${message}`);
  };
  for (const [name, data] of Object.entries(weights)) checkWeightRange(name, data, maxAbsWeight, fail);
}
