import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { hubError } from '../errors/catalogue.js';
import type { LoadedModule, ModuleDefinition } from '../modules/types.js';
import { failure, toHubError } from './envelope.js';
import type { Metrics } from './metrics.js';
import { registerJsonParser } from './json-body.js';
import { registerMultipart } from './multipart-body.js';
import { predictRoutes } from './routes/predict.js';
import { healthRoutes } from './routes/health.js';

const MAX_PARAM_LENGTH = 256;

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
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // A log line per request costs throughput; errors are logged by the error handler instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Generous next to the prediction timeout, so slow uploads are cut but slow predictions answer with 504.
    requestTimeout: (options.timeoutSeconds + 30) * 1000,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Malformed or over-long URLs are refused by the router itself; they get the envelope too.
    frameworkErrors: (error, request, reply) => {
      const hub = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? hubError('URL_TOO_LONG', MAX_PARAM_LENGTH) : hubError('BAD_URL');
      request.log.debug({ err: error }, 'url refused');
      void (reply as FastifyReply).code(hub.http).send(failure(hub));
    },
  });

  registerJsonParser(app, options.bodyLimit);
  await registerMultipart(app, options.bodyLimit);

  // While draining, replies ask the client to close its keep-alive connection, so the server can exit as soon
  // as the requests in flight are answered instead of waiting for idle connections to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (options.state.draining) void reply.header('connection', 'close');
  });

  app.setErrorHandler((error, request, reply) => {
    const hub = toHubError(error, { bodyLimit: options.bodyLimit, contentType: request.headers['content-type'] ?? '' });
    if (hub.http >= 500 && hub.errorName !== 'TIMEOUT' && hub.errorName !== 'UNAVAILABLE') request.log.error({ err: error, url: request.url }, 'request failed');
    else request.log.debug({ err: error, url: request.url }, 'request refused');
    void reply.code(hub.http).send(failure(hub));
  });

  app.setNotFoundHandler((request, reply) => {
    const hub = hubError('NOT_FOUND', request.url.slice(0, 200));
    void reply.code(hub.http).send(failure(hub));
  });

  await app.register(healthRoutes, options);
  await app.register(predictRoutes, options);
  return app;
}
