import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { hubError, type ErrorName, type HubError } from '../errors/catalogue.js';
import { AccessLog, REQUEST_ID_HEADER, REQUEST_ID_LOG_LABEL, requestId } from './access-log.js';
import { isOpenRoute, keyCheck } from './security/auth.js';
import { hostCheck } from './security/hosts.js';
import { originCheck } from './security/origin.js';
import { withoutPaths } from './security/redact.js';
import type { LoadedModule, ModuleDefinition } from '../modules/types.js';
import { BodyDrain, drainLimits } from './body/drain.js';
import { clientErrorToHubError, failure, rawErrorResponse, toHubError } from './envelope.js';
import type { Metrics } from './metrics.js';
import { registerJsonParser } from './json-body.js';
import { PACKAGE_VERSION } from './package-version.js';
import { v2Routes, type V2Model, type V2Options } from './v2/routes.js';
import { registerMultipart } from './multipart-body.js';
import { predictRoutes } from './routes/predict.js';
import { healthRoutes } from './routes/health.js';
import { openApiRoutes } from './openapi/routes.js';

const MAX_PARAM_LENGTH = 256;

/**
 * fastify's schema compilers (ajv, fast-json-stringify), loaded on the first route with a schema rather than by
 * the constructor: no route has one today, and loading them cost about 60 ms of every start.
 */
export function lazySchemaCompilers() {
  // Resolved from fastify's own folder: they are its dependencies, not ours.
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  type Factory = (...args: unknown[]) => unknown;
  let validator: Factory | undefined;
  let serializer: Factory | undefined;
  return {
    buildValidator: (...args: unknown[]) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => Factory)())(...args),
    buildSerializer: (...args: unknown[]) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factory)())(...args),
  };
}
/** How long a socket refused by the HTTP parser may stay open to let the client read the refusal. */
const CLIENT_ERROR_LINGER_MS = 2000;

export interface ServedModule {
  definition: ModuleDefinition;
  loaded: LoadedModule;
  /** Defaults from the config's predict_args; the request overrides them. */
  predictArgs: Record<string, unknown>;
}

export interface AppState {
  ready: boolean;
  draining: boolean;
}

export interface AppOptions {
  modules: Map<string, ServedModule>;
  /** Task names a module was started by (`-m ocr`), answered by that module too. */
  aliases: Map<string, string>;
  bodyLimit: number;
  timeoutSeconds: number;
  logger: Logger;
  metrics: Metrics;
  state: AppState;
  /** The address listened on, for the default allowed hosts; undefined: every interface's. */
  host?: string;
  /** One info line per request (default true); errors are logged either way. */
  accessLog?: boolean;
  /** Keys a request must present (Authorization: Bearer, X-Api-Key); none: no key is required. */
  apiKeys?: readonly string[];
  /** Names the Host header may carry; undefined: loopback, the listening address(es) and the hostname. */
  allowedHosts?: readonly string[];
  /** Origins CORS allows; none: CORS off, and a request with another page's Origin is refused. */
  corsOrigins?: readonly string[];
  /** What /v2 serves (modules with a tensor form, ONNX files); the map fills as models load. */
  v2Models?: Map<string, V2Model>;
  /** The repository extension of /v2, where --enable_model_control turned it on. */
  repository?: V2Options['repository'];
  /** The PID file's token: /healthz signs a challenge with it (process/identity.ts). */
  identity?: string;
}

/** Messages that only repeat the client's own URL are sent as they are; any other loses absolute paths. */
const ECHOES_URL = new Set<ErrorName>(['NOT_FOUND', 'METHOD_NOT_ALLOWED', 'UNKNOWN_MODULE', 'URL_TOO_LONG', 'BAD_URL']);

function shownToClient(error: HubError): HubError {
  if (ECHOES_URL.has(error.errorName)) return error;
  const message = withoutPaths(error.message);
  if (message === error.message) return error;
  return error.withMessage(message);
}

/** The reply's headers so far as text, for a refusal written straight to the socket. */
function headerText(headers: Record<string, string | number | string[] | undefined>): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) text[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return text;
}

/** The served module or /v2 model a request names, for a metric's label; '' for any other name (no label per typo). */
function modelOf(request: FastifyRequest, options: AppOptions): string {
  const params = request.params as { module?: unknown; model?: unknown } | undefined;
  if (typeof params?.module === 'string') {
    const name = options.aliases.get(params.module) ?? params.module;
    return options.modules.has(name) ? name : '';
  }
  return typeof params?.model === 'string' && options.v2Models?.has(params.model) ? params.model : '';
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const drain = new BodyDrain(drainLimits(options.bodyLimit));
  const access = new AccessLog(options.accessLog ?? true);
  const checkHost = hostCheck(options.allowedHosts, options.host);
  const checkOrigin = originCheck(options.corsOrigins ?? []);
  const checkKey = keyCheck(options.apiKeys ?? []);
  const corsEnabled = (options.corsOrigins ?? []).length > 0;

  /** Sends a refusal or failure in the envelope; before the body was read, as a staged close (body/drain.ts). */
  const answer = (request: FastifyRequest, reply: FastifyReply, hub: HubError, cause: unknown) => {
    access.failed(request, hub, cause);
    const shown = shownToClient(hub);
    // Set here too: a reply to a URL the router refused skips the onSend hooks.
    void reply.headers({ ...hub.headers, [REQUEST_ID_HEADER]: request.id });
    const headers = { ...headerText(reply.getHeaders()), [REQUEST_ID_HEADER]: request.id };
    // A reply to HEAD has no body: fastify's own send leaves it out (the staged close would write one).
    if (request.method !== 'HEAD' && drain.refuse(request, reply, shown, headers)) {
      access.end(request, reply, { status: hub.http, bodyBytes: Buffer.byteLength(JSON.stringify(failure(shown))) });
    } else {
      void reply.code(hub.http).send(failure(shown));
    }
  };

  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // X-Request-Id: the client's when it is plain and short, else one made here; echoed on every reply and
    // bound to every log line of the request.
    genReqId: requestId,
    // fastify's own request lines are off: access-log.ts writes one line per request (or none, for errors only).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: REQUEST_ID_LOG_LABEL }),
    bodyLimit: options.bodyLimit,
    schemaController: { compilersFactory: lazySchemaCompilers() as never },
    // fastify's own 503 while closing is not the envelope; predictions are refused below while draining instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Generous next to the prediction timeout, so slow uploads are cut but slow predictions answer with 504.
    requestTimeout: (options.timeoutSeconds + 30) * 1000,
    keepAliveTimeout: 72_000,
    // /predict/lac/ is /predict/lac, as clients that add a slash expect.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    // Malformed or over-long URLs are refused by the router itself; they get the envelope too.
    frameworkErrors: (error, request, reply) => {
      const hub = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? hubError('URL_TOO_LONG', MAX_PARAM_LENGTH) : hubError('BAD_URL');
      request.log.debug({ err: error }, 'url refused');
      options.metrics.refusedRequest(hub);
      access.begin(request);
      // No onResponse hook runs for these: the line is written once the reply is.
      reply.raw.once('finish', () => access.end(request, reply as FastifyReply));
      answer(request, reply as FastifyReply, hub, hub);
    },
    // Refusals by node's HTTP parser (400 malformed, 408 too slow, 431 headers too large) in the envelope too.
    // Written only if no response has started on the socket; then the socket ends, and closes soon after.
    clientErrorHandler: (error, socket) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || socket.destroyed) return;
      const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
      if (!socket.writable || started) {
        socket.destroy();
        return;
      }
      const hub = clientErrorToHubError(error);
      const id = randomUUID();
      const response = rawErrorResponse(hub, { [REQUEST_ID_HEADER]: id });
      options.metrics.refusedRequest(hub);
      AccessLog.parserRefusal(options.logger, options.accessLog ?? true, id, hub, error, Buffer.byteLength(JSON.stringify(failure(hub))));
      socket.end(response);
      setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
    },
  });
  // A client that sends its request and then shuts its write side (socket.end()) still gets the reply; node
  // would otherwise abort the request the moment the client's FIN arrives.
  (app.server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  registerJsonParser(app, options.bodyLimit);
  await registerMultipart(app, options.bodyLimit);

  // Set before any route exists (CORS adds one): a route keeps the error handler in place when it was added.
  app.setErrorHandler((error, request, reply) => {
    // The request's log line (access-log.ts) carries the cause: 5xx at error, 503 and 504 at warn.
    const hub = toHubError(error, { bodyLimit: options.bodyLimit, contentType: request.headers['content-type'] ?? '' });
    answer(request, reply, hub, error);
  });

  app.setNotFoundHandler((request, reply) => {
    const hub = hubError('NOT_FOUND', request.url.slice(0, 200));
    answer(request, reply, hub, hub);
  });

  AccessLog.decorate(app);
  // Who may ask, before any body is read or any work is done: the Host (DNS rebinding), the Origin (pages of
  // other sites), the API key. The probes (/healthz, /readyz) answer any Host without a key: orchestrators call
  // them by addresses the server cannot know, and they tell nothing worth protecting.
  // A prediction while draining is refused at once too, before any body is read; the route checks again for
  // requests already past this point.
  const refusal = (request: FastifyRequest): HubError | undefined => {
    const open = isOpenRoute(request.routeOptions.url);
    const preflight = corsEnabled && request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    return (open ? undefined : checkHost(request.headers.host))
      ?? checkOrigin(request.headers.origin, request.headers.host)
      ?? (preflight || open ? undefined : checkKey(request.headers))
      ?? (options.state.draining && request.url.startsWith('/predict/') ? hubError('SHUTTING_DOWN') : undefined);
  };
  // Hooks in callback form: their work is synchronous, and an async hook costs a promise per request. Without
  // CORS one hook does it all (each hook costs fastify a step per request); with it, CORS runs between the two.
  app.addHook('onRequest', (request, _reply, done) => {
    access.begin(request);
    done(corsEnabled ? undefined : refusal(request));
  });
  // CORS first, so that a listed origin's preflight is answered without a key and its refusals are readable.
  if (corsEnabled) {
    const listed = checkOrigin.cors;
    await app.register(cors, {
      origin: listed === true ? '*' : (origin, done) => done(null, origin !== undefined && listed.includes(origin.toLowerCase())),
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'X-Request-Id', 'Hub-Timeout'],
      exposedHeaders: ['X-Request-Id', 'Server-Timing', 'Retry-After', 'WWW-Authenticate'],
      maxAge: 600,
      // An OPTIONS without Access-Control-Request-Method gets 204 like a preflight, not a text/plain 400.
      strictPreflight: false,
    });
    app.addHook('onRequest', (request, _reply, done) => done(refusal(request)));
  }
  app.addHook('onResponse', (request, reply, done) => {
    access.end(request, reply);
    done();
  });
  // Every error of every route (PaddleHub's and /v2, whose shapes differ) passes here first: refusals are counted.
  app.addHook('onError', (request, _reply, error, done) => {
    options.metrics.refusedRequest(toHubError(error, { bodyLimit: options.bodyLimit, contentType: '' }), modelOf(request, options));
    done();
  });
  app.addHook('preClose', async () => drain.closeAll());

  // While draining, replies ask the client to close its keep-alive connection, so the server can exit as soon
  // as the requests in flight are answered instead of waiting for idle connections to time out.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (options.state.draining) void reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(healthRoutes, options);
  await app.register((await import('./routes/playground.js')).playgroundRoutes, options);
  await app.register(predictRoutes, options);
  await app.register(openApiRoutes, options);
  const v2Models = options.v2Models ?? new Map<string, V2Model>();
  await app.register(v2Routes, {
    prefix: '/v2',
    serverName: 'hub-serving',
    serverVersion: PACKAGE_VERSION,
    models: () => v2Models,
    ready: () => options.state.ready && !options.state.draining,
    draining: () => options.state.draining,
    bodyLimit: options.bodyLimit,
    maxElements: Math.floor(options.bodyLimit / 2),
    timeoutSeconds: options.timeoutSeconds,
    repository: options.repository,
  });
  return app;
}
