// The in-process limit: the same converted model, called in a loop by N worker threads, each with its own
// runner. N = 1 is raw single-thread speed; N = cores is what the machine can do with nothing else to pay.

import type { LacArtifacts } from '../src/artifacts/convert/paddle/lac-convert.js';
import type { LimitWorkerData } from './lac.limit.worker.js';
import { measureInProcess, type InProcessResult } from './lib/inprocess.js';

const WORKER = new URL('./lac.limit.worker.js', import.meta.url);

/** Requests' worth of texts per call: 32 x 2 texts, the server's default of 64 rows per model call. */
export const LIMIT_COPIES = 32;

/**
 * How a limit's calls run their 64 rows: `batch64` pads them into one call (the network at batch 64, the figure
 * the targets are set against); `by-length` runs them in length groups, as the server's inference threads do.
 */
export type LimitGrouping = 'batch64' | 'by-length';

/** callsPerSecond counts requests' worth (calls x LIMIT_COPIES), to compare with the servers' req/s. */
export type LimitResult = InProcessResult & { grouping: LimitGrouping };

/** `checkWords` throws if a thread's answer is wrong, before anything is measured. */
export async function measureLimit(
  artifacts: LacArtifacts,
  texts: string[],
  threads: number,
  warmupSeconds: number,
  seconds: number,
  checkWords: (words: string[][]) => void,
  grouping: LimitGrouping,
): Promise<LimitResult> {
  const data: LimitWorkerData = { artifacts, texts, copies: LIMIT_COPIES, lengthGroups: grouping === 'by-length' };
  const run = await measureInProcess({ worker: WORKER, data: { ...data }, threads, warmupSeconds, seconds, check: (answer) => checkWords(answer as string[][]) });
  return { ...run, grouping, callsPerSecond: Math.round(run.callsPerSecond * LIMIT_COPIES) };
}
