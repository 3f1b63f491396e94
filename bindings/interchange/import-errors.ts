// The errors a model outside the supported subset gets: FormatErrors (bindings/errors.ts) that name the node or
// layer and its type, so a user sees which part of their export to change.

import { FormatError } from '../errors.ts';

export class OnnxUnsupportedError extends FormatError {
  /** The node's name (its first output's name when the node has none); '' for graph-level refusals. */
  readonly node: string;
  /** The node's op type; '' for graph-level refusals. */
  readonly opType: string;

  constructor(node: string, opType: string, reason: string) {
    super(opType ? `ONNX node "${node}" (${opType}): ${reason}` : `ONNX graph: ${reason}`);
    this.node = node;
    this.opType = opType;
  }
}

export class TfjsUnsupportedError extends FormatError {
  /** The layer's name; '' for model-level refusals. */
  readonly layer: string;
  /** The layer's class name (LSTM, Dense, …); '' for model-level refusals. */
  readonly className: string;

  constructor(layer: string, className: string, reason: string) {
    super(className ? `TF.js layer "${layer}" (${className}): ${reason}` : `TF.js model: ${reason}`);
    this.layer = layer;
    this.className = className;
  }
}
