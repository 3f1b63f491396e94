// The page: reads the controls, hands the job to the worker, and draws what comes back. `window.__demo` mirrors
// the state so the browser test can check what a person would look at.

import shakespeare from '../../data/tinyshakespeare.txt?raw';
import { plot } from './plot.ts';
import type { ForecastResult, FromWorker, ToWorker } from './protocol.ts';

interface DemoState {
  state: 'loading' | 'idle' | 'training' | 'done' | 'error';
  backend: string;
  losses: number[];
  samples: string[];
  forecast?: ForecastResult;
  error?: string;
  pings: number;
}

const state: DemoState = { state: 'loading', backend: '', losses: [], samples: [], pings: 0 };
(window as unknown as { __demo: DemoState }).__demo = state;

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const task = $<HTMLSelectElement>('task');
const text = $<HTMLTextAreaElement>('text');
const status = $('status');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');

// About 100 kB of Shakespeare: enough to learn words and speakers' names in a few hundred steps.
text.value = shakespeare.slice(0, 100_000);

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const post = (m: ToWorker) => worker.postMessage(m);

task.addEventListener('change', () => {
  const forecast = task.value === 'forecast';
  $('text-options').hidden = forecast;
  $('text-panel').hidden = forecast;
  $('forecast-options').hidden = !forecast;
  $('forecast-panel').hidden = !forecast;
  $<HTMLInputElement>('steps').value = forecast ? '400' : '300';
});

trainButton.addEventListener('click', () => {
  state.losses = [];
  state.samples = [];
  state.forecast = undefined;
  state.error = undefined;
  $('sample').textContent = '';
  const steps = Number($<HTMLInputElement>('steps').value);
  if (task.value === 'forecast') post({ type: 'train-forecast', steps });
  else {
    post({
      type: 'train-text',
      text: text.value,
      steps,
      prompt: $<HTMLInputElement>('prompt').value,
      temperature: Number($<HTMLInputElement>('temperature').value),
    });
  }
  setTraining(true);
  status.textContent = 'Training…';
});

stopButton.addEventListener('click', () => post({ type: 'stop' }));

// The ping is answered by the main thread alone: if training ran here, the answer would wait for it.
$('ping').addEventListener('click', () => {
  state.pings++;
  $('pong').textContent = `pong ${state.pings} at ${new Date().toLocaleTimeString()}`;
});

function setTraining(on: boolean): void {
  state.state = on ? 'training' : state.state;
  trainButton.disabled = on;
  stopButton.disabled = !on;
  task.disabled = on;
}

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      state.backend = m.backend;
      state.state = 'idle';
      status.textContent = `Ready: kernels on ${m.backend}.`;
      break;
    case 'progress':
      state.losses.push(m.loss);
      $('loss-value').textContent =
        `step ${m.step}/${m.total} · loss ${m.loss.toFixed(3)} · ${Math.round(m.tokensPerSecond).toLocaleString()} tokens/s`;
      plot($<HTMLCanvasElement>('loss-chart'), [{ values: state.losses, color: '#2563eb', label: 'loss' }], {
        logY: true,
      });
      break;
    case 'sample':
      state.samples.push(m.text);
      $('sample-step').textContent = `after ${m.step} steps`;
      $('sample').textContent = m.text;
      break;
    case 'forecast':
      state.forecast = m;
      drawForecast(m);
      break;
    case 'done':
      state.state = 'done';
      setTraining(false);
      status.textContent = `${m.stopped ? 'Stopped' : 'Done'} after ${m.seconds.toFixed(1)} s on ${state.backend}.`;
      break;
    case 'error':
      state.state = 'error';
      state.error = m.message;
      setTraining(false);
      status.textContent = m.message;
      break;
  }
});

worker.addEventListener('error', (e) => {
  state.state = 'error';
  state.error = e.message;
  status.textContent = `The worker failed: ${e.message}`;
});

function drawForecast(m: ForecastResult): void {
  // Show the last few years of history and the whole test span.
  const from = Math.max(0, m.testStart - 260);
  const history = m.series.slice(from);
  const offset = m.testStart - from;
  const band =
    m.lower.length > 0
      ? [
          {
            lower: m.lower,
            upper: m.upper,
            color: 'rgba(22, 163, 74, 0.25)',
            label: '80 % interval',
            start: offset,
          },
        ]
      : [];
  plot(
    $<HTMLCanvasElement>('forecast-chart'),
    [
      { values: history, color: '#9ca3af', label: 'truth' },
      { values: m.baseline, color: '#f59e0b', label: 'seasonal naive', start: offset },
      { values: m.forecast, color: '#16a34a', label: 'forecast', start: offset, width: 2 },
    ],
    { marker: { x: offset, label: 'test split' }, bands: band },
  );
  $('forecast-score').textContent =
    `MAE ${m.mae.toFixed(2)} ppm vs seasonal naive ${m.baselineMae.toFixed(2)} ppm (${m.horizon}-week horizon) · ${m.method}`;
}
