import type { ModuleContext } from '../modules/types.js';
import { Batcher, type BatchStats, type BatcherOptions, type ExecuteBatch } from './batcher.js';
import type { InferencePool } from './pool.js';
import { overloadRefusal } from './refusal.js';

/**
 * A model's batcher as every model has it: a running and a waiting call per inference thread (threads stay busy
 * without queueing work piscina cannot merge), refusals in the catalogue's words, and its load in the metrics.
 */
export function modelBatcher<I extends { size: number; key?: string }, R>(
  name: string,
  pool: InferencePool,
  context: Pick<ModuleContext, 'observe'>,
  options: Omit<BatcherOptions, 'concurrency'>,
  execute: ExecuteBatch<I, R>,
): Batcher<I, R> {
  // The metrics hook needs the batcher (it reads its queue); the batcher needs the hook: forward to it.
  let stats: BatchStats = {};
  const batcher = new Batcher<I, R>({ ...options, concurrency: pool.threads * 2 }, execute, overloadRefusal(name), {
    onBatch: (rows, requests) => stats.onBatch?.(rows, requests),
    onQueueWait: (seconds) => stats.onQueueWait?.(seconds),
    onRefused: (reason) => stats.onRefused?.(reason),
    onExpired: (items) => stats.onExpired?.(items),
  });
  stats = context.observe?.(name, batcher) ?? {};
  return batcher;
}
