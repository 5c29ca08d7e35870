import { hubError } from '../errors/catalogue.js';
import type { Refusal } from './batcher.js';

/** A model's queue refusing a request: 429 with Retry-After, or 413 for a request larger than the whole queue. */
export function overloadRefusal(model: string): Refusal {
  return ({ items, queued, limit, retryAfter }) => {
    if (items > limit) return hubError('TOO_MANY_ITEMS', model, items, limit);
    return hubError('OVERLOADED', model, queued, limit, retryAfter).withHeaders({ 'retry-after': String(retryAfter) });
  };
}
