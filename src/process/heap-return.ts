import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8 gives back the heap a large request leaves behind (about 90 MB of words and tags after 1,024 lac texts of
// 1,000 characters) only when its memory reducer decides to, which took 14 to 25 s here. When the event loop
// was idle for a whole check and the heap is well above what the last collection left, this collects at once,
// so the process's memory is back near its idle level within seconds of the last large answer.

export interface HeapReturnOptions {
  /** How often the event loop and the heap are looked at. */
  intervalMs: number;
  /** Growth of the used heap over its size after the last collection that is worth a full collection. */
  minGrowthBytes: number;
  /** The event loop's utilization over one interval under which the process counts as idle. */
  idleUtilization: number;
}

export const HEAP_RETURN_DEFAULTS: HeapReturnOptions = { intervalMs: 1000, minGrowthBytes: 32 * 1024 * 1024, idleUtilization: 0.05 };

/** Whether one check should collect: idle for the interval, and the heap grew by enough since the last collection. */
export function shouldCollect(check: { utilization: number; usedBytes: number; baselineBytes: number }, options: HeapReturnOptions): boolean {
  return check.utilization < options.idleUtilization && check.usedBytes - check.baselineBytes >= options.minGrowthBytes;
}

/** V8's full collection: the process's own `gc` when started with --expose-gc, else one exposed for this context. */
function fullCollection(): () => void {
  const own = (globalThis as { gc?: () => void }).gc;
  if (own) return own;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Starts the checks; answers the function that stops them. The timer never keeps the process alive. */
export function returnHeapWhenIdle(options: HeapReturnOptions = HEAP_RETURN_DEFAULTS): () => void {
  const collect = fullCollection();
  const used = () => getHeapStatistics().used_heap_size;
  let baselineBytes = used();
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const usedBytes = used();
    // V8 collected on its own since: the lower figure is the new baseline.
    baselineBytes = Math.min(baselineBytes, usedBytes);
    if (!shouldCollect({ utilization, usedBytes, baselineBytes }, options)) return;
    collect();
    baselineBytes = used();
    last = performance.eventLoopUtilization();
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
