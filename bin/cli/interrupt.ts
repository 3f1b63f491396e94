// Ctrl-C (SIGINT) and `kill` (SIGTERM) during training: the first one asks the training loop to stop after the
// step under way (an AbortSignal; a step is one synchronous kernel call, so the handler only ever runs between
// steps and the weights it leaves are those of the last completed step), and the command then saves them. A
// second signal finds no handler and ends the process at once, as the user asked twice.

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit code a shell reports for a process ended by the signal: 128 + its number. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalWatch {
  /** The signal that arrived, if one did. */
  readonly received: StopSignal | undefined;
  /** Removes the handlers (training is over); the signals' default actions apply again. */
  dispose(): void;
}

/** Aborts `controller` on the first SIGINT or SIGTERM until disposed. */
export function watchSignals(controller: AbortController): SignalWatch {
  let received: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      received = name;
      for (const [n, h] of handlers) process.off(n, h);
      controller.abort(new Error(`stopped by ${name}`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    get received() {
      return received;
    },
    dispose() {
      for (const [n, h] of handlers) process.off(n, h);
    },
  };
}
