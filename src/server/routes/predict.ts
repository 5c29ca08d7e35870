import type { FastifyInstance, FastifyReply } from 'fastify';
import { requestTimeout, TIMEOUT_HEADER, withDeadline } from '../deadline.js';
import { HubError, hubError } from '../../errors/catalogue.js';
import { closest, parseOrThrow } from '../../config/issues.js';
import type { AppOptions } from '../app.js';
import { success } from '../envelope.js';
import { multipartArguments } from '../multipart-body.js';

// PaddleHub's route: POST /predict/<module>, every top-level key of the JSON body an argument of predict.

const shown = (name: string) => (name.length > 64 ? `${name.slice(0, 61)}...` : name);

export async function predictRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { modules, aliases, metrics, state, timeoutSeconds } = options;

  app.post<{ Params: { module: string } }>('/predict/:module', async (request, reply) => {
    const asked = request.params.module;
    const name = aliases.get(asked) ?? asked;
    // The server listens before its modules are loaded (so probes can see it loading): until then, 503.
    if (!state.ready && !state.draining) throw hubError('MODELS_LOADING');
    const served = modules.get(name);
    if (!served) throw hubError('UNKNOWN_MODULE', shown(asked), [...modules.keys()], closest(asked, [...modules.keys(), ...aliases.keys()]));
    const stop = metrics.duration.startTimer({ module: name });
    metrics.inFlight.inc();
    let status = '000';
    try {
      if (state.draining) throw hubError('SHUTTING_DOWN');
      const seconds = requestTimeout(request.headers[TIMEOUT_HEADER], timeoutSeconds);
      const body = request.isMultipart() ? multipartArguments(request.body as Record<string, unknown>) : request.body;
      if (body === undefined || body === null) throw hubError('BODY_NOT_JSON', 'the body is empty: send a JSON object of predict arguments');
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw hubError('INVALID_ARGUMENT', 'the body must be a JSON object whose keys are predict arguments, e.g. ' + JSON.stringify(served.definition.manifest.example));
      }
      const args = parseOrThrow(served.definition.predictSchema, { ...served.predictArgs, ...body }, (line) => hubError('INVALID_ARGUMENT', line));
      const timing = { queueMs: 0, inferMs: 0 };
      const started = performance.now();
      const results = await withDeadline(seconds, reply, timing, (call) => served.loaded.predict(args, call));
      void reply.header('server-timing', serverTiming(timing, performance.now() - started));
      return reply.send(success(results));
    } catch (error) {
      status = error instanceof HubError ? error.status : '101';
      if (!(error instanceof HubError)) {
        request.log.error({ err: error, module: name }, 'predict failed');
        throw hubError('PREDICT_FAILED', (error as Error)?.message ?? String(error));
      }
      throw error;
    } finally {
      stop();
      metrics.inFlight.dec();
      metrics.requests.inc({ module: name, status });
    }
  });

  app.route<{ Params: { module: string } }>({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: '/predict/:module',
    handler: async (request, reply) => {
      void reply.header('allow', 'POST');
      throw hubError('METHOD_NOT_ALLOWED', request.method, `/predict/${shown(request.params.module)}`);
    },
  });
}

const ms = (value: number) => value.toFixed(1);

/** Where the time went, for the client: waiting for a model call, in calls, and in all. */
function serverTiming(timing: { queueMs: number; inferMs: number }, totalMs: number): string {
  return `queue;dur=${ms(timing.queueMs)}, infer;dur=${ms(timing.inferMs)}, total;dur=${ms(totalMs)}`;
}
