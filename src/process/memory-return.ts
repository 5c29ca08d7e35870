import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { renewableModels } from '../modules/contract/model-handle.js';
import { collectGarbage } from './full-collection.js';
import { returnFreedPages } from './malloc-trim.js';

// After a peak (one lac request of 1,024 texts x 1,000 characters: 170 MB idle, 390 MB at the answer) three
// things hold the memory, and none lets go by itself within seconds: V8's heap (its memory reducer waited
// 14-25 s), ONNX Runtime's memory arenas (one per session, as large as its largest call, for as long as the
// session lives) and the C library's free lists. When the process is idle this gives them back, one step a
// check: a full collection where the heap grew; new sessions for the models that ran, where resident memory
// grew; then the free pages back to the system. Measured: 317 MB resident from 2 s after that answer without
// the last two steps, 225-233 MB with them.

export interface MemoryReturnOptions {
  /** How often the event loop, the heap and resident memory are looked at. */
  intervalMs: number;
  /** Growth of the used heap over its size after the last collection that is worth a full collection. */
  minGrowthBytes: number;
  /** The event loop's utilization over one interval under which the process counts as idle. */
  idleUtilization: number;
  /** Growth of resident memory over its level at rest that is worth renewing the sessions of the models that ran. */
  minRssGrowthBytes: number;
}

const MB = 1024 * 1024;

export const MEMORY_RETURN_DEFAULTS: MemoryReturnOptions = {
  intervalMs: 1000,
  minGrowthBytes: 32 * MB,
  idleUtilization: 0.05,
  minRssGrowthBytes: 32 * MB,
};

/** What one check sees. */
export interface IdleCheck {
  utilization: number;
  usedBytes: number;
  /** The used heap after the last collection. */
  baselineBytes: number;
  rssBytes: number;
  /** Resident memory at rest: when no model had run since its sessions were new, or right after a renewal. */
  rssBaselineBytes: number;
  /** Models that ran since their sessions were new, counted only when no model has work queued or running. */
  renewable: number;
  /** A collection freed memory that has not been handed back to the system yet. */
  freedSinceTrim: boolean;
}

export type IdleStep = 'collect' | 'renew' | 'trim' | 'wait';

/** The one step a check takes: nothing while busy; else collect, renew, hand back, in that order of need. */
export function nextStep(check: IdleCheck, options: MemoryReturnOptions): IdleStep {
  if (check.utilization >= options.idleUtilization) return 'wait';
  if (check.usedBytes - check.baselineBytes >= options.minGrowthBytes) return 'collect';
  if (check.renewable > 0 && check.rssBytes - check.rssBaselineBytes >= options.minRssGrowthBytes) return 'renew';
  return check.freedSinceTrim ? 'trim' : 'wait';
}

/** A renewal, for the log. */
export interface MemoryReturned {
  models: string[];
  /** Thread renewals, summed over the models. */
  threads: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

/** Starts the checks; answers the function that stops them. The timer never keeps the process alive. */
export function returnMemoryWhenIdle(options: MemoryReturnOptions = MEMORY_RETURN_DEFAULTS, onReturned?: (returned: MemoryReturned) => void): () => void {
  const used = () => getHeapStatistics().used_heap_size;
  const rss = () => process.memoryUsage.rss();
  let baselineBytes = used();
  let rssBaselineBytes = rss();
  let freedSinceTrim = false;
  let last: EventLoopUtilization = performance.eventLoopUtilization();

  const check = async (): Promise<void> => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    const usedBytes = used();
    const rssBytes = rss();
    // V8 collected on its own since: the lower figure is the new baseline.
    baselineBytes = Math.min(baselineBytes, usedBytes);
    const models = renewableModels();
    const allIdle = models.every((model) => model.idle);
    const ran = allIdle ? models.filter((model) => model.ranSinceRenewal) : [];
    if (allIdle && ran.length === 0) rssBaselineBytes = rssBytes;
    const step = nextStep({ utilization, usedBytes, baselineBytes, rssBytes, rssBaselineBytes, renewable: ran.length, freedSinceTrim }, options);
    if (step === 'collect') {
      collectGarbage();
      baselineBytes = used();
      freedSinceTrim = true;
    } else if (step === 'renew') {
      let threads = 0;
      // One model at a time: each renewal holds every thread for about 0.1 s, and requests may arrive meanwhile.
      for (const model of ran) threads += await model.renewSessions().catch(() => 0);
      await returnFreedPages();
      freedSinceTrim = false;
      rssBaselineBytes = rss();
      onReturned?.({ models: ran.map((model) => model.name), threads, rssBeforeBytes: rssBytes, rssAfterBytes: rssBaselineBytes });
    } else if (step === 'trim') {
      await returnFreedPages();
      freedSinceTrim = false;
    }
    last = performance.eventLoopUtilization();
  };

  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    // Best effort: a failed step leaves the memory where it was, and the next check tries again.
    void check().catch(() => undefined).finally(() => (checking = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
