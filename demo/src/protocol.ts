// Messages between the page and the training worker. The page only draws; every model call runs in the worker,
// so a long training step never blocks the page's event loop.

export type Task = 'text' | 'forecast' | 'sentiment';

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

export type ToWorker =
  | TextJob
  | ForecastJob
  | SentimentJob
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

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; total: number; loss: number; tokensPerSecond: number }
  /** A sample from the prompt, seeded by `step`; `final` when it comes from the model fit returned. */
  | { type: 'sample'; step: number; final: boolean; prompt: string; text: string }
  | ForecastResult
  | SentimentResult
  | { type: 'score'; review: string; positive: number }
  | { type: 'model'; task: Task; bytes: Uint8Array }
  | { type: 'done'; task: Task; stopped: boolean; seconds: number }
  | { type: 'error'; message: string };
