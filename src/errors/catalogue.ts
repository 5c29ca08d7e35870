// Every error the server or the CLI can report, in one place: an envelope status (PaddleHub's codes where they
// exist), an HTTP status and a message builder. Handlers throw these; the error handler turns them into envelopes.

export type EnvelopeStatus = '101' | '111' | '112' | '113' | '114' | '115' | '116' | '117' | '118' | '119';

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
  UNKNOWN_MODULE: spec('111', 404, (name: string, available: string[]) =>
    `Module ${name} is not available. Available: ${available.join(', ') || '(none)'}.`),
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
} as const;

export type ErrorName = keyof typeof Errors;

export class HubError extends Error {
  readonly status: EnvelopeStatus;
  readonly http: number;
  readonly errorName: ErrorName;

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
