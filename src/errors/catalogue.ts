// Every error the server or the CLI can report, in one place: an envelope status (PaddleHub's codes where they
// exist), an HTTP status and a message builder. Handlers throw these; the error handler turns them into envelopes.

export type EnvelopeStatus = '101' | '111' | '112' | '113' | '114' | '115' | '116' | '117' | '118' | '119' | '120' | '121' | '122' | '123' | '124' | '125' | '126' | '127' | '128';

interface Spec<A extends unknown[]> {
  status: EnvelopeStatus;
  http: number;
  message: (...args: A) => string;
}

function spec<A extends unknown[]>(status: EnvelopeStatus, http: number, message: (...args: A) => string): Spec<A> {
  return { status, http, message };
}

export const Errors = {
  // PaddleHub's own codes: 101 predict failed, 111 unknown module, 112 body not JSON.
  PREDICT_FAILED: spec('101', 500, (detail: string) => `Prediction failed: ${detail}`),
  UNKNOWN_MODULE: spec('111', 404, (name: string, available: string[], guess?: string) =>
    `Module ${name} is not available.${guess ? ` Did you mean ${guess}?` : ''} Available: ${available.join(', ') || '(none)'}.`),
  BODY_NOT_JSON: spec('112', 400, (detail: string) => `The request body is not valid JSON: ${detail}`),
  // Codes of our own, in the same style.
  IMAGE_TOO_LARGE: spec('115', 413, (item: string, detail: string) => `${item}: the image is too large: ${detail}`),
  INVALID_ARGUMENT: spec('113', 400, (detail: string) => detail),
  UNSUPPORTED_MEDIA_TYPE: spec('114', 415, (type: string) =>
    `Content-Type ${type || '(none)'} is not supported: send application/json, or multipart/form-data for files.`),
  BODY_TOO_LARGE: spec('115', 413, (limit: number) => `The request body is larger than the limit of ${limit} bytes.`),
  METHOD_NOT_ALLOWED: spec('116', 405, (method: string, path: string) =>
    `${method} is not allowed on ${path}: use POST.`),
  URL_TOO_LONG: spec('113', 414, (limit: number) => `The URL is refused: a path segment is longer than ${limit} characters.`),
  BAD_URL: spec('113', 400, () => 'The URL is refused: it is not a valid URL.'),
  NOT_FOUND: spec('117', 404, (path: string) => `Nothing is served at ${path}. Predictions go to POST /predict/<module>.`),
  UNAVAILABLE: spec('118', 503, (why: string) => `The service is unavailable: ${why}`),
  TIMEOUT: spec('119', 504, (seconds: number) => `The request took longer than the timeout of ${seconds} s.`),
  // The count of parts is a limit of its own: 413 stays for bytes.
  TOO_MANY_PARTS: spec('120', 400, (what: string, limit: number) =>
    `The multipart body has too many ${what}: at most ${limit} ${what} per request.`),
  NESTED_TOO_DEEP: spec('121', 400, (limit: number) =>
    `The request body nests arrays or objects deeper than the limit of ${limit} levels.`),
  // Refusals by the HTTP layer, before a request reaches a route.
  REQUEST_TIMEOUT: spec('122', 408, () => 'The request was not received completely in time; the connection is closed.'),
  HEADERS_TOO_LARGE: spec('123', 431, (limit: number) =>
    `The request line and headers are larger than the limit of ${limit} bytes.`),
  BAD_HTTP: spec('113', 400, (reason: string) => `The request is not valid HTTP: ${reason}.`),
  // Admission control: the model's queue cannot take the request's items; Retry-After says when it may.
  OVERLOADED: spec('124', 429, (model: string, queued: number, limit: number, retryAfter: number) =>
    `The ${model} queue is full (${queued} of ${limit} items waiting); retry in ${retryAfter} s.`),
  TOO_MANY_ITEMS: spec('125', 413, (model: string, items: number, limit: number) =>
    `The request makes ${items} items for ${model}, more than its queue holds (${limit}): send fewer texts or images per request, or start the server with a larger --max_queue_size.`),
  // Refusals by the security checks, before any work (src/server/security/).
  UNAUTHORIZED: spec('126', 401, (why: string) =>
    `${why}: send Authorization: Bearer <key> or X-Api-Key: <key>.`),
  HOST_NOT_ALLOWED: spec('127', 403, (host: string) =>
    `Host ${host} is not allowed. The server answers only the names it was told to: start it with --allowed_hosts (HUB_ALLOWED_HOSTS) listing this name.`),
  ORIGIN_NOT_ALLOWED: spec('128', 403, (origin: string) =>
    `Origin ${origin} is not allowed: requests from web pages of other origins are refused; list the origin in --cors_origins (HUB_CORS_ORIGINS) to allow it.`),
} as const;

export type ErrorName = keyof typeof Errors;

export class HubError extends Error {
  readonly status: EnvelopeStatus;
  readonly http: number;
  readonly errorName: ErrorName;
  /** HTTP headers the reply carries with this error (Retry-After on a refusal). */
  headers: Record<string, string> = {};

  constructor(name: ErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubError';
    this.errorName = name;
    this.status = Errors[name].status;
    this.http = Errors[name].http;
  }
}

/** Builds a HubError from the catalogue with type-checked message arguments. */
export function hubError<N extends ErrorName>(
  name: N,
  ...args: Parameters<(typeof Errors)[N]['message']>
): HubError {
  const build = Errors[name].message as (...a: unknown[]) => string;
  return new HubError(name, build(...args));
}

/** A mistake on the command line or in a config file: printed as one line, exit code 1, no stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
