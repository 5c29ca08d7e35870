import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubError } from '../../errors/catalogue.js';
import { rawErrorResponse } from '../envelope.js';

// A refusal sent before the body was read (413, 415, a multipart error) must not be followed by closing the
// socket with bytes still unread: the kernel then resets the connection, and a client that writes its whole
// body before reading (Python's http.client, curl) sees EPIPE instead of the reply. So such a refusal is a
// staged close: the reply with "connection: close", our side shut, then the rest of the body read and thrown
// away up to a bound in bytes and in time, and only then the socket closed. Past either bound it is closed
// at once. (Keeping the connection open instead would let a client that declared more than it sent lose its
// next request into the discarded body.)

export interface DrainLimits {
  bytes: number;
  ms: number;
}

/** At least 32 MiB or four times the body limit, for at most 15 s. */
export function drainLimits(bodyLimit: number): DrainLimits {
  return { bytes: Math.max(4 * bodyLimit, 32 * 1024 * 1024), ms: 15_000 };
}

/** Closes the socket once what was written to it has reached the kernel. */
function closeAfterFlush(socket: Socket): void {
  if (socket.writableFinished) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

export class BodyDrain {
  /** Sockets whose request body is being thrown away: closed at once when the server closes. */
  private readonly sockets = new Set<Socket>();

  constructor(private readonly limits: DrainLimits) {}

  /**
   * Sends `error` and drains the rest of the body when the body has not been read to its end; returns false
   * (and does nothing) when it has, for the caller to reply as usual.
   */
  refuse(request: FastifyRequest, reply: FastifyReply, error: HubError, headers: Record<string, string> = {}): boolean {
    const raw = request.raw;
    const socket = raw.socket;
    if (raw.complete || raw.destroyed || !socket || socket.destroyed || reply.sent) return false;
    void reply.hijack();
    socket.end(rawErrorResponse(error, headers));
    // Drained within the bounds whatever length was declared: a client that declared 1 GB and has sent 1 MB
    // before reading must still read the reply, which closing now (a reset) could destroy.
    this.sockets.add(socket);
    let seen = 0;
    const stop = (now: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', onEnd).off('close', onGone).off('error', onGone);
      this.sockets.delete(socket);
      if (now) socket.destroy();
      else closeAfterFlush(socket);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > this.limits.bytes) stop(true);
    };
    const onEnd = () => stop(false);
    const onGone = () => stop(true);
    const timer = setTimeout(() => stop(true), this.limits.ms).unref();
    // A multipart parser may still be piped in and would pause the stream again: it gets nothing more.
    raw.unpipe();
    raw.on('data', onData).on('end', onEnd).on('close', onGone).on('error', onGone);
    raw.resume();
    return true;
  }

  /** Closes the connections still being drained, so closing the server does not wait for them. */
  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
