// What TextModel.fit takes, checked as a whole before the text is read: every value by name, and the
// combinations that cannot work (a check of held-out text without held-out text) refused by the option's name.

import { describe, ValueError } from '../errors.ts';
import { optionsObject, positiveInt } from '../validate.ts';
import type { ValidationEvent } from './text-fit.ts';
import { BUDGET_KEYS, type BudgetOptions } from './training.ts';

/**
 * 'stateful' (the default, char-rnn's and PyTorch word_language_model's way): the text cut into `batchSize`
 * contiguous streams read in consecutive windows of `seqLength`, the state carried (detached) from window to
 * window and reset at the start of every pass. 'stateless': shuffled windows, each from a zero state.
 */
export type TextTraining = 'stateful' | 'stateless';

export interface TextFitOptions extends BudgetOptions {
  /** Characters per training window (BPTT length), default 64. */
  seqLength?: number;
  /** Adam's learning rate, default 2e-3. */
  lr?: number;
  /** Global gradient-norm clip, default 5. */
  clip?: number;
  /** A held-out share of the text's end (default 0.05) or a separate text, for the validation loss. */
  validation?: number | string;
  /** Default 'stateful'. */
  training?: TextTraining;
  /** Measure the held-out loss every this many steps (default: at the end of every pass), and after the last. */
  validateEvery?: number;
  /** Stop after this many held-out checks without a lower loss (the best check's weights are kept either way). */
  patience?: number;
  /** Called after every held-out check. */
  onValidation?: (v: ValidationEvent) => void | Promise<void>;
}

export const FIT_KEYS = [
  'seqLength',
  'lr',
  'clip',
  'validation',
  'training',
  'validateEvery',
  'onValidation',
  'patience',
  ...BUDGET_KEYS,
];

export interface TextFitPlan {
  /** Steps to take; undefined: `epochs` passes. */
  steps: number | undefined;
  epochs: number;
  seqLength: number;
  batchSize: number;
  training: TextTraining;
  validateEvery: number | undefined;
  patience: number | undefined;
}

export function textFitPlan(options: TextFitOptions): TextFitPlan {
  const o = optionsObject('fit options', options, false, FIT_KEYS);
  const training = o.training ?? 'stateful';
  if (training !== 'stateful' && training !== 'stateless') {
    throw new ValueError(`training must be 'stateful' or 'stateless' but got ${describe(training)}`);
  }
  if (o.onValidation !== undefined && typeof o.onValidation !== 'function') {
    throw new ValueError(`onValidation must be a function but got ${describe(o.onValidation)}`);
  }
  if (o.validation === 0) {
    for (const name of ['validateEvery', 'patience', 'onValidation'] as const) {
      if (o[name] !== undefined) {
        throw new ValueError(
          `${name} needs held-out text but validation is 0; give a share in (0, 1) or a validation text`,
        );
      }
    }
  }
  return {
    steps: o.steps === undefined ? undefined : positiveInt('steps', o.steps),
    epochs: positiveInt('epochs', o.epochs ?? 1),
    seqLength: positiveInt('seqLength', o.seqLength ?? 64),
    batchSize: positiveInt('batchSize', o.batchSize ?? 32),
    training,
    validateEvery: o.validateEvery === undefined ? undefined : positiveInt('validateEvery', o.validateEvery),
    patience: o.patience === undefined ? undefined : positiveInt('patience', o.patience),
  };
}
