// Every error the server can reply with, in one place: an envelope code (PaddleHub's where it has one), an HTTP
// status, what it means, the headers every such reply carries, and a message builder. The entry's name, lower-cased,
// is the envelope's "error" and the refusal metric's reason. docs/operations.md lists the same table; a test holds
// the two together. Handlers throw these; the error handlers of both protocols turn them into replies.

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
/** The envelope's status on errors: three digits, one code per meaning. */
export type EnvelopeStatus = `1${Digit}${Digit}`;

interface Spec<A extends unknown[]> {
  status: EnvelopeStatus;
  http: number;
  /** What the code means, word for word as docs/operations.md's table says it. */
  meaning: string;
  message: (...args: A) => string;
  /** Headers every reply with this error carries (Retry-After where a retry soon may succeed). */
  headers: Readonly<Record<string, string>>;
}

function spec<A extends unknown[]>(status: EnvelopeStatus, http: number, meaning: string, message: (...args: A) => string,
  headers: Record<string, string> = {}): Spec<A> {
  return { status, http, meaning, message, headers };
}

/** Seconds a client may wait before retrying a 503 that is expected to pass. */
const retryAfter = (seconds: number) => ({ 'retry-after': String(seconds) });

export const Errors = {
  // PaddleHub's own codes: 101 predict failed, 111 unknown module, 112 body not JSON.
  PREDICT_FAILED: spec('101', 500, 'the prediction failed, or the server met an unexpected error (the log has the cause)',
    (detail: string) => `Prediction failed: ${detail}`),
  UNKNOWN_MODULE: spec('111', 404, 'no such module under `/predict` (the message lists the served ones)',
    (name: string, available: string[], guess?: string) =>
      `Module ${name} is not available.${guess ? ` Did you mean ${guess}?` : ''} Available: ${available.join(', ') || '(none)'}.`),
  BODY_NOT_JSON: spec('112', 400, 'the body is not JSON, not UTF-8, or empty',
    (detail: string) => `The request body is not valid JSON: ${detail}`),
  // Codes of our own, in the same style.
  INVALID_ARGUMENT: spec('113', 400, 'an argument or `/v2` tensor is missing, unknown, of the wrong type or out of range, or an image cannot be decoded',
    (detail: string) => detail),
  UNSUPPORTED_MEDIA_TYPE: spec('114', 415, 'the body is neither JSON nor `multipart/form-data`', (type: string) =>
    `Content-Type ${type || '(none)'} is not supported: send application/json, or multipart/form-data for files.`),
  BODY_TOO_LARGE: spec('115', 413, 'the body is larger than `--body_limit` (8 MB by default)',
    (limit: number) => `The request body is larger than the limit of ${limit} bytes.`),
  METHOD_NOT_ALLOWED: spec('116', 405, 'a method other than POST on `/predict/<module>`', (method: string, path: string) =>
    `${method} is not allowed on ${path}: use POST.`),
  NOT_FOUND: spec('117', 404, 'no such route', (path: string) =>
    `Nothing is served at ${path}. Predictions go to POST /predict/<module>, or POST /v2/models/<model>/infer.`),
  MODELS_LOADING: spec('118', 503, 'the server listens but its models are still loading',
    () => 'The service is unavailable: the models are still loading.', retryAfter(2)),
  TIMEOUT: spec('119', 504, 'the prediction took longer than `--timeout` (60 s)',
    (seconds: number) => `The request took longer than the timeout of ${seconds} s.`),
  // The count of parts is a limit of its own: 413 stays for bytes.
  TOO_MANY_PARTS: spec('120', 400, 'a multipart body with more than 64 files or 64 fields', (what: string, limit: number) =>
    `The multipart body has too many ${what}: at most ${limit} ${what} per request.`),
  NESTED_TOO_DEEP: spec('121', 400, 'JSON nested deeper than 64 levels', (limit: number) =>
    `The request body nests arrays or objects deeper than the limit of ${limit} levels.`),
  // Refusals by the HTTP layer, before a request reaches a route.
  REQUEST_TIMEOUT: spec('122', 408, 'the request was not received completely in time (`--timeout` + 30 s)',
    () => 'The request was not received completely in time; the connection is closed.'),
  HEADERS_TOO_LARGE: spec('123', 431, "the request line and headers are larger than node's limit (16 KB)", (limit: number) =>
    `The request line and headers are larger than the limit of ${limit} bytes.`),
  // Admission control: the model's queue cannot take the request's items; Retry-After (set per refusal) says when.
  OVERLOADED: spec('124', 429, "the model's queue cannot take the request's items now (`--max_queue_size`)",
    (model: string, queued: number, limit: number, retryAfterSeconds: number) =>
      `The ${model} queue is full (${queued} of ${limit} items waiting); retry in ${retryAfterSeconds} s.`),
  TOO_MANY_ITEMS: spec('125', 413, "the request makes more items than the model's whole queue holds", (model: string, items: number, limit: number) =>
    `The request makes ${items} items for ${model}, more than its queue holds (${limit}): send fewer texts or images per request, or start the server with a larger --max_queue_size.`),
  // Refusals by the security checks, before any work (src/server/security/).
  UNAUTHORIZED: spec('126', 401, 'no API key, or a wrong one (`--api_key`)', (why: string) =>
    `${why}: send Authorization: Bearer <key> or X-Api-Key: <key>.`),
  HOST_NOT_ALLOWED: spec('127', 403, 'the `Host` is not an allowed name (`--allowed_hosts`)', (host: string) =>
    `Host ${host} is not allowed. The server answers only the names it was told to: start it with --allowed_hosts (HUB_ALLOWED_HOSTS) listing this name.`),
  ORIGIN_NOT_ALLOWED: spec('128', 403, "the `Origin` is another site's and not in `--cors_origins`", (origin: string) =>
    `Origin ${origin} is not allowed: requests from web pages of other origins are refused; list the origin in --cors_origins (HUB_CORS_ORIGINS) to allow it.`),
  // Refusals of the URL and of the HTTP message itself.
  URL_TOO_LONG: spec('129', 414, 'a path segment of the URL is longer than 256 characters',
    (limit: number) => `The URL is refused: a path segment is longer than ${limit} characters.`),
  BAD_URL: spec('130', 400, 'the URL is not a valid URL', () => 'The URL is refused: it is not a valid URL.'),
  BAD_HTTP: spec('131', 400, 'the request is not valid HTTP, or the client closed its side before sending all of it',
    (reason: string) => `The request is not valid HTTP: ${reason}.`),
  MALFORMED_BODY: spec('132', 400, 'the body is malformed: bad multipart syntax, a `Content-Length` it does not match, or cut short',
    (detail: string) => detail),
  IMAGE_TOO_LARGE: spec('133', 413, 'an image over --image_max_pixels, --image_max_side or --image_max_bytes (40 megapixels, 20,000 pixels, 32 MB by default), judged before it is decoded',
    (item: string, detail: string) => `${item}: the image is too large: ${detail}`),
  // The server cannot run the request now; each 503 says why.
  SHUTTING_DOWN: spec('134', 503, 'the server is shutting down (SIGTERM or SIGINT)',
    () => 'The service is unavailable: the server is shutting down.', retryAfter(1)),
  // nginx's code for a client that left: a log entry and a metric, not a server fault.
  CLIENT_CLOSED: spec('135', 499, 'the client closed the connection before the answer: only the log and the metrics see it',
    () => 'The client closed the connection before the answer.'),
  CANCELLED: spec('136', 503, "the request's model work was cancelled for a reason other than its deadline or its client leaving",
    () => 'The service is unavailable: the request was cancelled.'),
  THREADS_BUSY: spec('137', 503, "every inference thread is busy and the thread pool's own queue is full",
    () => 'The service is unavailable: every inference thread is busy and the queue is full; retry shortly.', retryAfter(1)),
  THREAD_STOPPED: spec('138', 503, 'an inference thread stopped while it held the request',
    () => 'The service is unavailable: an inference thread stopped; retry.', retryAfter(1)),
  MODEL_UNLOADING: spec('139', 503, 'the `/v2` model is being unloaded (the repository extension)',
    (model: string) => `model ${model} is being unloaded`),
  // The Open Inference Protocol's own refusals (/v2), in its lower-case style.
  UNKNOWN_MODEL: spec('140', 404, 'no such model under `/v2` (the message lists the served ones)', (name: string, served: string[]) =>
    `unknown model ${JSON.stringify(name.slice(0, 100))}; served: ${served.join(', ') || '(none)'}`),
  UNKNOWN_VERSION: spec('141', 404, 'the `/v2` model has no such version', (name: string, version: string, versions: string[]) =>
    `model ${name} has no version ${JSON.stringify(version.slice(0, 40))}; versions: ${versions.join(', ')}`),
  NOT_IN_REPOSITORY: spec('142', 404, 'no such ONNX file in the folders of `--model_repository`', (name: string) =>
    `no model ${JSON.stringify(name.slice(0, 64))} in the model repository (${name}.onnx or ${name}/model.onnx under the model folders)`),
  MODEL_NOT_LOADED: spec('143', 404, 'unloading a model that is not loaded',
    (name: string) => `model ${JSON.stringify(name.slice(0, 64))} is not loaded`),
  BUILT_IN_MODULE: spec('144', 409, 'loading or unloading a module served since start: the repository holds only ONNX files',
    (name: string) => `${name} is a module served since start; only ONNX files of the repository can be loaded or unloaded`),
  MODEL_LOAD_FAILED: spec('145', 400, "the repository's ONNX file cannot be loaded by onnxruntime",
    (name: string, detail: string) => `model ${name} cannot be loaded: ${detail}`),
  // Admission by deadline: the work ahead would not let the request (or one already queued) finish in time.
  WOULD_MISS_DEADLINE: spec('146', 429, "the model's queue would not let the request be answered before its deadline (`--timeout`, `Hub-Timeout`)",
    (model: string, queued: number, retryAfterSeconds: number) =>
      `The ${model} queue holds ${queued} items: this request would not be answered before its deadline; retry in ${retryAfterSeconds} s.`),
} as const;

export type ErrorName = keyof typeof Errors;

type MessageArgs<N extends ErrorName> = Parameters<(typeof Errors)[N]['message']>;

/** The name clients and metrics see: "invalid_argument", "overloaded". */
export function errorLabel(name: ErrorName): string {
  return name.toLowerCase();
}

export class HubError extends Error {
  readonly status: EnvelopeStatus;
  readonly http: number;
  readonly errorName: ErrorName;
  /** HTTP headers the reply carries with this error: the entry's own, then any added by withHeaders. */
  readonly headers: Record<string, string>;

  // Private: every error is made from the catalogue (hubError), so none can carry a code or status of its own.
  private constructor(name: ErrorName, message: string, headers: Record<string, string>) {
    super(message);
    this.name = 'HubError';
    this.errorName = name;
    this.status = Errors[name].status;
    this.http = Errors[name].http;
    this.headers = headers;
  }

  /** Builds the entry's error with type-checked message arguments. */
  static of<N extends ErrorName>(name: N, ...args: MessageArgs<N>): HubError {
    const build = Errors[name].message as (...a: unknown[]) => string;
    return new HubError(name, build(...args), { ...Errors[name].headers });
  }

  /** The envelope's "error" and the refusal metric's reason. */
  get label(): string {
    return errorLabel(this.errorName);
  }

  /** Adds headers this one reply carries (Retry-After computed for it, WWW-Authenticate); returns the error. */
  withHeaders(headers: Record<string, string>): this {
    Object.assign(this.headers, headers);
    return this;
  }

  /** The same error with another message (one cleaned for the client), its headers kept. */
  withMessage(message: string): HubError {
    return new HubError(this.errorName, message, { ...this.headers });
  }
}

/** Builds a HubError from the catalogue with type-checked message arguments. */
export function hubError<N extends ErrorName>(name: N, ...args: MessageArgs<N>): HubError {
  return HubError.of(name, ...args);
}

/** A mistake on the command line or in a config file: printed as one line, exit code 1, no stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
