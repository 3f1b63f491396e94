// Messages between the page and the training worker. The page only draws; every model call runs in the worker,
// so a long training step never blocks the page's event loop.

export type Task = 'text' | 'forecast' | 'sentiment' | 'dates';

export interface TextJob {
  type: 'train-text';
  text: string;
  steps: number;
  prompt: string;
  temperature: number;
}

export interface ForecastJob {
  type: 'train-forecast';
  steps: number;
}

export interface SentimentJob {
  type: 'train-sentiment';
  steps: number;
}

export interface DatesJob {
  type: 'train-dates';
  steps: number;
}

export type ToWorker =
  | TextJob
  | ForecastJob
  | SentimentJob
  | DatesJob
  /** Read one typed date with the trained dates model. */
  | { type: 'decode'; text: string }
  | { type: 'stop' }
  /** Score one review with the trained classifier. */
  | { type: 'score'; review: string }
  /** Send back the trained model of a task as a file. */
  | { type: 'save'; task: Task };

export interface ForecastResult {
  type: 'forecast';
  /** The whole filled series, the CSV's date of each row (ms since 1970, UTC), and where the test split starts. */
  series: number[];
  dates: number[];
  testStart: number;
  /** Walk-forward forecasts over the test rows, aligned with series[testStart...]. */
  forecast: number[];
  /** The 80 % prediction interval around each forecast (empty when the forecaster has none). */
  lower: number[];
  upper: number[];
  baseline: number[];
  /** What the forecaster chose, e.g. 'ets(A,A,N)+network'. */
  method: string;
  mae: number;
  baselineMae: number;
  horizon: number;
}

export interface SentimentResult {
  type: 'sentiment';
  /** Accuracy on the held-out reviews, and each one's probability of being positive. */
  accuracy: number;
  heldOut: { review: string; label: number; positive: number }[];
}

/** One date read by the dates model, with its attention: weights[target row][source column], each row sums to 1. */
export interface DecodedDate {
  text: string;
  iso: string;
  sourceLabels: string[];
  /** The ISO date's characters, then 'end' for the end-of-sequence step when the decoder reached it. */
  targetLabels: string[];
  weights: number[][];
}

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; total: number; loss: number; tokensPerSecond: number }
  /** A sample from the prompt, seeded by `step`; `final` when it comes from the model fit returned. */
  | { type: 'sample'; step: number; final: boolean; prompt: string; text: string }
  | ForecastResult
  | SentimentResult
  | { type: 'score'; review: string; positive: number }
  /** Exact match on held-out dates, and the fixed example read by the model as it is at `step`. */
  | { type: 'dates'; step: number; exactMatch: number; heldOut: number; example: DecodedDate }
  /** A typed date read by the trained model, or why it cannot be read. */
  | { type: 'decoded'; typed: string; date?: DecodedDate; problem?: string }
  | { type: 'model'; task: Task; bytes: Uint8Array }
  | { type: 'done'; task: Task; stopped: boolean; seconds: number }
  | { type: 'error'; message: string };
