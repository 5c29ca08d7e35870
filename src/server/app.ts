import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { hubError } from '../errors/catalogue.js';
import type { LoadedModule, ModuleDefinition } from '../modules/types.js';
import { BodyDrain, drainLimits } from './body/drain.js';
import { clientErrorToHubError, failure, rawErrorResponse, toHubError } from './envelope.js';
import type { Metrics } from './metrics.js';
import { registerJsonParser } from './json-body.js';
import { registerMultipart } from './multipart-body.js';
import { predictRoutes } from './routes/predict.js';
import { healthRoutes } from './routes/health.js';

const MAX_PARAM_LENGTH = 256;
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
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const drain = new BodyDrain(drainLimits(options.bodyLimit));
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // A log line per request costs throughput; errors are logged by the error handler instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    // fastify's own 503 while closing is not the envelope; predictions are refused below while draining instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Generous next to the prediction timeout, so slow uploads are cut but slow predictions answer with 504.
    requestTimeout: (options.timeoutSeconds + 30) * 1000,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Malformed or over-long URLs are refused by the router itself; they get the envelope too.
    frameworkErrors: (error, request, reply) => {
      const hub = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? hubError('URL_TOO_LONG', MAX_PARAM_LENGTH) : hubError('BAD_URL');
      request.log.debug({ err: error }, 'url refused');
      if (!drain.refuse(request, reply as FastifyReply, hub)) void (reply as FastifyReply).code(hub.http).send(failure(hub));
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
      options.logger.debug({ err: error }, 'request refused by the HTTP parser');
      socket.end(rawErrorResponse(hub));
      setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
    },
  });
  // A client that sends its request and then shuts its write side (socket.end()) still gets the reply; node
  // would otherwise abort the request the moment the client's FIN arrives.
  (app.server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  registerJsonParser(app, options.bodyLimit);
  await registerMultipart(app, options.bodyLimit);

  // Refused at once, before any body is read; the route checks again for requests already past this point.
  app.addHook('onRequest', async (request) => {
    if (options.state.draining && request.url.startsWith('/predict/')) throw hubError('UNAVAILABLE', 'the server is shutting down');
  });
  app.addHook('preClose', async () => drain.closeAll());

  // While draining, replies ask the client to close its keep-alive connection, so the server can exit as soon
  // as the requests in flight are answered instead of waiting for idle connections to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (options.state.draining) void reply.header('connection', 'close');
  });

  app.setErrorHandler((error, request, reply) => {
    const hub = toHubError(error, { bodyLimit: options.bodyLimit, contentType: request.headers['content-type'] ?? '' });
    if (hub.http >= 500 && hub.errorName !== 'TIMEOUT' && hub.errorName !== 'UNAVAILABLE') request.log.error({ err: error, url: request.url }, 'request failed');
    else request.log.debug({ err: error, url: request.url }, 'request refused');
    // Sent before the body was read to its end: a staged close that reads the rest first (see body/drain.ts).
    if (!drain.refuse(request, reply, hub)) void reply.code(hub.http).send(failure(hub));
  });

  app.setNotFoundHandler((request, reply) => {
    const hub = hubError('NOT_FOUND', request.url.slice(0, 200));
    if (!drain.refuse(request, reply, hub)) void reply.code(hub.http).send(failure(hub));
  });

  await app.register(healthRoutes, options);
  await app.register(predictRoutes, options);
  return app;
}
