import { hubError } from '../errors/catalogue.js';
import type { Refusal } from './batcher.js';

/**
 * A model's queue refusing a request: 429 with Retry-After (the queue is full, or the request could not be
 * answered before its deadline), or 413 for a request larger than the whole queue.
 */
export function overloadRefusal(model: string): Refusal {
  return ({ reason, items, queued, limit, retryAfter }) => {
    if (reason === 'queue_full' && items > limit) return hubError('TOO_MANY_ITEMS', model, items, limit);
    const error = reason === 'queue_full' ? hubError('OVERLOADED', model, queued, limit, retryAfter) : hubError('WOULD_MISS_DEADLINE', model, queued, retryAfter);
    return error.withHeaders({ 'retry-after': String(retryAfter) });
  };
}
