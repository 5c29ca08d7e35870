// A model's dynamic batcher: requests submit items (a text piece, an image crop); calls to the model take
// items from every waiting request in turn, up to a number of rows and an element budget (rows x the widest
// item), so concurrent requests share one call and a small request is never stuck behind a big one. The
// queue is bounded in items: a request that does not fit is refused at once, before any of it is queued.
// A request whose signal fires (timeout, client gone) leaves the queue; none of its waiting items run.

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

/** Runs one model call: one result per item, in order. */
export type ExecuteBatch<I, R> = (items: I[]) => Promise<R[]>;

export interface BatchStats {
  /** Rows of a call as it is dispatched. */
  onBatch?(rows: number, requests: number): void;
  /** Time an item waited in the queue, in seconds, as its call is dispatched. */
  onQueueWait?(seconds: number): void;
  /** A request refused because the queue is full. */
  onRefused?(): void;
}

/** Where a request's time went, summed over its submissions: waiting for a call, then until its last result. */
export interface CallTiming {
  queueMs: number;
  inferMs: number;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  timing?: CallTiming;
}

/** Builds the error a refused request gets; retryAfter is a whole number of seconds. */
export type Refusal = (refused: { items: number; queued: number; limit: number; retryAfter: number }) => Error;

interface Waiting<I, R> {
  items: I[];
  results: R[];
  /** Index of the next item to dispatch. */
  next: number;
  /** Items whose results are still missing. */
  pending: number;
  enqueuedAt: number;
  /** When its first item went to a call. */
  dispatchedAt?: number;
  timing?: CallTiming;
  resolve(results: R[]): void;
  reject(error: unknown): void;
  done: boolean;
  detach(): void;
}

export class Batcher<I extends BatchItem, R> {
  private readonly waiting: Waiting<I, R>[] = [];
  private queued = 0;
  private inflight = 0;
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Items per second finished, smoothed: what Retry-After is estimated from. */
  private rate = 0;

  constructor(
    private readonly options: BatcherOptions,
    private readonly execute: ExecuteBatch<I, R>,
    private readonly refuse: Refusal,
    private readonly stats: BatchStats = {},
  ) {}

  /** Items waiting for a model call. */
  get queueLength(): number {
    return this.queued;
  }

  /** Model calls running or handed to a thread. */
  get running(): number {
    return this.inflight;
  }

  /** Results for the items, in order; rejects at once when the queue cannot take them or the signal fires. */
  submit(items: I[], { signal, timing }: SubmitOptions = {}): Promise<R[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (items.length === 0) return Promise.resolve([]);
    if (this.queued + items.length > this.options.maxQueueSize) {
      this.stats.onRefused?.();
      return Promise.reject(this.refuse({ items: items.length, queued: this.queued, limit: this.options.maxQueueSize, retryAfter: this.retryAfter(items.length) }));
    }
    return new Promise<R[]>((resolve, reject) => {
      const entry: Waiting<I, R> = {
        items,
        results: new Array<R>(items.length),
        next: 0,
        pending: items.length,
        enqueuedAt: performance.now(),
        timing,
        resolve,
        reject,
        done: false,
        detach: () => {},
      };
      if (signal) {
        const onAbort = () => this.abandon(entry, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiting.push(entry);
      this.queued += items.length;
      this.pump();
    });
  }

  /** Seconds until the queue has room for `items` at the recent pace (at least 1). */
  private retryAfter(items: number): number {
    const excess = this.queued + items - this.options.maxQueueSize;
    return Math.max(1, Math.ceil(this.rate > 0 ? excess / this.rate : 1));
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
      entry.timing.inferMs += performance.now() - entry.dispatchedAt;
    }
    if (error === undefined) entry.resolve(entry.results);
    else entry.reject(error);
  }

  private pump(): void {
    while (this.inflight < this.options.concurrency && this.queued > 0) {
      if (!this.ready()) return;
      this.dispatch(this.take());
    }
  }

  /** Whether to call now or wait for companions (a full call, or the oldest item waited long enough). */
  private ready(): boolean {
    const delay = this.options.maxQueueDelayMs;
    if (delay <= 0 || this.queued >= this.options.maxBatchSize) return true;
    const waited = performance.now() - Math.min(...this.waiting.map((w) => w.enqueuedAt));
    if (waited >= delay) return true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, delay - waited);
    }
    return false;
  }

  /** One call's items: one from each waiting request in turn, within the rows and the element budget. */
  private take(): { entry: Waiting<I, R>; index: number }[] {
    const { maxBatchSize, maxElements } = this.options;
    const taken: { entry: Waiting<I, R>; index: number }[] = [];
    let width = 0;
    let key: string | undefined;
    let blocked = false;
    while (taken.length < maxBatchSize && this.waiting.length > 0 && !blocked) {
      blocked = true;
      for (let k = 0; k < this.waiting.length && taken.length < maxBatchSize; k++) {
        const entry = this.waiting[(this.turn + k) % this.waiting.length]!;
        if (entry.next >= entry.items.length) continue;
        const item = entry.items[entry.next]!;
        const wider = Math.max(width, item.size);
        if (taken.length > 0 && (taken.length + 1) * wider > maxElements) continue;
        if (taken.length > 0 && item.key !== key) continue;
        key = item.key;
        taken.push({ entry, index: entry.next++ });
        width = wider;
        blocked = false;
      }
      this.turn++;
      // Requests with nothing left to dispatch leave the queue; their results are on the way.
      for (let k = this.waiting.length - 1; k >= 0; k--) if (this.waiting[k]!.next >= this.waiting[k]!.items.length) this.waiting.splice(k, 1);
    }
    this.queued -= taken.length;
    return taken;
  }

  private dispatch(taken: { entry: Waiting<I, R>; index: number }[]): void {
    if (taken.length === 0) return;
    const now = performance.now();
    const requests = new Set(taken.map((t) => t.entry));
    this.stats.onBatch?.(taken.length, requests.size);
    for (const entry of requests) {
      if (entry.dispatchedAt !== undefined) continue;
      entry.dispatchedAt = now;
      this.stats.onQueueWait?.((now - entry.enqueuedAt) / 1000);
    }
    this.inflight++;
    const started = now;
    this.run(taken, requests).finally(() => {
      this.inflight--;
      const seconds = (performance.now() - started) / 1000;
      const rate = taken.length / Math.max(seconds, 1e-6);
      this.rate = this.rate === 0 ? rate : 0.8 * this.rate + 0.2 * rate;
      this.pump();
    });
  }

  /** Runs a call; when it fails and holds several requests, each request's items run alone, so one bad item fails only its own request. */
  private async run(taken: { entry: Waiting<I, R>; index: number }[], requests: Set<Waiting<I, R>>): Promise<void> {
    const live = taken.filter((t) => !t.entry.done);
    if (live.length === 0) return;
    try {
      const results = await this.execute(live.map((t) => t.entry.items[t.index]!));
      live.forEach((t, i) => this.deliver(t.entry, t.index, results[i]!));
    } catch (error) {
      if (requests.size === 1) {
        for (const entry of requests) this.fail(entry, error);
        return;
      }
      for (const entry of requests) {
        const own = live.filter((t) => t.entry === entry);
        await this.run(own, new Set([entry]));
      }
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
    }
    this.finish(entry, error);
  }
}
