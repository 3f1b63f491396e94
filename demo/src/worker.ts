// The training worker: owns the runtime and the model, runs fit, and streams progress, samples and the forecast
// back to the page. fit yields to the event loop between steps, so a 'stop' message is seen within one step.

import { Forecaster, init, interpolateMissing, type Runtime, readNumericCsv, TextModel } from 'wasm-rnn';
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
    onProgress: progressSender(),
  });
  const evaluation = forecaster.evaluate();
  const filled = interpolateMissing(co2.values).values;
  send({
    type: 'forecast',
    series: [...filled],
    testStart: evaluation.origins[0],
    forecast: [...evaluation.forecasts.model],
    baseline: [...evaluation.forecasts.seasonalNaive],
    mae: evaluation.scores.model.mae,
    baselineMae: evaluation.scores.seasonalNaive.mae,
    horizon: evaluation.horizon,
  });
}
