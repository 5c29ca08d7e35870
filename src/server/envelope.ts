import { STATUS_CODES, maxHeaderSize } from 'node:http';
import { HubError, hubError } from '../errors/catalogue.js';

// PaddleHub's reply shape: {"msg", "results", "status"}; status "000" means success. An error reply adds
// "error", the catalogue's name for the code, for clients that branch on names rather than numbers.

export interface Envelope {
  msg: string;
  results: unknown;
  status: string;
  error?: string;
}

export function success(results: unknown): Envelope {
  return { msg: '', results, status: '000' };
}

export function failure(error: HubError): Envelope {
  return { msg: error.message, results: '', status: error.status, error: error.label };
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/**
 * Any error to a HubError. Errors from the HTTP layer (body limit, media type, JSON syntax) get their own
 * catalogue entry; anything unexpected becomes a generic failure whose details stay in the log.
 */
export function toHubError(error: unknown, context: { bodyLimit: number; contentType: string }): HubError {
  if (error instanceof HubError) return error;
  const e = (error ?? {}) as FrameworkError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return hubError('BODY_TOO_LARGE', context.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return hubError('UNSUPPORTED_MEDIA_TYPE', context.contentType);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return hubError('MALFORMED_BODY', 'the Content-Length header does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return hubError('BODY_NOT_JSON', 'the body is empty');
    default:
      break;
  }
  if (e.statusCode === 400 && e.message) {
    return context.contentType.startsWith('multipart/')
      ? hubError('MALFORMED_BODY', `the multipart body is malformed: ${e.message}`)
      : hubError('BODY_NOT_JSON', e.message);
  }
  if (e.statusCode === 413) return hubError('BODY_TOO_LARGE', context.bodyLimit);
  if (e.statusCode === 415) return hubError('UNSUPPORTED_MEDIA_TYPE', context.contentType);
  return hubError('PREDICT_FAILED', 'internal error (the server log has the details)');
}

interface ParserError {
  code?: string;
  reason?: string;
}

/** An error node's HTTP parser or its timeouts raise before a request reaches fastify, as a HubError. */
export function clientErrorToHubError(error: unknown): HubError {
  const e = (error ?? {}) as ParserError;
  switch (e.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return hubError('REQUEST_TIMEOUT');
    case 'HPE_HEADER_OVERFLOW':
      return hubError('HEADERS_TOO_LARGE', maxHeaderSize);
    case 'HPE_INVALID_EOF_STATE':
      return hubError('BAD_HTTP', 'the client closed its side before the request was complete');
    default: {
      // llhttp's reason ("Invalid method encountered"): short and fixed, never request bytes.
      const reason = typeof e.reason === 'string' ? e.reason.replace(/[^\x20-\x7e]/g, '').slice(0, 120) : '';
      return hubError('BAD_HTTP', reason || 'it could not be parsed');
    }
  }
}

/**
 * A complete HTTP/1.1 response carrying the envelope, to write straight to a socket; the connection closes.
 * The error's own headers and `headers` (X-Request-Id, ...) are added; values with characters HTTP forbids are
 * left out.
 */
export function rawErrorResponse(error: HubError, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(failure(error));
  const extra = Object.entries({ ...error.headers, ...headers })
    .filter(([name, value]) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && /^[\t\x20-\x7e]*$/.test(value)
      && !/^(content-type|content-length|connection|transfer-encoding)$/i.test(name))
    .map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${error.http} ${STATUS_CODES[error.http] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`;
}
