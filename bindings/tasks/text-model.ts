// A character-level (or word-level) language model, Karpathy's char-rnn: ids → LSTM/GRU → logits over the
// vocabulary at every step, trained with cross-entropy by truncated BPTT over parallel streams of the text (or,
// with training: 'stateless', on shuffled windows), sampled one character at a time with temperature, top-k and
// top-p. The vocabulary is saved in the model file: output row k means its k-th character and nothing else.

import { checkSampling } from '../data/sampling.ts';
import { bitsPerCharacter, perplexity } from '../data/text-metrics.ts';
import { CharVocab, type CharVocabJSON } from '../data/vocab.ts';
import { WordVocab, type WordVocabJSON } from '../data/words.ts';
import { DataError, describe, ValueError } from '../errors.ts';
import type { LoadOptions } from '../io/load-options.ts';
import type { SaveOptions } from '../io/weight-dtype.ts';
import type { ModelConfig } from '../model/sequence-config.ts';
import { SequenceModel } from '../model/sequence-model.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { Trainer } from '../train/trainer.ts';
import { knownKeys, nonNegativeInt, optionsObject, positiveInt } from '../validate.ts';
import { type GenerationOptions, generateIds } from './text-data.ts';
import { type EvaluationState, textLoss } from './text-eval.ts';
import { runTextFit, type TextFitSummary } from './text-fit.ts';
import { FIT_KEYS, type TextFitOptions, textFitPlan } from './text-fit-options.ts';
import { textSource } from './text-sources.ts';
import { checkTextual } from './textual.ts';
import { loadTask, NETWORK_KEYS, type NetworkOptions, recurrentSpec, saveTask } from './training.ts';

export type { ValidationEvent } from './text-fit.ts';
export type { TextFitOptions, TextTraining } from './text-fit-options.ts';
export type { TextFitSummary };

export type TextLevel = 'char' | 'word';
type Vocab = CharVocab | WordVocab;

export interface TextModelOptions extends NetworkOptions {
  /** Default 'char'. */
  level?: TextLevel;
  /** Ids through a learned embedding of this size; default: one-hot inputs (char-rnn's choice). */
  embeddingDim?: number;
}

export interface TextEvaluation {
  /** Mean cross-entropy per token, in nats. */
  loss: number;
  bitsPerCharacter: number;
  perplexity: number;
  tokens: number;
}

export interface TextEvaluateOptions {
  /** Window length (default 64). */
  seqLength?: number;
  /** Parallel streams ('carried') or windows per batch ('fresh'); default 32. */
  batchSize?: number;
  /**
   * 'carried' (default): the text cut into `batchSize` contiguous streams (fewer when a stream would be shorter
   * than a window), read window after window with the state carried — as char-rnn and PyTorch report held-out
   * loss. 'fresh': every window from a zero state, as `training: 'stateless'` trains.
   */
  state?: EvaluationState;
}

const TASK = 'text';
const MODEL_KEYS = ['level', 'embeddingDim', ...NETWORK_KEYS];
const VALID_SHARE = 0.05;

export class TextModel {
  readonly rt: Runtime;
  readonly vocab: Vocab;
  readonly level: TextLevel;
  readonly model: SequenceModel;
  /** Steps trained over every fit call (and before saving). */
  stepsTrained = 0;
  #trainer: Trainer | undefined;
  #stepper: ReturnType<SequenceModel['rnn']['stepper']> | undefined;

  /** A fresh model whose vocabulary is the characters (or words) of `text`. */
  constructor(rt: Runtime, text: string | Vocab, options: TextModelOptions = {}, model?: SequenceModel) {
    optionsObject('TextModel options', options, false, MODEL_KEYS);
    this.rt = rt;
    this.level = options.level ?? (text instanceof WordVocab ? 'word' : 'char');
    if (this.level !== 'char' && this.level !== 'word') {
      throw new ValueError(`level must be 'char' or 'word' but got ${describe(this.level)}`);
    }
    if (typeof text === 'string') checkText('text', text);
    this.vocab =
      typeof text !== 'string'
        ? text
        : this.level === 'char'
          ? CharVocab.fromText(text)
          : WordVocab.fromText(text);
    const V = this.vocab.size;
    this.model =
      model ??
      new SequenceModel(rt, {
        input: options.embeddingDim
          ? { embedding: { vocabSize: V, dim: options.embeddingDim } }
          : { tokens: V },
        recurrent: recurrentSpec(options, 128),
        pooling: 'none',
        head: { outputSize: V },
        seed: options.seed ?? 0,
      });
  }

  /** A new model fitted on `text` (Keras's model.fit on a string). */
  static async fit(
    rt: Runtime,
    text: string,
    options: TextModelOptions & TextFitOptions = {},
  ): Promise<{ model: TextModel; summary: TextFitSummary }> {
    const o = optionsObject('TextModel.fit options', options, false, [...MODEL_KEYS, ...FIT_KEYS]);
    const pick = (keys: readonly string[]) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
    const model = new TextModel(rt, text, pick(MODEL_KEYS));
    try {
      return { model, summary: await model.fit(text, pick(FIT_KEYS)) };
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /**
   * Trains on `text` the way char-rnn does (default `training: 'stateful'`): `batchSize` contiguous streams read
   * in windows of `seqLength`, the state carried from window to window and reset each pass; the held-out end of
   * the text is checked every `validateEvery` steps (else each pass) and after the last step, and the best
   * check's weights are kept. `onProgress` may call generate() to watch samples improve.
   */
  async fit(text: string, options: TextFitOptions = {}): Promise<TextFitSummary> {
    const plan = textFitPlan(options);
    checkText('text', text);
    const T = plan.seqLength;
    const { train, held } = this.#split(text, options.validation, T);
    if (held === undefined && (plan.validateEvery !== undefined || plan.patience !== undefined)) {
      throw new ValueError(
        `${plan.validateEvery !== undefined ? 'validateEvery' : 'patience'} needs held-out text but the text's ` +
          `end is too short to hold out (${text.length} characters); give a validation text`,
      );
    }
    const ids = this.#encode('text', train);
    const heldIds = held === undefined ? undefined : this.#encode('validation', held);
    this.#trainer ??= new Trainer(this.model, {
      loss: 'cross_entropy',
      optimizer: { kind: 'adam', lr: options.lr ?? 2e-3 },
      clip: { norm: options.clip ?? 5 },
    });
    const source = textSource(this.#trainer, ids, heldIds, plan);
    const steps = plan.steps ?? source.perPass * plan.epochs;
    const before = this.#trainer.steps;
    try {
      return await runTextFit(this.#trainer, {
        ...source,
        batchSize: plan.batchSize,
        tokensPerStep: T * plan.batchSize,
        steps,
        validateEvery: plan.validateEvery,
        patience: plan.patience,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.onValidation ? { onValidation: options.onValidation } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      this.stepsTrained += this.#trainer.steps - before;
    }
  }

  /** `prompt` followed by `length` sampled characters (words); the same seed gives the same text. */
  generate(prompt: string, options: GenerationOptions = {}): string {
    if (typeof prompt !== 'string')
      throw new ValueError(`prompt must be a string but got ${describe(prompt)}`);
    optionsObject('generate options', options, false, ['temperature', 'topK', 'topP', 'length', 'seed']);
    checkSampling(options);
    const ids = this.#promptIds(prompt);
    const stepper = this.#streaming();
    stepper.reset();
    const x = new Int32Array(1);
    const H = this.model.config.recurrent.hiddenSize;
    const logits = (id: number) => {
      x[0] = id;
      return this.model.head.forward({ data: stepper.step(x), shape: [1, H] }).data;
    };
    const drawn = this.vocab.decode(generateIds(logits, ids.length > 0 ? ids : this.#startId(), options));
    if (this.level === 'char') return prompt + drawn;
    return prompt.length > 0 ? `${prompt} ${drawn}` : drawn;
  }

  /** Loss on `text` in nats, bits per character and perplexity (text outside the vocabulary is an error). */
  evaluate(text: string, options: TextEvaluateOptions = {}): TextEvaluation {
    optionsObject('evaluate options', options, false, ['seqLength', 'batchSize', 'state']);
    const state = options.state ?? 'carried';
    if (state !== 'carried' && state !== 'fresh')
      throw new ValueError(`state must be 'carried' or 'fresh' but got ${describe(state)}`);
    checkText('text', text);
    const ids = this.#encode('text', text);
    if (ids.length < 2)
      throw new DataError('text has 1 token; it needs 2 or more (one to read, one to predict)');
    const T = Math.min(positiveInt('seqLength', options.seqLength ?? 64), ids.length - 1);
    const { loss, tokens } = textLoss(this.model, ids, T, options.batchSize ?? 32, state);
    return { loss, bitsPerCharacter: bitsPerCharacter(loss), perplexity: perplexity(loss), tokens };
  }

  /** The model as one file; `{ dtype: 'f16' | 'bf16' | 'int8' }` stores its weights smaller (saveModel). */
  save(options?: SaveOptions): Uint8Array {
    return saveTask(
      this.model,
      TASK,
      {
        level: this.level,
        vocab: this.vocab.toJSON() as unknown as Record<string, unknown>,
        stepsTrained: this.stepsTrained,
      },
      options,
    );
  }

  /** A text model from a file written by save(); the whole file is checked before anything is built. */
  static load(rt: Runtime, bytes: Uint8Array | ArrayBuffer, options?: LoadOptions): TextModel {
    const { model, task } = loadTask(rt, bytes, TASK, 'a text model', readTextFile, options);
    try {
      const m = new TextModel(rt, task.vocab, { level: task.level }, model);
      m.stepsTrained = task.stepsTrained;
      return m;
    } catch (cause) {
      model.dispose();
      throw cause;
    }
  }

  dispose(): void {
    this.#stepper?.dispose();
    this.#trainer?.dispose();
    this.model.dispose();
  }

  #streaming() {
    this.#stepper ??= this.model.rnn.stepper({ batchSize: 1 });
    return this.#stepper;
  }

  #split(text: string, validation: number | string | undefined, T: number): { train: string; held?: string } {
    if (typeof validation === 'string') return { train: text, held: checkText('validation', validation) };
    const share = validation ?? VALID_SHARE;
    if (typeof share !== 'number' || !(share >= 0 && share < 1)) {
      throw new ValueError(`validation must be a share in [0, 1) or a text but got ${describe(share)}`);
    }
    const cut = Math.floor(text.length * (1 - share));
    // A held-out part shorter than a few windows gives a noisy number; train on everything instead.
    if (share === 0 || text.length - cut < 4 * (T + 1)) return { train: text };
    return { train: text.slice(0, cut), held: text.slice(cut) };
  }

  #encode(name: string, text: string): Int32Array {
    try {
      return this.vocab.encode(text);
    } catch (error) {
      if (error instanceof DataError) throw new DataError(`${name}: ${error.message}`);
      throw error;
    }
  }

  /** The prompt's ids, or a clear error naming the first character this model has never seen. */
  #promptIds(prompt: string): Int32Array {
    if (this.vocab instanceof WordVocab) return this.vocab.encode(prompt);
    const known = new Set(this.vocab.chars);
    let i = 0;
    for (const ch of prompt) {
      if (!known.has(ch) && this.vocab.unknown === undefined) {
        const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        throw new DataError(
          `prompt: character ${JSON.stringify(ch)} (U+${hex}) at index ${i} is not one of the ${this.vocab.size} ` +
            `characters this model was trained on; remove or replace it`,
        );
      }
      i += ch.length;
    }
    return this.vocab.encode(prompt);
  }

  /** Without a prompt, start as a new paragraph would (after a newline) when the vocabulary has one. */
  #startId(): Int32Array {
    if (this.vocab instanceof CharVocab) return Int32Array.of(Math.max(0, this.vocab.chars.indexOf('\n')));
    return Int32Array.of(0);
  }
}

/**
 * A text model file's own part, checked against its network: what save() writes and nothing else, a vocabulary
 * fit could have built (unique entries, one per output), and the network fit builds around it (ids in, one
 * output per token at every step, left to right).
 */
function readTextFile(
  extra: Record<string, unknown>,
  c: ModelConfig,
): { level: TextLevel; vocab: Vocab; stepsTrained: number } {
  knownKeys('text model file', extra, ['task', 'level', 'vocab', 'stepsTrained']);
  const level = extra.level;
  if (level !== 'char' && level !== 'word')
    throw new ValueError(`level must be 'char' or 'word' but is ${describe(level)}`);
  // save() writes a word vocabulary's `lower`; without it the file would load as lower: false unannounced.
  const lower = (extra.vocab as { lower?: unknown } | null)?.lower;
  if (level === 'word' && typeof lower !== 'boolean')
    throw new ValueError(`a word vocabulary's lower must be true or false but is ${describe(lower)}`);
  const vocab =
    level === 'word'
      ? WordVocab.fromJSON(extra.vocab as WordVocabJSON)
      : CharVocab.fromJSON(extra.vocab as CharVocabJSON);
  const V = vocab.size;
  if (c.input.kind !== 'tokens' && c.input.kind !== 'embedding')
    throw new ValueError(`a text model reads token ids but its input is ${c.input.kind}`);
  if (c.input.size !== V || c.head.outputSize !== V) {
    throw new ValueError(
      `the vocabulary has ${V} entries but the model reads ${c.input.size} ids and outputs ${c.head.outputSize}`,
    );
  }
  if (c.pooling !== 'none' || c.recurrent.bidirectional)
    throw new ValueError(
      'a text model predicts every next token left to right (pooling none, one direction)',
    );
  const steps = nonNegativeInt('stepsTrained', extra.stepsTrained ?? 0);
  return { level, vocab, stepsTrained: steps };
}

function checkText(name: string, text: unknown): string {
  if (typeof text !== 'string') throw new ValueError(`${name} must be a string but got ${describe(text)}`);
  if (text.length === 0) throw new DataError(`${name} is empty; give a text to learn from`);
  return checkTextual(name, text);
}
