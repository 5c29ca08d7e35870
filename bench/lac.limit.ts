// The in-process limit: the same converted model, called in a loop by N worker threads, each with its own
// runner. N = 1 is raw single-thread speed; N = cores is what the machine can do with nothing else to pay.

import type { LacArtifacts } from '../src/artifacts/convert/paddle/lac-convert.js';
import type { LimitWorkerData } from './lac.limit.worker.js';
import { measureInProcess, type InProcessResult } from './lib/inprocess.js';

const WORKER = new URL('./lac.limit.worker.js', import.meta.url);

/** Requests' worth of texts per call: 32 x 2 texts, the server's default of 64 rows per model call. */
export const LIMIT_COPIES = 32;

/** callsPerSecond counts requests' worth (calls x LIMIT_COPIES), to compare with the servers' req/s. */
export type LimitResult = InProcessResult;

/** `checkWords` throws if a thread's answer is wrong, before anything is measured. */
export async function measureLimit(
  artifacts: LacArtifacts,
  texts: string[],
  threads: number,
  warmupSeconds: number,
  seconds: number,
  checkWords: (words: string[][]) => void,
): Promise<LimitResult> {
  const data: LimitWorkerData = { artifacts, texts, copies: LIMIT_COPIES };
  const run = await measureInProcess({ worker: WORKER, data: { ...data }, threads, warmupSeconds, seconds, check: (answer) => checkWords(answer as string[][]) });
  return { ...run, callsPerSecond: Math.round(run.callsPerSecond * LIMIT_COPIES) };
}
