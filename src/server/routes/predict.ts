import type { FastifyInstance } from 'fastify';
import { HubError, hubError } from '../../errors/catalogue.js';
import { parseOrThrow } from '../../config/issues.js';
import type { AppOptions } from '../app.js';
import { success } from '../envelope.js';
import { multipartArguments } from '../multipart-body.js';

// PaddleHub's route: POST /predict/<module>, every top-level key of the JSON body an argument of predict.

const shown = (name: string) => (name.length > 64 ? `${name.slice(0, 61)}...` : name);

export async function predictRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { modules, aliases, metrics, state, timeoutSeconds } = options;
  const names = [...modules.keys()];

  app.post<{ Params: { module: string } }>('/predict/:module', async (request, reply) => {
    const asked = request.params.module;
    const name = aliases.get(asked) ?? asked;
    const served = modules.get(name);
    if (!served) throw hubError('UNKNOWN_MODULE', shown(asked), names);
    const stop = metrics.duration.startTimer({ module: name });
    let status = '000';
    try {
      if (state.draining) throw hubError('UNAVAILABLE', 'the server is shutting down');
      const body = request.isMultipart() ? multipartArguments(request.body as Record<string, unknown>) : request.body;
      if (body === undefined || body === null) throw hubError('BODY_NOT_JSON', 'the body is empty: send a JSON object of predict arguments');
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw hubError('INVALID_ARGUMENT', 'the body must be a JSON object whose keys are predict arguments, e.g. ' + JSON.stringify(served.definition.manifest.example));
      }
      const args = parseOrThrow(served.definition.predictSchema, { ...served.predictArgs, ...body }, (line) => new HubError('INVALID_ARGUMENT', line));
      const results = await withTimeout(timeoutSeconds, (signal) => served.loaded.predict(args, { signal }));
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

/** Runs work with an abort signal that fires after the timeout, and answers 504 then even if work lingers. */
async function withTimeout<T>(seconds: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = hubError('TIMEOUT', seconds);
      controller.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
