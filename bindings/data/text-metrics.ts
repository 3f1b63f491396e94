// A language model's loss in the units people quote: bits per character (the compression view: a model that
// spends b bits per character would compress the text to b/8 of a byte each) and perplexity (the effective
// number of equally likely choices per token). Both come from the mean cross-entropy in nats.

import { ValueError } from '../errors.ts';
import { finiteNumber } from '../validate.ts';

function nats(name: string, value: number): number {
  const v = finiteNumber(name, value);
  if (v < 0) throw new ValueError(`${name} must be a mean cross-entropy ≥ 0 (nats) but got ${v}`);
  return v;
}

/** Mean cross-entropy per character in nats → bits per character (÷ ln 2). */
export function bitsPerCharacter(meanCrossEntropy: number): number {
  return nats('meanCrossEntropy', meanCrossEntropy) / Math.LN2;
}

/** Mean cross-entropy per token in nats → perplexity, e^loss. */
export function perplexity(meanCrossEntropy: number): number {
  return Math.exp(nats('meanCrossEntropy', meanCrossEntropy));
}
