import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app.js';
import { PACKAGE_VERSION } from '../package-version.js';
import { openApiDocument } from './document.js';
import { DOCS_CSP, docsPage } from './docs-page.js';

// GET /openapi.json and GET /docs, both from what is served at the moment of the request.

export async function openApiRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const document = () => openApiDocument({
    version: PACKAGE_VERSION,
    modules: options.modules,
    v2Models: options.v2Models ?? new Map(),
    apiKey: (options.apiKeys ?? []).length > 0,
    repository: options.repository !== undefined,
  });

  app.get('/openapi.json', async () => document());

  app.get('/docs', async (request, reply) => {
    // The Host was checked against the allowed names before this runs, so the examples may name it.
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).send(docsPage(document(), origin));
  });
}
