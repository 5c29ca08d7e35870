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
 * Runs `work` under the request's deadline: its result, or 504 TIMEOUT at the deadline (the work's queued items
 * are aborted then), or 499 CLIENT_CLOSED's abort when the client leaves. One promise per request and one timer:
 * this runs for every prediction.
 */
export function withDeadline<T>(seconds: number, reply: FastifyReply, timing: CallTiming, work: (call: CallContext) => Promise<T>): Promise<T> {
  let controller: AbortController | undefined;
  let reason: unknown;
  const abort = (why: unknown) => {
    reason ??= why;
    controller?.abort(why);
  };
  const onClose = () => {
    if (!reply.raw.writableFinished) abort(hubError('CLIENT_CLOSED'));
  };
  // The deadline counts from the request's arrival: time it waited for a busy event loop and its body counts too.
  const ms = Math.max(0, seconds * 1000 - reply.elapsedTime);
  const deadline = performance.now() + ms;
  const call: CallContext = {
    timing,
    deadline,
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (reason !== undefined) controller.abort(reason);
        else reply.raw.once('close', onClose);
      }
      return controller.signal;
    },
  };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      if (controller) reply.raw.off('close', onClose);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      const error = hubError('TIMEOUT', seconds);
      abort(error);
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
        if (reason === undefined && performance.now() >= deadline) {
          const timeout = hubError('TIMEOUT', seconds);
          abort(timeout);
          reject(timeout);
        } else {
          reject(error);
        }
      },
    );
  });
}
