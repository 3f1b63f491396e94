// Training progress for the page's loss chart: every step of a short run, about a thousand points of a long
// one (each with its own step number, so the chart's x axis stays true). Stop lands between steps because fit
// yields to the event loop (a MessageChannel round trip) every 10 ms of work.

import type { FromWorker } from './protocol.ts';

export function progressSender(send: (m: FromWorker) => void) {
  return (p: { step: number; totalSteps: number; loss: number; tokensPerSecond: number }) => {
    const every = Math.max(1, Math.ceil(p.totalSteps / 1000));
    if (p.step % every === 0 || p.step === p.totalSteps) {
      send({
        type: 'progress',
        step: p.step,
        total: p.totalSteps,
        loss: p.loss,
        tokensPerSecond: p.tokensPerSecond,
      });
    }
  };
}
