// The in-process side of a bench: N worker threads, each running the same call in a tight loop over one
// shared measured window (no HTTP, no JSON, no hand-off between threads). The worker file uses
// `loopCalls` from inprocess-loop.ts; this side starts the threads, checks each one's first answer,
// starts them together and merges their latencies.

import { Worker } from 'node:worker_threads';
import type { LoopMessage } from './inprocess-loop.js';
import { percentile, round } from './load.js';
import { cpuWindow } from './proc.js';

export interface InProcessResult {
  threads: number;
  /** Calls per second, all threads together. */
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  calls: number;
  seconds: number;
  /** This process's CPU (the loop threads), and the rest of the machine. */
  cpu: { processPct: number; otherPct: number; otherTop?: string[] };
}

function nextMessage<T extends LoopMessage['type']>(worker: Worker, type: T, timeoutMs: number): Promise<Extract<LoopMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`in-process thread sent no '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (message: LoopMessage) => {
      if (message.type === type) finish(undefined, message as Extract<LoopMessage, { type: T }>);
    };
    const onError = (error: Error) => finish(error);
    const onExit = (code: number) => finish(new Error(`in-process thread exited with code ${code}`));
    function finish(error?: Error, message?: Extract<LoopMessage, { type: T }>) {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

export interface InProcessOptions {
  /** The worker file (compiled .js URL). */
  worker: URL;
  /** Passed to each thread with warmupMs and measureMs added. */
  data: Record<string, unknown>;
  threads: number;
  warmupSeconds: number;
  seconds: number;
  /** Throws if a thread's first answer is wrong, before anything is measured. */
  check: (answer: unknown) => void;
  /** Session creation plus warm-up; model loading can be slow. */
  setupTimeoutMs?: number;
}

export async function measureInProcess(options: InProcessOptions): Promise<InProcessResult> {
  const { threads, warmupSeconds, seconds } = options;
  const workerData = { ...options.data, warmupMs: warmupSeconds * 1000, measureMs: seconds * 1000 };
  const workers = Array.from({ length: threads }, () => new Worker(options.worker, { workerData }));
  try {
    const setupMs = options.setupTimeoutMs ?? (warmupSeconds + 60) * 1000;
    const ready = await Promise.all(workers.map((w) => nextMessage(w, 'ready', setupMs)));
    for (const r of ready) options.check(r.answer);
    const done = workers.map((w) => nextMessage(w, 'done', (seconds + 60) * 1000));
    const endCpu = cpuWindow();
    for (const w of workers) w.postMessage('go');
    const results = await Promise.all(done);
    const cpu = endCpu();
    const all = new Float64Array(results.reduce((n, r) => n + r.latenciesMs.length, 0));
    let offset = 0;
    for (const r of results) {
      all.set(r.latenciesMs, offset);
      offset += r.latenciesMs.length;
    }
    all.sort();
    return {
      threads,
      callsPerSecond: round(results.reduce((sum, r) => sum + r.calls / r.seconds, 0), 1),
      p50Ms: round(percentile(all, 50), 3),
      p99Ms: round(percentile(all, 99), 3),
      calls: all.length,
      seconds: round(Math.max(...results.map((r) => r.seconds)), 2),
      cpu: { processPct: cpu.loadGeneratorPct, otherPct: cpu.otherPct, otherTop: cpu.otherTop },
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
