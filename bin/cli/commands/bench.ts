// `wasm-rnn bench`: training throughput on two standard workloads (shared/BENCHMARKS.md: W1 char-LM, W3
// forecasting) on each backend this engine runs, measured in one run so the ratios between backends hold.

import { type Command, InvalidArgumentError } from 'commander';
import { init, Random, type Runtime, SequenceModel, Trainer } from 'wasm-rnn';
import { type CliIO, line, table } from '../io.ts';
import { positiveNumber } from '../options.ts';

interface Workload {
  id: string;
  what: string;
  T: number;
  B: number;
  make(rt: Runtime): { trainer: Trainer; batch: Parameters<Trainer['step']>[0] };
}

const WORKLOADS: Workload[] = [
  {
    id: 'W1',
    what: 'char-LM LSTM, V 65, H 128',
    T: 32,
    B: 32,
    make(rt) {
      const model = new SequenceModel(rt, {
        input: { tokens: 65 },
        recurrent: { cell: 'lstm', hiddenSize: 128 },
        head: { outputSize: 65 },
      });
      const r = new Random(1);
      const ids = () => Int32Array.from({ length: 32 * 32 }, () => r.int(65));
      const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { kind: 'adam', lr: 1e-3 } });
      return {
        trainer,
        batch: { inputs: { data: ids(), shape: [32, 32] }, targets: { data: ids(), shape: [32, 32] } },
      };
    },
  },
  {
    id: 'W3',
    what: 'forecasting GRU, H 64, last state',
    T: 48,
    B: 64,
    make(rt) {
      const model = new SequenceModel(rt, {
        input: { features: 1 },
        recurrent: { cell: 'gru', hiddenSize: 64 },
        pooling: 'last',
        head: { outputSize: 1 },
      });
      const r = new Random(2);
      const x = Float32Array.from({ length: 48 * 64 }, () => r.uniform(-1, 1));
      const y = Float32Array.from({ length: 64 }, () => r.uniform(-1, 1));
      const trainer = new Trainer(model, { loss: 'mse', optimizer: { kind: 'adam', lr: 1e-3 } });
      return {
        trainer,
        batch: { inputs: { data: x, shape: [48, 64, 1] }, targets: { data: y, shape: [64, 1] } },
      };
    },
  },
];

const ALL = ['wasm-relaxed', 'wasm-simd', 'ts'] as const;

async function available(names: readonly (typeof ALL)[number][]): Promise<Runtime[]> {
  const out: Runtime[] = [];
  for (const backend of names) {
    const rt = await init({ backend }).catch(() => undefined);
    if (rt) out.push(rt);
  }
  return out;
}

/** Tokens per second of training steps over about `seconds`, after two warm-up steps. */
function measure(w: Workload, rt: Runtime, seconds: number): number {
  const { trainer, batch } = w.make(rt);
  trainer.step(batch);
  trainer.step(batch);
  const start = performance.now();
  let steps = 0;
  while (steps < 3 || performance.now() - start < seconds * 1000) {
    trainer.step(batch);
    steps++;
  }
  const elapsed = (performance.now() - start) / 1000;
  trainer.dispose();
  trainer.model.dispose();
  return (steps * w.T * w.B) / elapsed;
}

function backendList(value: string): (typeof ALL)[number][] {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.find((n) => !(ALL as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0)
    throw new InvalidArgumentError(`must be a list of ${ALL.join(', ')}`);
  return names as (typeof ALL)[number][];
}

export function benchCommand(program: Command, io: CliIO): void {
  program
    .command('bench')
    .summary('measure training speed on each backend')
    .description(
      "Training steps per second (forward, BPTT, Adam) on W1 (char-LM) and W3 (forecasting) from the project's\n" +
        'standard workloads, on every backend this engine runs. Tokens/s = T × B per step; ratios are to ts.',
    )
    .option('--seconds <s>', 'time spent on each workload and backend', positiveNumber, 2)
    .option('--backends <list>', `comma-separated, from ${ALL.join(', ')}`, backendList, [...ALL])
    .action(async (flags: { seconds: number; backends: (typeof ALL)[number][] }) => {
      const runtimes = await available(flags.backends);
      // The ratio column needs the ts backend as its base: without it in the run there is no column (not NaN×).
      const withTs = runtimes.some((rt) => rt.backend === 'ts');
      const rows = [
        ['workload', ...runtimes.map((rt) => `${rt.backend} tok/s`), ...(withTs ? ['best / ts'] : [])],
      ];
      for (const w of WORKLOADS) {
        const rates = runtimes.map((rt) => measure(w, rt, flags.seconds));
        const ts = rates[runtimes.findIndex((rt) => rt.backend === 'ts')];
        const best = Math.max(...rates);
        rows.push([
          `${w.id} ${w.what}, B ${w.B}, T ${w.T}`,
          ...rates.map((r) => Math.round(r).toLocaleString('en')),
          ...(withTs ? [`${(best / ts).toFixed(1)}×`] : []),
        ]);
      }
      line(io.stdout, table(rows));
      line(io.stdout, `\nNode ${process.version}; one training step = forward + BPTT + Adam update.`);
    });
}
