import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { HubError } from '../errors/catalogue.js';

// One line per request: method, route, module, HTTP status, envelope code, milliseconds, bytes in and out, and
// the request id (bound by fastify as request_id). At info; a 5xx at error and a 504 or 503 at warn, with
// the cause (its stack stays in the log). The info lines can be turned off (--access_log off); the others
// are always written.

/** A client's X-Request-Id is kept when it is short and plain; otherwise the server makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_ID_LOG_LABEL = 'request_id';

export function requestId(raw: IncomingMessage): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What a request's line needs from its start. A class: every record has one shape, whatever is set later. */
class AccessRecord {
  /** The error a request was answered with, and what caused it when that was not one of ours. */
  error: HubError | undefined = undefined;
  cause: unknown = undefined;
  logged = false;

  constructor(
    readonly started: number,
    readonly bytesRead: number,
    readonly bytesWritten: number,
  ) {}
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AccessLog.begin; null until then (a request the router refused gets it late). */
    accessRecord: AccessRecord | null;
  }
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The URL without its query. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

export class AccessLog {
  constructor(private readonly enabled: boolean) {}

  /**
   * Gives every request its record field. A field declared up front rather than a WeakMap keyed by request:
   * a WeakMap entry per request cost its lookups and the collector's ephemeron work under load.
   */
  static decorate(app: FastifyInstance): void {
    app.decorateRequest('accessRecord', null);
  }

  /** Called first thing for each request (onRequest). */
  begin(request: FastifyRequest): void {
    const socket = request.raw.socket;
    request.accessRecord = new AccessRecord(performance.now(), socket?.bytesRead ?? 0, socket?.bytesWritten ?? 0);
  }

  /** The error a request is answered with, for its line. */
  failed(request: FastifyRequest, error: HubError, cause: unknown): void {
    const record = (request.accessRecord ??= this.fresh());
    record.error = error;
    record.cause = cause instanceof HubError ? undefined : cause;
  }

  /** After the reply is written (onResponse), or after a refusal written straight to the socket (bodyBytes). */
  end(request: FastifyRequest, reply: FastifyReply, raw?: { status: number; bodyBytes: number }): void {
    const record = (request.accessRecord ??= this.fresh());
    if (record.logged) return;
    record.logged = true;
    const status = raw?.status ?? reply.statusCode;
    const level = status >= 500 ? (status === 503 || status === 504 ? 'warn' : 'error') : 'info';
    if (level === 'info' && !this.enabled) return;
    const socket = request.raw.socket;
    const route = request.routeOptions?.url;
    const module = (request.params as { module?: unknown } | undefined)?.module;
    const declaredIn = Number(request.headers['content-length']);
    const declaredOut = Number(reply.getHeader('content-length'));
    const code = record.error?.status ?? (status === 200 && route === '/predict/:module' ? '000' : undefined);
    const line = {
      method: request.method,
      route: route ?? null,
      path: shorten(pathOf(request.url), 200),
      module: typeof module === 'string' ? shorten(module, 64) : undefined,
      status,
      code,
      ms: Math.round((performance.now() - record.started) * 10) / 10,
      bytes_in: Number.isSafeInteger(declaredIn) && declaredIn >= 0 ? declaredIn : Math.max(0, (socket?.bytesRead ?? 0) - record.bytesRead),
      bytes_out: raw?.bodyBytes ?? (Number.isSafeInteger(declaredOut) ? declaredOut : Math.max(0, (socket?.bytesWritten ?? 0) - record.bytesWritten)),
    };
    if (level === 'info') request.log.info(line, 'request');
    else request.log[level]({ ...line, ...(record.cause === undefined ? {} : { err: record.cause }) }, record.error?.message ?? 'request failed');
  }

  /** A refusal by node's HTTP parser (no request object): a line of its own, with the id sent in the reply. */
  static parserRefusal(logger: Logger, enabled: boolean, id: string, error: HubError, cause: unknown, bodyBytes: number): void {
    if (!enabled) return;
    logger.info({ [REQUEST_ID_LOG_LABEL]: id, method: null, route: null, status: error.http, code: error.status, bytes_out: bodyBytes, reason: (cause as Error)?.message }, 'request refused by the HTTP parser');
  }

  private fresh(): AccessRecord {
    return new AccessRecord(performance.now(), 0, 0);
  }
}
