import type { FastifyReply } from 'fastify';
import { hubError } from '../errors/catalogue.js';
import type { CallContext } from '../modules/types.js';
import type { CallTiming } from '../scheduler/batcher.js';

// A request's deadline, shared by every protocol: at the timeout the client is answered even if work lingers.
// The request's abort signal fires at the deadline or when the client goes away, so its queued work leaves the
// scheduler and never runs; it is made only when a module reads it (a module that answers at once never pays).
// Both ends are catalogue errors (504 TIMEOUT, 499 CLIENT_CLOSED), which each protocol shapes its own way.

export async function withDeadline<T>(seconds: number, reply: FastifyReply, timing: CallTiming, work: (call: CallContext) => Promise<T>): Promise<T> {
  let controller: AbortController | undefined;
  let reason: unknown;
  const abort = (why: unknown) => {
    reason ??= why;
    controller?.abort(why);
  };
  const onClose = () => {
    if (!reply.raw.writableFinished) abort(hubError('CLIENT_CLOSED'));
  };
  const call: CallContext = {
    timing,
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (reason !== undefined) controller.abort(reason);
        else reply.raw.once('close', onClose);
      }
      return controller.signal;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = hubError('TIMEOUT', seconds);
      abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(call), expired]);
  } finally {
    clearTimeout(timer);
    if (controller) reply.raw.off('close', onClose);
  }
}
