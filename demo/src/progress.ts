// Training progress for the page's loss chart: every step of a short run, about a thousand points of a long
// one (each with its own step number, so the chart's x axis stays true). After each step the worker lets its
// queued messages in, so Stop lands within a step.

import type { FromWorker } from './protocol.ts';

export function progressSender(send: (m: FromWorker) => void) {
  return async (p: { step: number; totalSteps: number; loss: number; tokensPerSecond: number }) => {
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
    await letMessagesIn();
  };
}

/**
 * Resolves in a fresh task queued behind the messages already sent to this worker. fit's own yield between
 * steps is scheduler.yield() where the engine has it, and Chromium runs those continuations ahead of a worker's
 * incoming messages: without this, the page's 'stop' would wait for the whole run.
 */
function letMessagesIn(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}
