// The training worker: owns the runtime and the trained models (one per tab), runs each job, and streams
// progress and results back to the page. fit yields to the event loop between steps, so a 'stop' message is seen
// within one step.

import {
  type Forecaster,
  init,
  type Runtime,
  type Seq2Seq,
  type SequenceClassifier,
  saveModel as saveSeq2Seq,
  type TextModel,
  ValueError,
} from 'wasm-rnn';
import { dateSourceIds, readDate } from './date-attention.ts';
import { DATE_SOURCE_VOCAB, trainDates } from './dates-job.ts';
import { trainForecast } from './forecast-job.ts';
import type { FromWorker, Task, ToWorker } from './protocol.ts';
import { positiveProbabilities, trainSentiment } from './sentiment-job.ts';
import { trainText } from './text-job.ts';

const send = (m: FromWorker) => postMessage(m);
const trained: { text?: TextModel; forecast?: Forecaster; sentiment?: SequenceClassifier; dates?: Seq2Seq } =
  {};
let runtime: Runtime | undefined;
let abort: AbortController | undefined;

const ready = init().then((rt) => {
  runtime = rt;
  send({ type: 'ready', backend: rt.backend });
  return rt;
});
ready.catch((e: unknown) => send({ type: 'error', message: `Loading the kernels failed: ${String(e)}` }));

const fail = (e: unknown) =>
  send({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });

self.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  const job = event.data;
  try {
    if (job.type === 'stop') abort?.abort();
    else if (job.type === 'save') saveModel(job.task);
    else if (job.type === 'score') scoreReview(job.review);
    else if (job.type === 'decode') decodeDate(job.text);
    else void train(job).catch(fail);
  } catch (e) {
    fail(e);
  }
});

async function train(job: Exclude<ToWorker, { type: 'stop' | 'save' | 'score' | 'decode' }>): Promise<void> {
  const rt = runtime ?? (await ready);
  abort = new AbortController();
  const { signal } = abort;
  const started = performance.now();
  const task = JOB_TASKS[job.type];
  trained[task]?.dispose();
  trained[task] = undefined;
  if (job.type === 'train-text') trained.text = await trainText(rt, job, signal, send);
  else if (job.type === 'train-forecast') trained.forecast = await trainForecast(rt, job, signal, send);
  else if (job.type === 'train-dates') trained.dates = await trainDates(rt, job, signal, send);
  else trained.sentiment = await trainSentiment(rt, job, signal, send);
  send({ type: 'done', task, stopped: signal.aborted, seconds: (performance.now() - started) / 1000 });
}

const JOB_TASKS: Record<Exclude<ToWorker, { type: 'stop' | 'save' | 'score' | 'decode' }>['type'], Task> = {
  'train-text': 'text',
  'train-forecast': 'forecast',
  'train-sentiment': 'sentiment',
  'train-dates': 'dates',
};

/** The file the library's save() writes (saveModel for the dates Seq2Seq), handed over without a copy. */
function saveModel(task: Task): void {
  const model = trained[task];
  if (!model) throw new Error(`there is no trained ${task} model yet; press Train first`);
  const bytes =
    task === 'dates' ? saveSeq2Seq(model as Seq2Seq) : (model as Exclude<typeof model, Seq2Seq>).save();
  postMessage({ type: 'model', task, bytes } satisfies FromWorker, { transfer: [bytes.buffer] });
}

function scoreReview(review: string): void {
  const classifier = trained.sentiment;
  if (!classifier) throw new Error('there is no trained classifier yet; press Train first');
  const [positive] = positiveProbabilities(classifier, [review]);
  send({ type: 'score', review, positive });
}

/** A typed date read by the trained dates model; a date the model cannot read comes back with the reason. */
function decodeDate(typed: string): void {
  const model = trained.dates;
  if (!model) throw new Error('there is no trained dates model yet; press Train first');
  try {
    const { text, ids } = dateSourceIds(typed, DATE_SOURCE_VOCAB);
    send({ type: 'decoded', typed, date: readDate(model, text, ids) });
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    send({ type: 'decoded', typed, problem: e.message });
  }
}
