// The worker-thread side of measureInProcess (inprocess.ts): one first call whose answer is checked, warm-up,
// 'ready', then on 'go' a tight loop for the measured time, whose latencies go back in one transfer.

import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

export type LoopMessage =
  | { type: 'ready'; answer: unknown }
  | { type: 'done'; calls: number; seconds: number; latenciesMs: Float64Array };

export interface LoopTiming {
  warmupMs: number;
  measureMs: number;
}

/** `answerOf` turns the first result into what the main thread checks (structured-clonable). */
export async function loopCalls<R>(call: () => Promise<R>, answerOf: (result: R) => unknown, close?: () => Promise<void>): Promise<void> {
  const port = parentPort!;
  const timing = workerData as LoopTiming;
  const answer = answerOf(await call());
  const warmEnd = performance.now() + timing.warmupMs;
  while (performance.now() < warmEnd) await call();
  port.once('message', async () => {
    const latencies: number[] = [];
    const start = performance.now();
    const end = start + timing.measureMs;
    let now = start;
    while (now < end) {
      const t = now;
      await call();
      now = performance.now();
      latencies.push(now - t);
    }
    const latenciesMs = Float64Array.from(latencies);
    const done: LoopMessage = { type: 'done', calls: latencies.length, seconds: (now - start) / 1000, latenciesMs };
    port.postMessage(done, [latenciesMs.buffer]);
    await close?.();
  });
  const ready: LoopMessage = { type: 'ready', answer };
  port.postMessage(ready);
}
