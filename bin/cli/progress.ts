// The training progress display: a live bar (cli-progress) with loss, tokens/s and ETA on a terminal, and a plain
// line every tenth of the run when the output is a file or a pipe (CI logs, `| tee`), where a redrawn bar would
// be noise. Lines logged while the bar runs (samples, notes) go above it so the bar stays at the bottom.

import cliProgress from 'cli-progress';

/** Where progress is drawn: a stream with the TTY fields a terminal has. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressUpdate {
  /** Steps done (1-based after the first step). */
  step: number;
  loss: number;
  /** Tokens (time steps × batch rows) processed so far. */
  tokens: number;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  /** A line printed above the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  total: number;
  label: string;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '--';
  return perSecond >= 10_000 ? `${(perSecond / 1000).toFixed(0)}k` : perSecond.toFixed(0);
}

/** Loss, speed and time left, measured from the first update (so start-up cost does not skew the rate). */
class Meter {
  readonly #now: () => number;
  #t0 = -1;
  #tokens0 = 0;
  #step0 = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  fields(u: ProgressUpdate, total: number): { loss: string; speed: string; eta: string } {
    const t = this.#now();
    if (this.#t0 < 0) {
      this.#t0 = t;
      this.#tokens0 = u.tokens;
      this.#step0 = u.step;
    }
    const seconds = (t - this.#t0) / 1000;
    const steps = u.step - this.#step0;
    const rate = seconds > 0 ? (u.tokens - this.#tokens0) / seconds : Number.NaN;
    const eta = steps > 0 ? ((total - u.step) * seconds) / steps : Number.NaN;
    return {
      loss: Number.isFinite(u.loss) ? u.loss.toFixed(4) : String(u.loss),
      speed: formatRate(rate),
      eta: formatDuration(eta),
    };
  }
}

export function createProgress(out: Output, options: ProgressOptions): Progress {
  const meter = new Meter(options.now ?? (() => performance.now()));
  const total = Math.max(1, options.total);
  return out.isTTY
    ? terminalBar(out, options.label, total, meter)
    : plainLines(out, options.label, total, meter);
}

function terminalBar(out: Output, label: string, total: number, meter: Meter): Progress {
  const bars = new cliProgress.MultiBar(
    {
      stream: out as NodeJS.WriteStream,
      format: `${label} {bar} {value}/{total} | loss {loss} | {speed} tok/s | ETA {eta}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { loss: '--', speed: '--', eta: '--' });
  return {
    update: (u) => bar.update(u.step, meter.fields(u, total)),
    log: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}

function plainLines(out: Output, label: string, total: number, meter: Meter): Progress {
  const every = Math.max(1, Math.floor(total / 10));
  let last: ProgressUpdate | undefined;
  let printed = 0;
  const print = (u: ProgressUpdate) => {
    const f = meter.fields(u, total);
    out.write(`${label} ${u.step}/${total} | loss ${f.loss} | ${f.speed} tok/s | ETA ${f.eta}\n`);
    printed = u.step;
  };
  return {
    update(u) {
      // The first update starts the clock; every tenth of the run (and the last step) is printed.
      if (last === undefined) meter.fields(u, total);
      last = u;
      if (u.step - printed >= every || u.step === total) print(u);
    },
    log: (line) => out.write(`${line}\n`),
    stop() {
      if (last !== undefined && last.step !== printed) print(last);
    },
  };
}
