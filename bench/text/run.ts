// npm run bench:text [-- --steps 300] [--json FILE]: TextModel's defaults against the same model in PyTorch,
// at equal steps on Tiny Shakespeare (first 95 % to train, last 5 % held out). Three runs, one after another:
// PyTorch the char-rnn way (bench/text/char_rnn.py, spawned here so its figure is from this run and load),
// ours with the default training ('stateful') and ours with training: 'stateless'. Prints held-out
// bits/char (state carried) and training tokens/s, checks the target (ours within 0.05 bits/char of PyTorch)
// and writes the JSON record.

import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { init } from 'wasm-rnn';
import { provenance, writeJson } from '../forecast/report-json.ts';
import { trainOurs } from './ours.ts';
import { pytorchCharRnn } from './pytorch.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    json: { type: 'string' },
    text: { type: 'string', default: 'data/tinyshakespeare.txt' },
  },
});
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1)
  throw new Error(`--steps must be an integer ≥ 1, got ${values.steps}`);

const log = (s: string) => process.stderr.write(`${s}\n`);
const { forecasterBlob: _, ...base } = provenance();
const meta = { ...base, command: `npm run bench:text -- ${process.argv.slice(2).join(' ')}`.trim() };
const loadBefore = loadavg()[0];
const text = await readFile(values.text, 'utf8');
const rt = await init();
log(
  `${steps} steps each on ${values.text} (${text.length} characters), ${rt.backend}, load ${loadBefore.toFixed(1)}`,
);

const pytorch = await pytorchCharRnn(steps, values.text);
log(`pytorch: ${pytorch.bitsPerChar.toFixed(3)} bits/char, ${Math.round(pytorch.tokensPerSecond)} tokens/s`);
const stateful = await trainOurs(rt, text, steps, 'stateful');
log(
  `ours stateful: ${stateful.bitsPerChar.toFixed(3)} bits/char, ${Math.round(stateful.tokensPerSecond)} tokens/s`,
);
const stateless = await trainOurs(rt, text, steps, 'stateless');
log(
  `ours stateless: ${stateless.bitsPerChar.toFixed(3)} bits/char, ${Math.round(stateless.tokensPerSecond)} tokens/s`,
);

const gap = stateful.bitsPerChar - pytorch.bitsPerChar;
const rows = [
  ['PyTorch (char-rnn way)', pytorch.bitsPerChar, '', pytorch.tokensPerSecond],
  [
    "TextModel (training: 'stateful', default)",
    stateful.bitsPerChar,
    stateful.bitsPerCharFresh,
    stateful.tokensPerSecond,
  ],
  [
    "TextModel (training: 'stateless')",
    stateless.bitsPerChar,
    stateless.bitsPerCharFresh,
    stateless.tokensPerSecond,
  ],
] as const;
console.log(`## Held-out bits/char after ${steps} steps (B 32, T 64, LSTM 128, Adam 2e-3, clip 5)\n`);
console.log('| model | bits/char, state carried | bits/char, fresh windows | training tokens/s |');
console.log('|---|---|---|---|');
for (const [name, carried, fresh, speed] of rows) {
  const f = typeof fresh === 'number' ? fresh.toFixed(3) : '';
  console.log(`| ${name} | ${carried.toFixed(3)} | ${f} | ${Math.round(speed)} |`);
}
const loadAfter = loadavg()[0];
console.log(
  `\nTarget (issue 20): ours within 0.05 bits/char of PyTorch: ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} → ${gap <= 0.05 ? 'met' : 'not met'}` +
    ` · load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${meta.cores} cores`,
);
if (values.json) {
  await writeJson(values.json, {
    ...meta,
    backend: rt.backend,
    steps,
    loadBefore,
    loadAfter,
    pytorch,
    stateful,
    stateless,
  });
  log(`wrote ${values.json}`);
}
