// A model's dynamic batcher: requests submit items (a text piece, an image crop); calls to the model take
// items in turn from the first waiting requests by deadline (IN_TURN of them), up to a number of rows and an
// element budget (rows x the widest item), so concurrent requests share one call and a small request is not
// stuck behind a big one. Under overload the earliest deadlines are served first: a slow moment makes a few
// requests late, not every request in the queue. The queue is bounded in items: a request that does not fit is
// refused at once, before any of it is queued. A request with a deadline is refused at once, too, when at the
// recent pace it would be answered late or would make a queued request late (src/scheduler/forecast.ts); an
// item whose deadline has passed is dropped, never run. A request whose signal fires (timeout, client gone)
// leaves the queue; none of its waiting items run.

import { lateness, positionFor, surelyOnTime } from './forecast.js';
import type { Placement } from './pool.js';

export interface BatcherOptions {
  /** Rows per model call; 1 turns batching off. */
  maxBatchSize: number;
  /** Rows x widest item per call (items' `size`); Infinity where items are all alike. */
  maxElements: number;
  /** Longest an item waits for companions when a call could take more; 0 dispatches at once. */
  maxQueueDelayMs: number;
  /** Items waiting, all requests together, beyond which a request is refused. */
  maxQueueSize: number;
  /** Calls in flight at once (a running and a waiting one per inference thread keeps threads busy). */
  concurrency: number;
  /**
   * A call starts beside one in flight only when the waiting items hold a whole call's element budget. Calls
   * of little work (LAC on short texts) then go one at a time, bigger, and the other cores stay with the event
   * loop that cuts and answers the texts; long texts still take every thread. Batching off keeps every thread.
   * The next call is formed shortly before a lone call's expected end and waits behind it on its thread
   * (WAITING_CALL_LEAD_MS), so that thread does not idle until the event loop hears of the end.
   */
  spreadWhenFull?: boolean;
}

/** A model's defaults with the options the server was started with (unset ones keep the default). */
export function scheduleWith<T extends object>(defaults: T, overrides: Partial<T> = {}): T {
  const set = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(set) };
}

export interface BatchItem {
  /** Length along the padded axis (characters of a text); 1 for fixed-size items. */
  size: number;
  /** Items share a call only with items of the same key (tensors of other shapes cannot be stacked). */
  key?: string;
}

/** Runs one model call: one result per item, in order; `placement` is for the pool (pool.ts Placement). */
export type ExecuteBatch<I, R> = (items: I[], placement: Placement) => Promise<R[]>;

export interface BatchStats {
  /** Rows of a call as it is dispatched. */
  onBatch?(rows: number, requests: number): void;
  /** Time an item waited in the queue, in seconds, as its call is dispatched. */
  onQueueWait?(seconds: number): void;
  /** A request refused on arrival: the queue is full, or it could not be answered before its deadline. */
  onRefused?(reason: RefusalReason): void;
  /** Items left in the queue because their request's deadline passed first: dropped, never run. */
  onExpired?(items: number): void;
}

/** Where a request's time went, summed over its submissions: waiting for a call, then until its last result. */
export interface CallTiming {
  queueMs: number;
  inferMs: number;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  /** Preferred over `signal` where given (CallContext.onAbort): `signal` is then never read. */
  onAbort?(listener: (reason: unknown) => void): () => void;
  timing?: CallTiming;
  /** performance.now() time by which the request must be answered; none of its items run after it. */
  deadline?: number;
}

/** queue_full: its items do not fit the queue; deadline: it, or a request already queued, would be answered too late. */
export type RefusalReason = 'queue_full' | 'deadline';

/** Builds the error a refused request gets; retryAfter is a whole number of seconds. */
export type Refusal = (refused: { reason: RefusalReason; items: number; queued: number; limit: number; retryAfter: number }) => Error;

/** The rejection of a request whose deadline passed before all its items ran (the server answers it with its timeout). */
export class DeadlinePassed extends Error {
  constructor() {
    super('the deadline passed before the request was served');
    this.name = 'DeadlinePassed';
  }
}

interface Waiting<I, R> {
  items: I[];
  results: R[];
  /** Index of the next item to dispatch. */
  next: number;
  /** Sizes of the items not yet dispatched, summed. */
  size: number;
  /** Items whose results are still missing. */
  pending: number;
  enqueuedAt: number;
  deadline?: number;
  /** When its first item went to a call. */
  dispatchedAt?: number;
  timing?: CallTiming;
  resolve(results: R[]): void;
  reject(error: unknown): void;
  done: boolean;
  detach(): void;
}

/** A call dispatched and not finished: since when it runs (unknown while it waits behind another call). */
interface InFlight {
  placement: Placement;
  since?: number;
  behind?: InFlight;
}

/** The items' sizes, summed. */
function sizeOf(items: readonly BatchItem[]): number {
  let total = 0;
  for (const item of items) total += item.size;
  return total;
}

/** Requests served in turn, one item each per round: the first by deadline (arrival, where deadlines tie). */
const IN_TURN = 16;

/** Shortest time a measure of the rate spans while calls keep running: long enough to hold several calls. */
const RATE_WINDOW_MS = 250;

/**
 * With spreadWhenFull, how long before a lone call's expected end the next call is formed and sent to wait
 * behind it on its thread. Sent when the call ends, it would reach the thread only once the event loop, busy
 * with requests, hears of that end, and the thread would idle meanwhile; formed earlier, it would hold fewer
 * of the items still arriving.
 */
const WAITING_CALL_LEAD_MS = 1;

export class Batcher<I extends BatchItem, R> {
  private readonly waiting: Waiting<I, R>[] = [];
  private queued = 0;
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Sizes of the items waiting, summed. */
  private queuedSize = 0;
  /** Sizes of the items in calls dispatched and not finished, summed. */
  private runningSize = 0;
  /** Size finished per second while calls ran, smoothed: what Retry-After and admission by deadline go by. */
  private rate = 0;
  /** Milliseconds from a call's dispatch to its results, smoothed. */
  private callMs = 0;
  /** The current measure of the rate: since when calls have been running, and the size finished since. */
  private windowStart = 0;
  private windowSize = 0;
  /** Calls running or handed to a thread. */
  private readonly calls = new Set<InFlight>();
  /** Milliseconds a call runs on its thread (from its start, or from the end of the call it waited behind), smoothed. */
  private runMs = 0;
  private waitingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: BatcherOptions,
    private readonly execute: ExecuteBatch<I, R>,
    private readonly refuse: Refusal,
    private readonly stats: BatchStats = {},
    /** Milliseconds on the clock deadlines are given in; tests pass one they move by hand. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Items waiting for a model call. */
  get queueLength(): number {
    return this.queued;
  }

  /** Model calls running or handed to a thread. */
  get running(): number {
    return this.calls.size;
  }

  /**
   * Results for the items, in order; rejects at once when the queue cannot take them, when they cannot be
   * answered before the deadline, or when the signal fires.
   */
  submit(items: I[], options: SubmitOptions = {}): Promise<R[]> {
    const { timing, deadline } = options;
    // Where onAbort is offered, the signal is not read: a request context makes its signal on first read.
    const signal = options.onAbort ? undefined : options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (items.length === 0) return Promise.resolve([]);
    const now = this.now();
    this.dropExpired(now);
    if (deadline !== undefined && deadline <= now) {
      this.stats.onExpired?.(items.length);
      return Promise.reject(new DeadlinePassed());
    }
    if (this.queued + items.length > this.options.maxQueueSize) return this.refusal('queue_full', items.length, this.retryAfter(items.length));
    const size = sizeOf(items);
    const position = positionFor(this.waiting, deadline);
    // The queue is in deadline order, so its first request has the earliest deadline, if any has one.
    const earliest = Math.min(deadline ?? Infinity, this.waiting[0]?.deadline ?? Infinity);
    const pace = { now, rate: this.rate, running: this.runningSize, call: this.callMs / 1000 };
    if (!surelyOnTime(this.queuedSize + size, earliest, pace)) {
      const queue = this.waiting.map((w) => ({ items: w.items.length - w.next, size: w.size, deadline: w.deadline }));
      const late = lateness(queue, { items: items.length, size, deadline }, position, IN_TURN, pace);
      // Everything queued now is answered or gone by the last deadline in it: never a longer Retry-After than that.
      const horizon = Math.max(deadline ?? 0, ...this.waiting.map((w) => w.deadline ?? 0)) - now;
      if (late > 0) return this.refusal('deadline', items.length, Math.max(1, Math.ceil(Math.min(late, horizon / 1000))));
    }
    return new Promise<R[]>((resolve, reject) => {
      const entry: Waiting<I, R> = {
        items,
        results: new Array<R>(items.length),
        next: 0,
        size,
        pending: items.length,
        enqueuedAt: now,
        deadline,
        timing,
        resolve,
        reject,
        done: false,
        detach: () => {},
      };
      if (options.onAbort) {
        entry.detach = options.onAbort((reason) => this.abandon(entry, reason));
        // Given up already: the listener ran at once and answered it.
        if (entry.done) return;
      } else if (signal) {
        const onAbort = () => this.abandon(entry, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiting.splice(position, 0, entry);
      this.queued += items.length;
      this.queuedSize += size;
      this.pump();
    });
  }

  private refusal(reason: RefusalReason, items: number, retryAfter: number): Promise<never> {
    this.stats.onRefused?.(reason);
    return Promise.reject(this.refuse({ reason, items, queued: this.queued, limit: this.options.maxQueueSize, retryAfter }));
  }

  /** Seconds until the queue has room for `items` at the recent pace (at least 1). */
  private retryAfter(items: number): number {
    const excess = this.queued + items - this.options.maxQueueSize;
    const itemsPerSecond = this.queuedSize > 0 ? (this.rate * this.queued) / this.queuedSize : 0;
    return Math.max(1, Math.ceil(itemsPerSecond > 0 ? excess / itemsPerSecond : 1));
  }

  private abandon(entry: Waiting<I, R>, reason: unknown): void {
    this.fail(entry, reason);
    this.pump();
  }

  private finish(entry: Waiting<I, R>, error?: unknown): void {
    if (entry.done) return;
    entry.done = true;
    entry.detach();
    if (entry.timing && entry.dispatchedAt !== undefined) {
      entry.timing.queueMs += entry.dispatchedAt - entry.enqueuedAt;
      entry.timing.inferMs += this.now() - entry.dispatchedAt;
    }
    if (error === undefined) entry.resolve(entry.results);
    else entry.reject(error);
  }

  private pump(): void {
    while (this.calls.size < this.options.concurrency && this.queued > 0) {
      this.dropExpired(this.now());
      if (this.queued === 0 || !this.ready()) return;
      const next = this.nextCall();
      if (!next) return;
      this.dispatch(this.take(), next.behind);
    }
  }

  /** Requests whose deadline has passed leave the queue, answered DeadlinePassed; their waiting items never run. */
  private dropExpired(now: number): void {
    // In deadline order (requests without one last): the expired ones are the first.
    for (let first = this.waiting[0]; first?.deadline !== undefined && first.deadline <= now; first = this.waiting[0]) {
      this.stats.onExpired?.(first.items.length - first.next);
      this.fail(first, new DeadlinePassed());
    }
  }

  /**
   * Whether a call may start now (see spreadWhenFull): beside those in flight, or behind a lone one near its
   * end, on its thread (`behind`); undefined when not now.
   */
  private nextCall(): { behind?: InFlight } | undefined {
    const { spreadWhenFull, maxBatchSize, maxElements } = this.options;
    if (this.calls.size === 0 || !spreadWhenFull || maxBatchSize === 1 || this.queuedSize >= maxElements) return {};
    const lone = this.loneCallNearEnd();
    return lone ? { behind: lone } : undefined;
  }

  /** The one call in flight once it is within WAITING_CALL_LEAD_MS of its expected end; until then a timer waits for that. */
  private loneCallNearEnd(): InFlight | undefined {
    if (this.calls.size !== 1 || this.runMs === 0) return undefined;
    const [lone] = this.calls;
    if (lone?.since === undefined) return undefined;
    const wait = lone.since + this.runMs - WAITING_CALL_LEAD_MS - this.now();
    if (wait <= 0) return lone;
    if (!this.waitingTimer) {
      this.waitingTimer = setTimeout(() => {
        this.waitingTimer = undefined;
        this.pump();
      }, wait);
    }
    return undefined;
  }

  /** Whether to call now or wait for companions (a full call, or the oldest item waited long enough). */
  private ready(): boolean {
    const delay = this.options.maxQueueDelayMs;
    if (delay <= 0 || this.queued >= this.options.maxBatchSize) return true;
    const waited = this.now() - Math.min(...this.waiting.map((w) => w.enqueuedAt));
    if (waited >= delay) return true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, delay - waited);
    }
    return false;
  }

  /** One call's items: one from each of the first IN_TURN waiting requests in turn, within the rows and the element budget. */
  private take(): { entry: Waiting<I, R>; index: number }[] {
    const { maxBatchSize, maxElements } = this.options;
    const taken: { entry: Waiting<I, R>; index: number }[] = [];
    let width = 0;
    let key: string | undefined;
    let blocked = false;
    while (taken.length < maxBatchSize && this.waiting.length > 0 && !blocked) {
      blocked = true;
      const span = Math.min(this.waiting.length, IN_TURN);
      for (let k = 0; k < span && taken.length < maxBatchSize; k++) {
        const entry = this.waiting[(this.turn + k) % span]!;
        if (entry.next >= entry.items.length) continue;
        const item = entry.items[entry.next]!;
        const wider = Math.max(width, item.size);
        if (taken.length > 0 && (taken.length + 1) * wider > maxElements) continue;
        if (taken.length > 0 && item.key !== key) continue;
        key = item.key;
        taken.push({ entry, index: entry.next++ });
        entry.size -= item.size;
        width = wider;
        blocked = false;
      }
      this.turn++;
      // Requests with nothing left to dispatch leave the queue; their results are on the way.
      for (let k = this.waiting.length - 1; k >= 0; k--) if (this.waiting[k]!.next >= this.waiting[k]!.items.length) this.waiting.splice(k, 1);
    }
    this.queued -= taken.length;
    this.queuedSize -= sizeOf(taken.map((t) => t.entry.items[t.index]!));
    return taken;
  }

  private dispatch(taken: { entry: Waiting<I, R>; index: number }[], behind?: InFlight): void {
    if (taken.length === 0) return;
    const now = this.now();
    const requests = new Set(taken.map((t) => t.entry));
    this.stats.onBatch?.(taken.length, requests.size);
    for (const entry of requests) {
      if (entry.dispatchedAt !== undefined) continue;
      entry.dispatchedAt = now;
      this.stats.onQueueWait?.((now - entry.enqueuedAt) / 1000);
    }
    if (this.calls.size === 0) {
      this.windowStart = now;
      this.windowSize = 0;
    }
    const size = sizeOf(taken.map((t) => t.entry.items[t.index]!));
    const call: InFlight = behind ? { placement: { after: behind.placement }, behind } : { placement: {}, since: now };
    this.calls.add(call);
    this.runningSize += size;
    let ended = false;
    // The next call is dispatched before this one's results are delivered: answering them is the event loop's
    // longest task, and a thread would wait through it for its next call.
    const end = (ran: number): void => {
      if (ended) return;
      ended = true;
      this.runningSize -= size;
      const endedAt = this.now();
      const ms = endedAt - now;
      this.callMs = this.callMs === 0 ? ms : 0.8 * this.callMs + 0.2 * ms;
      this.calls.delete(call);
      // A call that waited behind this one runs from now.
      for (const other of this.calls) {
        if (other.behind !== call) continue;
        other.behind = undefined;
        other.since = endedAt;
      }
      const runMs = endedAt - (call.since ?? now);
      this.runMs = this.runMs === 0 ? runMs : 0.8 * this.runMs + 0.2 * runMs;
      this.measure(ran);
      this.pump();
    };
    // run() settles every request it holds itself; a throw past it must not leave the call counted as in flight.
    void this.run(taken, requests, call.placement, end).catch(() => size).then(end);
  }

  /**
   * The rate is items finished over time spent with calls running (idle time left out), measured over at least
   * RATE_WINDOW_MS or until the calls run out, then smoothed: the pace of the threads together, whatever the
   * number of calls in flight.
   */
  private measure(size: number): void {
    this.windowSize += size;
    const now = this.now();
    const elapsed = now - this.windowStart;
    if ((elapsed < RATE_WINDOW_MS && this.calls.size > 0) || elapsed <= 0 || this.windowSize === 0) return;
    const rate = (this.windowSize * 1000) / elapsed;
    this.rate = this.rate === 0 ? rate : 0.7 * this.rate + 0.3 * rate;
    this.windowStart = now;
    this.windowSize = 0;
  }

  /**
   * Runs a call; when it fails and holds several requests, each request's items run alone, so one bad item fails
   * only its own request. Resolves with the size of the items the model ran; `ranAll` hears it first, as soon
   * as one call answered them all, before their results are delivered.
   */
  private async run(
    taken: { entry: Waiting<I, R>; index: number }[],
    requests: Set<Waiting<I, R>>,
    placement: Placement = {},
    ranAll: (ran: number) => void = () => {},
  ): Promise<number> {
    const live = taken.filter((t) => !t.entry.done);
    if (live.length === 0) return 0;
    const items = live.map((t) => t.entry.items[t.index]!);
    try {
      const results = await this.execute(items, placement);
      ranAll(sizeOf(items));
      live.forEach((t, i) => this.deliver(t.entry, t.index, results[i]!));
      return sizeOf(items);
    } catch (error) {
      if (requests.size === 1) {
        for (const entry of requests) this.fail(entry, error);
        return sizeOf(items);
      }
      let ran = 0;
      for (const entry of requests) {
        const own = live.filter((t) => t.entry === entry);
        ran += await this.run(own, new Set([entry]));
      }
      return ran;
    }
  }

  private deliver(entry: Waiting<I, R>, index: number, result: R): void {
    if (entry.done) return;
    entry.results[index] = result;
    if (--entry.pending === 0) this.finish(entry);
  }

  /** Takes what is left of a request out of the queue and answers it with the error. */
  private fail(entry: Waiting<I, R>, error: unknown): void {
    if (entry.done) return;
    const index = this.waiting.indexOf(entry);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.queued -= entry.items.length - entry.next;
      this.queuedSize -= entry.size;
    }
    this.finish(entry, error);
  }
}
