import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app.js';

// Liveness, readiness, metrics and a short index of what is served.

export async function healthRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { modules, metrics, state } = options;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const ready = state.ready && !state.draining;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : state.draining ? 'draining' : 'loading', modules: [...modules.keys()] });
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/modules', async () =>
    [...modules.values()].map(({ definition, loaded, predictArgs }) => ({
      ...definition.manifest,
      weightsFrom: loaded.weightsFrom,
      predictArgs,
      arguments: definition.describeArgs(),
    })));

  app.get('/', async (_request, reply) => {
    const lines = [...modules.values()].map(({ definition: { manifest } }) =>
      `  POST /predict/${manifest.name}   ${manifest.summary}\n    e.g. ${JSON.stringify(manifest.example)}`);
    return reply.type('text/plain; charset=utf-8').send(
      `Hub Serving\n\nModules:\n${lines.join('\n')}\n\nAlso: GET /modules, /healthz, /readyz, /metrics\n`);
  });
}
