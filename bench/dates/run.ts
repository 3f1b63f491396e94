// npm run bench:dates [-- --steps 250] [--rounds 1] [--seed 1] [--json FILE]: the dates task (human-written
// dates → ISO) with and without attention, ours against the same model in PyTorch at equal steps, in one run:
// the generated pairs are written to a temporary file that bench/dates/seq2seq_dates.py reads, and the four
// trainings alternate (ours, PyTorch, ours, PyTorch) round after round so both see the same load. Prints
// held-out exact match (greedy) and training target tokens/s (best round), checks issue 20's targets and writes
// the JSON record.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { init } from 'wasm-rnn';
import { provenance, writeJson } from '../forecast/report-json.ts';
import { CONFIG, datesData, pythonInput } from './config.ts';
import { type DatesResult, trainOurs } from './ours.ts';
import { trainPytorch } from './pytorch.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '250' },
    rounds: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const whole = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be an integer ≥ 1, got ${text}`);
  return n;
};
const steps = whole('steps', values.steps);
const rounds = whole('rounds', values.rounds);
const seed = whole('seed', values.seed);

const log = (s: string) => process.stderr.write(`${s}\n`);
const { forecasterBlob: _, ...base } = provenance();
const meta = { ...base, command: `npm run bench:dates -- ${process.argv.slice(2).join(' ')}`.trim() };
const loadBefore = loadavg()[0];
const data = datesData(seed);
const dir = await mkdtemp(join(tmpdir(), 'wasm-rnn-bench-dates-'));
const dataFile = join(dir, 'pairs.json');
await writeFile(dataFile, pythonInput(data));
const rt = await init();
log(
  `${steps} steps, ${data.train.inputs.length} pairs, ${data.test.isos.length} held out, ${rt.backend}, load ${loadBefore.toFixed(1)}`,
);

type Runs = Record<'ours' | 'pytorch', Record<'attention' | 'plain', DatesResult[]>>;
const runs: Runs = { ours: { attention: [], plain: [] }, pytorch: { attention: [], plain: [] } };
let torchVersion = '';
try {
  for (let r = 0; r < rounds; r++) {
    for (const attention of [true, false]) {
      const key = attention ? 'attention' : 'plain';
      const ours = await trainOurs(rt, data, attention, steps, seed);
      runs.ours[key].push(ours);
      log(`ours ${key}: ${ours.exactMatch.toFixed(3)} exact, ${Math.round(ours.tokensPerSecond)} tokens/s`);
      const torch = await trainPytorch(dataFile, attention, steps, seed);
      torchVersion = torch.torch;
      runs.pytorch[key].push(torch);
      log(
        `pytorch ${key}: ${torch.exactMatch.toFixed(3)} exact, ${Math.round(torch.tokensPerSecond)} tokens/s`,
      );
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const best = (list: DatesResult[]) => Math.max(...list.map((x) => x.tokensPerSecond));
const exact = (list: DatesResult[]) => list[0].exactMatch;
console.log(
  `## Dates → ISO, ${steps} steps (GRU ${CONFIG.hidden}, batch ${CONFIG.batchSize}, Adam ${CONFIG.lr}, clip ${CONFIG.clip}), one thread\n`,
);
console.log(
  '| model | exact match, additive attention | exact match, none | training tokens/s (attention) | (none) |',
);
console.log('|---|---|---|---|---|');
for (const side of ['ours', 'pytorch'] as const) {
  const a = runs[side].attention;
  const p = runs[side].plain;
  console.log(
    `| ${side === 'ours' ? 'wasm-rnn' : `PyTorch ${torchVersion}`} | ${(100 * exact(a)).toFixed(1)} % | ${(100 * exact(p)).toFixed(1)} % | ${Math.round(best(a))} | ${Math.round(best(p))} |`,
  );
}
const loadAfter = loadavg()[0];
const speed = best(runs.ours.attention) / best(runs.pytorch.attention);
const targets = {
  exactMatchAtLeast99: exact(runs.ours.attention) >= 0.99,
  gapWithoutAttention: exact(runs.ours.attention) - exact(runs.ours.plain),
  speedOverPytorch: speed,
};
console.log(
  `\nTargets (issue 20): ≥ 99 % with attention → ${targets.exactMatchAtLeast99 ? 'met' : 'not met'}; gap without ${(100 * targets.gapWithoutAttention).toFixed(1)} points; training speed ${speed.toFixed(2)}× PyTorch's → ${speed >= 1 ? 'met' : 'not met'}` +
    ` · load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${meta.cores} cores (${cpus()[0]?.model ?? 'unknown CPU'})`,
);
if (values.json) {
  await writeJson(values.json, {
    ...meta,
    cpu: cpus()[0]?.model,
    backend: rt.backend,
    steps,
    rounds,
    seed,
    config: CONFIG,
    heldOut: data.test.isos.length,
    loadBefore,
    loadAfter,
    targets,
    runs,
  });
  log(`wrote ${values.json}`);
}
