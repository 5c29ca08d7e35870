import type { InferencePool } from '../../scheduler/pool.js';
import type { LacBatch, LacTask } from './infer.worker.js';

// Turning encoded texts into model batches and batches into inference-thread tasks. A hand-off to a thread
// costs about as much as the model on a short sentence, so small requests go as one task; large ones are
// spread over the threads so that a request with many texts uses every core.

export const LAC_TASK_FILE = new URL('./infer.worker.js', import.meta.url).href;

/** Characters below which one thread does a request's batches faster than several. */
const CHARS_PER_TASK = 2000;

/** Pads sequences of character ids into one [batch, width] model input. */
export function packBatch(sequences: readonly ArrayLike<number>[]): LacBatch {
  const width = Math.max(...sequences.map((s) => s.length));
  const ids = new BigInt64Array(sequences.length * width);
  const lengths = new Int32Array(sequences.length);
  sequences.forEach((seq, b) => {
    lengths[b] = seq.length;
    for (let t = 0; t < seq.length; t++) ids[b * width + t] = BigInt(seq[t]!);
  });
  return { ids, lengths, width };
}

const charsOf = (batch: LacBatch) => batch.lengths.reduce((sum, n) => sum + n, 0);

/** Consecutive runs of batches, at most `threads` of them, of about equal characters. */
export function groupBatches(batches: readonly LacBatch[], threads: number): LacBatch[][] {
  const total = batches.reduce((sum, b) => sum + charsOf(b), 0);
  const tasks = Math.max(1, Math.min(threads, batches.length, Math.ceil(total / CHARS_PER_TASK)));
  const target = total / tasks;
  const groups: LacBatch[][] = [[]];
  let filled = 0;
  for (const batch of batches) {
    const group = groups[groups.length - 1]!;
    if (group.length > 0 && filled >= target * groups.length && groups.length < tasks) groups.push([batch]);
    else group.push(batch);
    filled += charsOf(batch);
  }
  return groups;
}

/** Runs the batches in the inference threads; tag ids per text, per batch, in order. */
export async function runBatches(pool: InferencePool, directory: string, batches: readonly LacBatch[], signal: AbortSignal): Promise<Int32Array[][]> {
  const groups = groupBatches(batches, pool.threads);
  const results = await Promise.all(groups.map((group) => {
    const task: LacTask = { directory, batches: group };
    const transferList = group.flatMap((b) => [b.ids.buffer as ArrayBuffer, b.lengths.buffer as ArrayBuffer]);
    return pool.run<Int32Array[][]>(LAC_TASK_FILE, task, { signal, transferList });
  }));
  return results.flat();
}
