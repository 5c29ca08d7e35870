import type { FastifyInstance } from 'fastify';
import { CHALLENGE_HEADER, PROOF_HEADER, identityProof } from '../../process/identity.js';
import type { AppOptions } from '../app.js';
import { readinessAnswer } from '../health/readiness.js';
import { valueWithoutPaths, withoutPaths } from '../security/redact.js';

// Liveness, readiness, metrics and the served modules (GET / is in playground.ts).

export async function healthRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { modules, metrics, state, identity } = options;

  // A challenge is signed with the PID file's token, so `hub serving stop` can tell this server from a stranger
  // on the port where /proc cannot (process/identity.ts).
  app.get('/healthz', async (request, reply) => {
    const challenge = request.headers[CHALLENGE_HEADER];
    if (identity !== undefined && typeof challenge === 'string') {
      const proof = identityProof(identity, challenge);
      if (proof) void reply.header(PROOF_HEADER, proof);
    }
    return { status: 'ok' };
  });

  app.get('/readyz', async (_request, reply) => {
    const { code, body } = readinessAnswer(state, [...modules.keys()]);
    return reply.code(code).send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.text());
  });

  app.get('/modules', async () =>
    [...modules.values()].map(({ definition, loaded, predictArgs }) => ({
      ...definition.manifest,
      // Where the weights came from, without the machine's folders (the start lines name them).
      weightsFrom: withoutPaths(loaded.weightsFrom),
      predictArgs: valueWithoutPaths(predictArgs),
      arguments: definition.describeArgs(),
    })));
}
