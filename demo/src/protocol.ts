// Messages between the page and the training worker. The page only draws; every model call runs in the worker,
// so a long training step never blocks the page's event loop.

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

export type ToWorker = TextJob | ForecastJob | { type: 'stop' };

export interface ForecastResult {
  type: 'forecast';
  /** The whole filled series, and where the test split starts in it. */
  series: number[];
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

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; step: number; total: number; loss: number; tokensPerSecond: number }
  | { type: 'sample'; step: number; text: string }
  | ForecastResult
  | { type: 'done'; stopped: boolean; seconds: number }
  | { type: 'error'; message: string };
