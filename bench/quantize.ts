// What small weights cost in quality (issue 18 item 5): the bundled tasks' models trained once, small and
// fast, then their weights saved as f32 / f16 / bf16 / int8 and loaded back, and each version scored on data
// it never trained on: the char-LM's held-out bits per character (the last 10 % of shakespeare-100k.txt) and
// the CO2 forecaster's MAE over the last five years (12-month forecasts from yearly origins). File sizes are
// the network's saveModel file in each dtype.
// Run: npm run bench:quantize [-- --json FILE --lm-steps N --co2-steps N]

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type CharVocab,
  Forecaster,
  init,
  loadModel,
  type SequenceModel,
  saveModel,
  TextModel,
} from 'wasm-rnn';
import type { WeightDtype } from '../bindings/io/weight-dtype.ts';

const DTYPES: WeightDtype[] = ['f32', 'f16', 'bf16', 'int8'];
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const lmSteps = Number(arg('--lm-steps') ?? 1500);
const co2Steps = Number(arg('--co2-steps') ?? 600);

interface Row {
  dtype: WeightDtype;
  bytes: number;
  metric: number;
}

/** Scores `model` with the weights each dtype round-trips to; the f32 weights are put back after. */
function perDtype(model: SequenceModel, extra: Record<string, unknown>, score: () => number): Row[] {
  const original = model.getWeights();
  const rows = DTYPES.map((dtype) => {
    const bytes = saveModel(model, extra, { dtype });
    const loaded = loadModel(model.rt, bytes).model;
    model.setWeights(loaded.getWeights());
    loaded.dispose();
    const metric = score();
    model.setWeights(original);
    return { dtype, bytes: bytes.length, metric };
  });
  return rows;
}

const rt = await init();

// Char-LM: a 1-layer LSTM (H 128) on the first 90 % of the text.
const text = readFileSync(join(root, 'data/samples/shakespeare-100k.txt'), 'utf8');
const cut = Math.floor(text.length * 0.9);
let t0 = performance.now();
const { model: lm } = await TextModel.fit(rt, text.slice(0, cut), {
  hiddenSize: 128,
  steps: lmSteps,
  seqLength: 64,
  batchSize: 32,
  seed: 1,
});
const lmSeconds = (performance.now() - t0) / 1000;
// Held-out characters outside the training vocabulary would be an error: keep what the vocabulary knows.
const known = new Set((lm.vocab as CharVocab).chars);
const heldOut = [...text.slice(cut)].filter((c) => known.has(c)).join('');
const charLm = perDtype(lm.model, { vocab: lm.vocab.toJSON() }, () => lm.evaluate(heldOut).bitsPerCharacter);

// CO2 forecaster: the network alone (so that its weights are what is quantised), on all rows before the last
// five years; scored from yearly origins in those years.
const co2 = readFileSync(join(root, 'data/series/co2_monthly.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(',')[1]));
const start = co2.length - 60;
t0 = performance.now();
const forecaster = await Forecaster.fit(Float32Array.from(co2.slice(0, start)), {
  runtime: rt,
  season: 12,
  horizon: 12,
  method: 'network',
  hiddenSize: 32,
  steps: co2Steps,
  seed: 1,
});
const co2Seconds = (performance.now() - t0) / 1000;
const mae = () => {
  let sum = 0;
  let n = 0;
  for (let origin = start; origin + 12 <= co2.length; origin += 12) {
    const f = forecaster.forecastFrom(Float32Array.from(co2.slice(0, origin)), 12);
    for (let h = 0; h < 12; h++, n++) sum += Math.abs(f[h] - co2[origin + h]);
  }
  return sum / n;
};
const co2Rows = perDtype(forecaster.model, {}, mae);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const table = (title: string, metric: string, rows: Row[], digits: number) => {
  console.log(`\n${title}`);
  console.log(
    `${'dtype'.padEnd(6)} ${'file'.padStart(10)} ${'vs f32'.padStart(7)} ${metric.padStart(12)} ${'change'.padStart(9)}`,
  );
  for (const r of rows) {
    const ratio = (r.bytes / rows[0].bytes).toFixed(3);
    const change = r.metric - rows[0].metric;
    const signed = `${change >= 0 ? '+' : ''}${change.toFixed(digits)}`;
    const cells = [kb(r.bytes).padStart(10), ratio.padStart(7), r.metric.toFixed(digits).padStart(12)];
    console.log(`${r.dtype.padEnd(6)} ${cells.join(' ')} ${signed.padStart(9)}`);
  }
};
table(
  `char-LM (LSTM H 128, ${lmSteps} steps, ${lmSeconds.toFixed(0)} s): held-out bits/char`,
  'bits/char',
  charLm,
  4,
);
table(
  `CO2 forecaster (LSTM H 32, ${co2Steps} steps, ${co2Seconds.toFixed(0)} s): MAE, ppm`,
  'MAE',
  co2Rows,
  4,
);

const out = arg('--json');
if (out) {
  const record = {
    date: new Date().toISOString(),
    command: `npm run bench:quantize -- --lm-steps ${lmSteps} --co2-steps ${co2Steps}`,
    backend: rt.backend,
    charLm: {
      hiddenSize: 128,
      steps: lmSteps,
      seconds: lmSeconds,
      heldOutChars: heldOut.length,
      rows: charLm,
    },
    co2: { hiddenSize: 32, steps: co2Steps, seconds: co2Seconds, origins: 5, horizon: 12, rows: co2Rows },
  };
  writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
}
lm.dispose();
forecaster.dispose();
