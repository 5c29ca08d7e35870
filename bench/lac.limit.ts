// The in-process limit: the same converted model, called in a loop by N worker threads, each with its own
// runner. N = 1 is raw single-thread speed; N = cores is what the machine can do with nothing else to pay.

import { Worker } from 'node:worker_threads';
import type { LacArtifacts } from '../src/modules/lac/convert.js';
import type { LimitWorkerData, LimitWorkerMessage } from './lac.limit.worker.js';
import { percentile, round } from './lib/load.js';
import { cpuWindow, type CpuShare } from './lib/proc.js';

const WORKER = new URL('./lac.limit.worker.js', import.meta.url);

export interface LimitResult {
  threads: number;
  /** Calls per second, all threads together; one call = the two texts, one model call each. */
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  calls: number;
  seconds: number;
  /** This process's CPU (the loop threads), and the rest of the machine. */
  cpu: { processPct: number; otherPct: number; otherTop?: string[] };
}

function nextMessage<T extends LimitWorkerMessage['type']>(worker: Worker, type: T, timeoutMs: number): Promise<Extract<LimitWorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`limit thread sent no '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (message: LimitWorkerMessage) => {
      if (message.type === type) finish(undefined, message as Extract<LimitWorkerMessage, { type: T }>);
    };
    const onError = (error: Error) => finish(error);
    const onExit = (code: number) => finish(new Error(`limit thread exited with code ${code}`));
    function finish(error?: Error, message?: Extract<LimitWorkerMessage, { type: T }>) {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/**
 * Runs `threads` loops at once over the same measured window. `checkWords` throws if a thread's answer
 * is wrong, before anything is measured.
 */
export async function measureLimit(
  artifacts: LacArtifacts,
  texts: string[],
  threads: number,
  warmupSeconds: number,
  seconds: number,
  checkWords: (words: string[][]) => void,
): Promise<LimitResult> {
  const data: LimitWorkerData = { artifacts, texts, warmupMs: warmupSeconds * 1000, measureMs: seconds * 1000 };
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { workerData: data }));
  try {
    const setupMs = (warmupSeconds + 60) * 1000; // session creation plus warm-up
    const ready = await Promise.all(workers.map((w) => nextMessage(w, 'ready', setupMs)));
    for (const r of ready) checkWords(r.words);
    const done = workers.map((w) => nextMessage(w, 'done', (seconds + 30) * 1000));
    const endCpu = cpuWindow();
    for (const w of workers) w.postMessage('go');
    const results = await Promise.all(done);
    const cpu: CpuShare = endCpu();
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
