import { mapLimit } from '../../scheduler/lanes.js';
import type { InferencePool } from '../../scheduler/pool.js';
import type { LacTask } from './infer.worker.js';
import type { LacBatch, RunLacBatches } from './pipeline.js';

// Model batches to inference-thread tasks. A hand-off to a thread costs about as much as the model on a
// short sentence, so small requests go as one task; large ones are cut into tasks of bounded size, of which
// a request keeps at most one per thread in flight: alone it uses every core, and another request's task
// waits behind at most one task of it per thread rather than behind all of it.

export const LAC_TASK_FILE = new URL('./infer.worker.js', import.meta.url).href;

/** Characters below which one thread does a request's batches faster than several. */
const CHARS_PER_TASK = 2000;
/** Characters above which a task is cut: about 70 ms of one core, what another request may wait for. */
const MAX_TASK_CHARS = 8192;

const charsOf = (batch: LacBatch) => batch.lengths.reduce((sum, n) => sum + n, 0);

/**
 * Consecutive runs of batches, one task each: a share of the characters per thread, but no task under
 * CHARS_PER_TASK (unless it is all there is) and none much over MAX_TASK_CHARS.
 */
export function groupBatches(batches: readonly LacBatch[], threads: number): LacBatch[][] {
  const total = batches.reduce((sum, b) => sum + charsOf(b), 0);
  const target = Math.min(MAX_TASK_CHARS, Math.max(CHARS_PER_TASK, total / Math.max(1, threads)));
  const groups: LacBatch[][] = [[]];
  let filled = 0;
  for (const batch of batches) {
    let group = groups[groups.length - 1]!;
    if (group.length > 0 && filled >= target - 1e-9) {
      groups.push((group = []));
      filled = 0;
    }
    group.push(batch);
    filled += charsOf(batch);
  }
  return groups;
}

/** Runs batches of the model in `directory` in the inference threads; tag ids per row, per batch, in order. */
export function threadBatches(pool: InferencePool, directory: string, signal: AbortSignal): RunLacBatches {
  return async (batches) => {
    const groups = groupBatches(batches, pool.threads);
    const results = await mapLimit(groups, pool.threads, (group) => {
      const task: LacTask = { directory, batches: group };
      const transferList = group.flatMap((b) => [b.ids.buffer as ArrayBuffer, b.lengths.buffer as ArrayBuffer]);
      return pool.run<Int32Array[][]>(LAC_TASK_FILE, task, { signal, transferList });
    });
    return results.flat();
  };
}
