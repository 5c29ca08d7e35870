import type { FastifyReply } from 'fastify';
import { hubError } from '../errors/catalogue.js';
import type { CallContext } from '../modules/types.js';
import type { CallTiming } from '../scheduler/batcher.js';

// A request's deadline, shared by every protocol: at the timeout the client is answered even if work lingers.
// The deadline travels with the work (CallContext.deadline), so the scheduler refuses at once what it could not
// answer in time and never runs an item past it. The request's abort signal fires at the deadline or when the
// client goes away, so its queued work leaves the scheduler; the signal is made only when a module reads it (a
// module that answers at once never pays). Both ends are catalogue errors (504 TIMEOUT, 499 CLIENT_CLOSED),
// which each protocol shapes its own way.

/** The header with which a client asks for a shorter timeout than the server's, in seconds. */
export const TIMEOUT_HEADER = 'hub-timeout';

/**
 * The request's timeout: the server's, or the Hub-Timeout header's when that is shorter (a client can only
 * lower it). A header that is not a number of seconds above 0 is refused (400, invalid_argument).
 */
export function requestTimeout(header: string | string[] | undefined, serverSeconds: number): number {
  if (header === undefined) return serverSeconds;
  const text = Array.isArray(header) ? header.join(', ') : header.trim();
  const seconds = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds > 0)) {
    throw hubError('INVALID_ARGUMENT', `The Hub-Timeout header must be a number of seconds above 0, such as 2 or 0.5 (it can only lower the server's timeout of ${serverSeconds} s); got "${text.slice(0, 40)}".`);
  }
  return Math.min(seconds, serverSeconds);
}

/**
 * A request's CallContext. A class, not an object literal with a getter: a literal's getter is a new closure per
 * request, which gave every request's context a hidden class of its own (allocated in V8's old space) and made
 * every function it passed through megamorphic; jieba_paddle served about 25% fewer requests with it.
 */
class RequestCall implements CallContext {
  private controller: AbortController | undefined = undefined;
  private reason: unknown = undefined;
  private onClose: (() => void) | undefined = undefined;
  private listeners: ((reason: unknown) => void)[] | undefined = undefined;

  constructor(
    readonly timing: CallTiming,
    readonly deadline: number,
    private readonly reply: FastifyReply,
  ) {}

  /**
   * Made on first read, so a module that never reads it never pays for it, nor for the close listener. The
   * scheduler listens through onAbort instead: an AbortController and its listeners cost lac's requests about a
   * tenth of their CPU.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
      else this.watchClient();
    }
    return this.controller.signal;
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.reason !== undefined) {
      listener(this.reason);
      return () => {};
    }
    this.watchClient();
    (this.listeners ??= []).push(listener);
    return () => {
      const at = this.listeners?.indexOf(listener) ?? -1;
      if (at >= 0) this.listeners!.splice(at, 1);
    };
  }

  /** Whether it was aborted (by its timeout or its client), whatever it was aborted with. */
  get aborted(): boolean {
    return this.reason !== undefined;
  }

  abort(why: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = why;
    this.controller?.abort(why);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(why);
  }

  /** A client that leaves before its answer aborts the request. */
  private watchClient(): void {
    if (this.onClose) return;
    this.onClose = () => {
      if (!this.reply.raw.writableFinished) this.abort(hubError('CLIENT_CLOSED'));
    };
    this.reply.raw.once('close', this.onClose);
  }

  /** The request is answered: no more listening for its client to leave. */
  settle(): void {
    if (this.onClose) this.reply.raw.off('close', this.onClose);
  }
}

/**
 * Runs `work` under the request's deadline: its result, or 504 TIMEOUT at the deadline (the work's queued items
 * are aborted then), or 499 CLIENT_CLOSED's abort when the client leaves. One promise per request and one timer:
 * this runs for every prediction.
 */
export function withDeadline<T>(seconds: number, reply: FastifyReply, timing: CallTiming, work: (call: CallContext) => Promise<T>): Promise<T> {
  // The deadline counts from the request's arrival: time it waited for a busy event loop and its body counts too.
  const ms = Math.max(0, seconds * 1000 - reply.elapsedTime);
  const deadline = performance.now() + ms;
  const call = new RequestCall(timing, deadline, reply);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      call.settle();
    };
    const timer = setTimeout(() => {
      if (settled) return;
      const error = hubError('TIMEOUT', seconds);
      call.abort(error);
      settle();
      reject(error);
    }, ms);
    let running: Promise<T>;
    try {
      running = work(call);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        if (settled) return;
        settle();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settle();
        // Work that failed at its deadline (the scheduler drops it a moment before the timer fires) timed out.
        if (!call.aborted && performance.now() >= deadline) {
          const timeout = hubError('TIMEOUT', seconds);
          call.abort(timeout);
          reject(timeout);
        } else {
          reject(error);
        }
      },
    );
  });
}
