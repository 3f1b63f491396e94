/// <reference types="vite/client" />
// The page: tabs, the controls of each, the worker that trains, and what comes back. `window.__demo` mirrors the
// state so the browser test can check what a person would look at.

import shakespeare from '../../data/tinyshakespeare.txt?raw';
import { type AxesShown, axesShown, forecastChart, lossChart } from './charts.ts';
import { MODEL_FILES, saveFile } from './download.ts';
import { drawHeatMap } from './heatmap.ts';
import { promptProblem } from './prompt-check.ts';
import type { DecodedDate, ForecastResult, FromWorker, SentimentResult, Task, ToWorker } from './protocol.ts';
import { reviewSets } from './review-split.ts';
import { reviewWords } from './review-tokens.ts';
import { showHeldOut, showSample, showScore } from './views.ts';

interface DemoState {
  state: 'loading' | 'idle' | 'training' | 'done' | 'error';
  task: Task;
  backend: string;
  steps: number[];
  losses: number[];
  samples: string[];
  forecast?: ForecastResult;
  sentiment?: SentimentResult;
  score?: { review: string; positive: number };
  /** The dates model's held-out exact match at each report, and the example it last read. */
  dates?: { step: number[]; exactMatch: number[]; heldOut: number; example?: DecodedDate };
  /** The last typed date read, or why it could not be. */
  decoded?: { typed: string; date?: DecodedDate; problem?: string };
  /** Tasks with a trained model to download. */
  trained: Task[];
  /** What each chart's axes say. */
  axes: { loss?: AxesShown; forecast?: AxesShown };
  /** A message shown instead of training (the prompt check). */
  refused?: string;
  error?: string;
  pings: number;
}

const state: DemoState = {
  state: 'loading',
  task: 'text',
  backend: '',
  steps: [],
  losses: [],
  samples: [],
  trained: [],
  axes: {},
  pings: 0,
};
(window as unknown as { __demo: DemoState }).__demo = state;

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const text = $<HTMLTextAreaElement>('text');
const prompt = $<HTMLInputElement>('prompt');
const steps = $<HTMLInputElement>('steps');
const status = $('status');
const promptCheck = $('prompt-check');
const buttons = {
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  download: $<HTMLButtonElement>('download'),
  score: $<HTMLButtonElement>('score'),
  decode: $<HTMLButtonElement>('decode'),
};
const heatMap = $<HTMLCanvasElement>('heat-map');
const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role=tab]'));
const loss = lossChart($('loss-chart'));
const drawLoss = loss.draw;
state.axes.loss = axesShown(loss.chart);

// About 100 kB of Shakespeare: enough to learn words and speakers' names in a few hundred steps.
text.value = shakespeare.slice(0, 100_000);
$('review-count').textContent = String(reviewSets().train.length + reviewSets().heldOut.length);
const DEFAULT_STEPS: Record<Task, string> = { text: '300', forecast: '400', sentiment: '100', dates: '250' };

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const post = (m: ToWorker) => worker.postMessage(m);

for (const tab of tabs) tab.addEventListener('click', () => selectTab(tab.dataset.task as Task));
// The tab list's keys (WAI-ARIA tabs pattern): left and right move between tabs.
$('tab-text').parentElement!.addEventListener('keydown', (e) => {
  const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  const at = tabs.findIndex((t) => t.dataset.task === state.task);
  if (step === 0 || state.state === 'training') return;
  const next = tabs[(at + step + tabs.length) % tabs.length];
  selectTab(next.dataset.task as Task);
  next.focus();
});

function selectTab(task: Task): void {
  if (state.state === 'training') return;
  state.task = task;
  for (const tab of tabs) tab.setAttribute('aria-selected', String(tab.dataset.task === task));
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-for]')))
    el.hidden = el.dataset.for !== task;
  steps.value = DEFAULT_STEPS[task];
  buttons.download.disabled = !state.trained.includes(task);
  clearLoss();
}

function clearLoss(): void {
  state.steps = [];
  state.losses = [];
  drawLoss([], []);
  $('loss-value').textContent = '';
}

/** The prompt check, shown as the user types and enforced before training. */
function checkPrompt(): string | undefined {
  const problem = promptProblem(prompt.value, text.value);
  promptCheck.hidden = problem === undefined;
  promptCheck.textContent = problem ?? '';
  return problem;
}
prompt.addEventListener('input', checkPrompt);
text.addEventListener('change', checkPrompt);

buttons.train.addEventListener('click', () => {
  state.refused = checkPrompt();
  if (state.task === 'text' && state.refused) {
    status.textContent = 'Not training: fix the prompt first (see above).';
    prompt.focus();
    return;
  }
  state.refused = undefined;
  clearLoss();
  Object.assign(state, { samples: [], forecast: undefined, sentiment: undefined, error: undefined });
  if (state.task === 'dates') Object.assign(state, { dates: undefined, decoded: undefined });
  $('sample').textContent = '';
  const n = Number(steps.value);
  if (state.task === 'forecast') post({ type: 'train-forecast', steps: n });
  else if (state.task === 'sentiment') post({ type: 'train-sentiment', steps: n });
  else if (state.task === 'dates') post({ type: 'train-dates', steps: n });
  else {
    const temperature = Number($<HTMLInputElement>('temperature').value);
    post({ type: 'train-text', text: text.value, steps: n, prompt: prompt.value, temperature });
  }
  setTraining(true);
  status.textContent = 'Training…';
});

buttons.stop.addEventListener('click', () => post({ type: 'stop' }));
buttons.download.addEventListener('click', () => post({ type: 'save', task: state.task }));
buttons.score.addEventListener('click', () => {
  const review = $<HTMLTextAreaElement>('review').value;
  if (reviewWords(review).length > 0) post({ type: 'score', review });
  else $('review-score').textContent = 'Type a review first: there are no words to score.';
});

buttons.decode.addEventListener('click', () =>
  post({ type: 'decode', text: $<HTMLInputElement>('date').value }),
);
$('date').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !buttons.decode.disabled) buttons.decode.click();
});

/** The heat map of a read date; its weights also go on the canvas's data-weights for the page's test. */
let shownAttention: DecodedDate | undefined;
function showAttention(date: DecodedDate, caption: string): void {
  shownAttention = date;
  drawHeatMap(heatMap, date);
  heatMap.dataset.weights = JSON.stringify(date.weights);
  heatMap.setAttribute('aria-label', `attention heat map of "${date.text}" read as ${date.iso}`);
  // The ISO date never breaks across lines (a phone would split it at its dashes).
  const iso = Object.assign(document.createElement('b'), {
    className: 'iso',
    textContent: date.iso || '(nothing)',
  });
  $('decoded').replaceChildren(`${caption}: "${date.text}" → `, iso);
}

// The cells follow the box's width (a phone turned, a window resized); a hidden tab has no width to follow.
new ResizeObserver(() => {
  if (shownAttention && heatMap.parentElement!.clientWidth > 0) drawHeatMap(heatMap, shownAttention);
}).observe(heatMap.parentElement!);

// The ping is answered by the main thread alone: if training ran here, the answer would wait for it.
$('ping').addEventListener('click', () => {
  state.pings++;
  $('pong').textContent = `pong ${state.pings} at ${new Date().toLocaleTimeString()}`;
});

function setTraining(on: boolean): void {
  if (on) state.state = 'training';
  buttons.train.disabled = on;
  buttons.stop.disabled = !on;
  buttons.download.disabled = on || !state.trained.includes(state.task);
  for (const tab of tabs) tab.disabled = on;
  buttons.decode.disabled = on || !state.trained.includes('dates');
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
      state.steps.push(m.step);
      state.losses.push(m.loss);
      $('loss-value').textContent =
        `step ${m.step}/${m.total} · loss ${m.loss.toFixed(3)} · ${Math.round(m.tokensPerSecond).toLocaleString()} tokens/s`;
      drawLoss(state.steps, state.losses);
      break;
    case 'sample':
      state.samples.push(m.text);
      $('sample-step').textContent = m.final
        ? `trained model, ${m.step} steps (best validation loss kept; seed ${m.step})`
        : `after ${m.step} steps (seed ${m.step})`;
      showSample($('sample'), m.prompt, m.text);
      break;
    case 'forecast':
      state.forecast = m;
      state.axes.forecast = axesShown(forecastChart($('forecast-chart'), m));
      $('forecast-score').textContent =
        `MAE ${m.mae.toFixed(2)} ppm vs seasonal naive ${m.baselineMae.toFixed(2)} ppm (${m.horizon}-week horizon) · ${m.method}`;
      break;
    case 'sentiment':
      state.sentiment = m;
      $('sentiment-score').textContent =
        `accuracy ${(100 * m.accuracy).toFixed(1)} % on ${m.heldOut.length} reviews the model never saw`;
      showHeldOut($('held-out'), m.heldOut);
      break;
    case 'score':
      state.score = { review: m.review, positive: m.positive };
      showScore($('review-score'), m.positive);
      break;
    case 'dates': {
      const d = state.dates ?? { step: [], exactMatch: [], heldOut: m.heldOut };
      d.step.push(m.step);
      d.exactMatch.push(m.exactMatch);
      d.example = m.example;
      state.dates = d;
      $('dates-score').textContent =
        `exact match ${(100 * m.exactMatch).toFixed(1)} % on ${m.heldOut} held-out dates (step ${m.step})`;
      showAttention(m.example, `step ${m.step}`);
      break;
    }
    case 'decoded':
      state.decoded = m;
      // A refused date is said apart from the heat map, which keeps showing the last date read.
      $('date-problem').hidden = m.problem === undefined;
      $('date-problem').textContent = m.problem ?? '';
      if (m.date) showAttention(m.date, 'read');
      break;
    case 'model':
      saveFile(m.bytes as Uint8Array<ArrayBuffer>, MODEL_FILES[m.task]);
      break;
    case 'done':
      state.state = 'done';
      if (!state.trained.includes(m.task)) state.trained.push(m.task);
      setTraining(false);
      buttons.score.disabled = !state.trained.includes('sentiment');
      buttons.decode.disabled = !state.trained.includes('dates');
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
