// The training worker: owns the runtime and the model, runs fit, and streams progress, samples and the forecast
// back to the page. fit yields to the event loop between steps, so a 'stop' message is seen within one step.

import {
  Forecaster,
  init,
  interpolateMissing,
  type Runtime,
  readNumericCsv,
  TextModel,
  ValueError,
  type WalkForwardResult,
} from 'wasm-rnn';
import co2Csv from '../../data/co2-maunaloa-weekly.csv?raw';
import type { ForecastJob, FromWorker, TextJob, ToWorker } from './protocol.ts';

const send = (m: FromWorker) => postMessage(m);
let runtime: Runtime | undefined;
let abort: AbortController | undefined;

const ready = init().then((rt) => {
  runtime = rt;
  send({ type: 'ready', backend: rt.backend });
  return rt;
});
ready.catch((e: unknown) => send({ type: 'error', message: `Loading the kernels failed: ${String(e)}` }));

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const job = event.data;
  if (job.type === 'stop') {
    abort?.abort();
    return;
  }
  abort = new AbortController();
  const started = performance.now();
  const run = job.type === 'train-text' ? trainText(job, abort.signal) : trainForecast(job, abort.signal);
  run.then(
    () =>
      send({
        type: 'done',
        stopped: abort?.signal.aborted ?? false,
        seconds: (performance.now() - started) / 1000,
      }),
    (e: unknown) =>
      send({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
});

/** Progress at most every 100 ms: enough for a smooth chart without flooding the page. */
function progressSender() {
  let last = 0;
  return (p: { step: number; totalSteps: number; loss: number; tokensPerSecond: number }) => {
    const now = performance.now();
    if (now - last < 100 && p.step !== p.totalSteps) return;
    last = now;
    send({
      type: 'progress',
      step: p.step,
      total: p.totalSteps,
      loss: p.loss,
      tokensPerSecond: p.tokensPerSecond,
    });
  };
}

async function trainText(job: TextJob, signal: AbortSignal): Promise<void> {
  const rt = runtime ?? (await ready);
  const model = new TextModel(rt, job.text, { hiddenSize: 128, seed: 1 });
  const every = Math.max(25, Math.round(job.steps / 6));
  const progress = progressSender();
  const sample = (step: number) =>
    send({
      type: 'sample',
      step,
      text: model.generate(job.prompt, { length: 300, temperature: job.temperature, seed: step }),
    });
  await model.fit(job.text, {
    steps: job.steps,
    seqLength: 48,
    batchSize: 16,
    signal,
    onProgress: (p) => {
      progress(p);
      if (p.step % every === 0 || p.step === p.totalSteps) sample(p.step);
    },
  });
  if (signal.aborted) sample(model.stepsTrained);
}

async function trainForecast(job: ForecastJob, signal: AbortSignal): Promise<void> {
  const rt = runtime ?? (await ready);
  const co2 = readNumericCsv(co2Csv, { column: 'co2' });
  const forecaster = await Forecaster.fit(co2.values, {
    runtime: rt,
    season: 52,
    lookback: 104,
    horizon: 52,
    steps: job.steps,
    seed: 1,
    signal,
    // The last 20 % stay out of fitting, to be forecast and scored (the library's default fits on every row).
    split: { train: 0.7, validation: 0.1, test: 0.2 },
    onProgress: progressSender(),
  });
  const evaluation = forecaster.evaluate();
  const filled = interpolateMissing(co2.values).values;
  const band = interval80(forecaster, co2.values, evaluation);
  send({
    type: 'forecast',
    series: [...filled],
    testStart: evaluation.origins[0],
    forecast: [...evaluation.forecasts.model],
    lower: [...band.lower],
    upper: [...band.upper],
    baseline: [...evaluation.forecasts.seasonalNaive],
    method: forecaster.method,
    mae: evaluation.scores.model.mae,
    baselineMae: evaluation.scores.seasonalNaive.mae,
    horizon: evaluation.horizon,
  });
  forecaster.dispose();
}

/**
 * The 80 % interval around each walk-forward forecast: asked of the forecaster from the rows before each
 * origin, and placed around the evaluated forecast by its distance from that forecast's own mean (the two
 * differ only where a missing week near the origin was filled from later weeks). Empty without intervals.
 */
function interval80(
  forecaster: Forecaster,
  values: Float32Array,
  evaluation: WalkForwardResult,
): { lower: Float32Array; upper: Float32Array } {
  const H = evaluation.horizon;
  const model = evaluation.forecasts.model;
  const lower = new Float32Array(model.length);
  const upper = new Float32Array(model.length);
  try {
    evaluation.origins.forEach((o, i) => {
      const f = forecaster.forecastFrom(values.subarray(0, o), H, { level: [80] });
      const [{ lower: lo, upper: hi }] = f.intervals;
      for (let h = 0; h < H; h++) {
        lower[i * H + h] = model[i * H + h] - (f.mean[h] - lo[h]);
        upper[i * H + h] = model[i * H + h] + (hi[h] - f.mean[h]);
      }
    });
  } catch (error) {
    // The library's answer for a forecaster without intervals: draw the forecast alone.
    if (error instanceof ValueError) return { lower: new Float32Array(0), upper: new Float32Array(0) };
    throw error;
  }
  return { lower, upper };
}
