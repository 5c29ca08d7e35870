// Admission by deadline: whether a model's queue can take a request and still answer it, and every request
// already queued, in time. It follows the batcher's order: requests by deadline, the first `window` of them
// served in turn (one item of each per round), the others after. Work is counted in the items' sizes (a text's
// characters), since a long piece costs the model more than a short one. A request is taken only if it would be
// answered in time without making another late: work that would be answered after its caller's timeout is
// refused at once, and the threads keep to work that can succeed.

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
  /** Seconds from a call's dispatch to its results, recently: what follows a request's last item's dispatch. */
  call: number;
}

/**
 * Share of the time left before a deadline that the queue may fill: the pace wavers (other work on the cores,
 * longer texts), and requests let in right to the edge of their deadline would be late at the first slower
 * moment. Half leaves the threads as busy (the queue still holds far more than a call) with few answers late.
 */
const PLANNED_SHARE = 0.5;

/** Where a request with this deadline goes in the queue: after every one due no later. */
export function positionFor(queue: readonly { deadline?: number }[], deadline: number | undefined): number {
  const due = deadline ?? Infinity;
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((queue[mid]!.deadline ?? Infinity) <= due) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether no request can be late whatever the order: even the one with the earliest deadline would be answered
 * in time after all the work there is (`size`: the queue's and the arrival's, summed). Then `lateness` is 0 and
 * need not be worked out; at ordinary load (a 60 s timeout, a queue of a few calls) this is every request.
 */
export function surelyOnTime(size: number, earliestDeadline: number, pace: Pace): boolean {
  const { now, rate, running, call } = pace;
  if (rate <= 0 || earliestDeadline === Infinity) return true;
  return (running + size) / rate <= (PLANNED_SHARE * (earliestDeadline - now)) / 1000 - call;
}

/**
 * For each request, in the order served, the size dispatched before its last item is: in the window, from
 * each other request in it, as many items as its own (or all of theirs, if fewer); past the window, everything
 * ahead of it. Its own work is left out.
 */
function sizesBefore(order: readonly QueuedWork[], window: number): number[] {
  const out: number[] = [];
  const span = Math.min(window, order.length);
  let ahead = 0;
  for (let i = 0; i < order.length; i++) {
    const q = order[i]!;
    if (i < span) {
      let before = 0;
      for (let j = 0; j < span; j++) {
        const other = order[j]!;
        if (j !== i) before += (Math.min(other.items, q.items) * other.size) / other.items;
      }
      out.push(before);
    } else {
      out.push(ahead);
    }
    ahead += q.size;
  }
  return out;
}

/**
 * Seconds by which taking the arrival at `position` would make it wait past the planned share of its time left,
 * or make a queued request now on time late; 0 when none. A wait lasts until the last item goes to a call, then
 * a call's time. An idle model never refuses: a request's own work is left out (a pace measured on other work
 * may be far off for it), so one with nothing before it is answered, or meets its timeout.
 */
export function lateness(queue: readonly QueuedWork[], arrival: QueuedWork, position: number, window: number, pace: Pace): number {
  const { now, rate, running, call } = pace;
  if (rate <= 0) return 0;
  const planned = (deadline: number) => (PLANNED_SHARE * (deadline - now)) / 1000 - call;
  const order = [...queue.slice(0, position), arrival, ...queue.slice(position)];
  const before = sizesBefore(queue, window).map((size) => (running + size) / rate);
  const after = sizesBefore(order, window).map((size) => (running + size) / rate);
  let late = 0;
  order.forEach((q, i) => {
    if (q.deadline === undefined) return;
    if (q === arrival) {
      if (after[i]! > 0) late = Math.max(late, after[i]! - planned(q.deadline));
      return;
    }
    // One already bound to be late is not the newcomer's doing: it leaves the queue at its deadline.
    const was = before[i < position ? i : i - 1]!;
    if (was <= planned(q.deadline)) late = Math.max(late, after[i]! - planned(q.deadline));
  });
  return late;
}
