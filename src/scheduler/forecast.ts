// Admission by deadline: whether a model's queue can take a request and still answer it, and every request
// already queued, in time. The batcher serves waiting requests in turn, one item of each per round, so before
// a request's last item goes to a call, every other request has had as many items dispatched as the first one
// has left (or all of its own, if fewer). Work is counted in the items' sizes (a text's characters), since a
// long piece costs the model more than a short one. A request is taken only if it would be answered in time
// without making another late: work that would be answered after its caller's timeout is refused at once, and
// the threads keep to work that can succeed.

export interface QueuedWork {
  /** Items not yet handed to a model call. */
  items: number;
  /** Their sizes, summed. */
  size: number;
  /** performance.now() time by which it must be answered. */
  deadline?: number;
}

export interface Pace {
  now: number;
  /** Size the model gets through per second, recently. */
  rate: number;
  /** Size in calls already running: they finish before anything queued. */
  running: number;
}

/** Seconds by which the arrival would wait past its deadline, or make a queued request now on time late; 0 when none. */
export function lateness(queue: readonly QueuedWork[], arrival: QueuedWork, { now, rate, running }: Pace): number {
  if (rate <= 0) return 0;
  // Queued requests by items left; prefix sums of their sizes, suffix sums of their sizes per item.
  const sorted = [...queue].sort((a, b) => a.items - b.items);
  const sizeBefore = [0];
  for (const q of sorted) sizeBefore.push(sizeBefore.at(-1)! + q.size);
  const perItemFrom = new Array<number>(sorted.length + 1).fill(0);
  for (let i = sorted.length - 1; i >= 0; i--) perItemFrom[i] = perItemFrom[i + 1]! + sorted[i]!.size / sorted[i]!.items;
  /** Size dispatched from the queue before a request with `items` left has its last one dispatched. */
  const ahead = (items: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.items < items) lo = mid + 1;
      else hi = mid;
    }
    return sizeBefore[lo]! + items * perItemFrom[lo]!;
  };
  const secondsLeft = (deadline: number) => (deadline - now) / 1000;
  let late = 0;
  // A wait lasts until a request's last item goes to a call, its own work left out: an idle model never refuses
  // a request for being large (a pace measured on other work may be far off for it).
  if (arrival.deadline !== undefined) late = (running + ahead(arrival.items)) / rate - secondsLeft(arrival.deadline);
  const arrivalPerItem = arrival.size / arrival.items;
  for (const q of queue) {
    if (q.deadline === undefined) continue;
    const wait = (running + ahead(q.items) - q.size) / rate;
    const left = secondsLeft(q.deadline);
    // One already bound to be late is not the newcomer's doing: it leaves the queue at its deadline.
    if (wait > left) continue;
    late = Math.max(late, wait + (Math.min(arrival.items, q.items) * arrivalPerItem) / rate - left);
  }
  return Math.max(0, late);
}
