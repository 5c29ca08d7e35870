import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { moduleDefinitions } from '../../../src/modules/registry.js';
import { openApiDocument, requestJsonSchema } from '../../../src/server/openapi/document.js';
import { send, startEchoServer, type EchoServer } from '../echo-app.js';

// /openapi.json is a valid OpenAPI 3.1 document made from the schemas that validate requests; /docs renders it
// with no script and every text escaped. Checked with an OpenAPI schema validator, over real HTTP.

async function validate(document: unknown): Promise<void> {
  const result = await new Validator().validate(document as Record<string, unknown>);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
}

test('every built-in module\'s predict schema becomes JSON Schema, each argument of describeArgs among its properties', () => {
  for (const definition of moduleDefinitions) {
    const schema = requestJsonSchema(definition.predictSchema);
    assert.equal(schema.type, 'object', definition.manifest.name);
    const properties = Object.keys(schema.properties as object);
    for (const arg of definition.describeArgs()) assert.ok(properties.includes(arg.name), `${definition.manifest.name}: ${arg.name}`);
  }
});

test('a document naming every built-in module is valid OpenAPI 3.1', async () => {
  const modules = new Map(moduleDefinitions.map((definition) => [definition.manifest.name, { definition, loaded: undefined as never, predictArgs: {} }]));
  const document = openApiDocument({ version: '1.2.3', modules, v2Models: new Map(), apiKey: true, repository: true });
  await validate(document);
  const paths = Object.keys(document.paths as object);
  for (const definition of moduleDefinitions) assert.ok(paths.includes(`/predict/${definition.manifest.name}`));
  for (const path of ['/v2', '/v2/health/ready', '/v2/models/{model}/infer', '/v2/models/{model}/versions/{version}/infer', '/v2/repository/index', '/healthz']) {
    assert.ok(paths.includes(path), path);
  }
  assert.deepEqual(document.security, [{ bearer: [] }, { apiKey: [] }]);
});

describe('over HTTP', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ apiKeys: ['k'] });
  });
  after(() => server.close());

  test('/openapi.json describes the served module with its example and envelope replies; it needs the key', async () => {
    assert.equal((await send(server.port, { path: '/openapi.json' })).status, 401);
    const reply = await send(server.port, { path: '/openapi.json', headers: { 'x-api-key': 'k' } });
    assert.equal(reply.status, 200);
    const document = JSON.parse(reply.text) as { paths: Record<string, { post?: Record<string, any> }> };
    await validate(document);
    const predict = document.paths['/predict/echo']!.post!;
    assert.equal(predict.summary, 'echoes its arguments');
    assert.deepEqual(predict.requestBody.content['application/json'].example, { text: ['a'] });
    assert.equal(predict.responses['429'].content['application/json'].schema.$ref, '#/components/schemas/Envelope');
    assert.equal((document.paths['/healthz'] as { get: { security: unknown[] } }).get.security.length, 0, 'the probes need no key');
  });

  test('/docs is one HTML page with every route, no script allowed, and module texts escaped', async () => {
    const reply = await send(server.port, { path: '/docs', headers: { authorization: 'Bearer k' } });
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/html/);
    assert.match(String(reply.headers['content-security-policy']), /default-src 'none'/);
    assert.doesNotMatch(String(reply.headers['content-security-policy']), /script-src/);
    assert.doesNotMatch(reply.text, /<script/i);
    for (const path of ['/predict/echo', '/v2/models/{model}/infer', '/openapi.json']) assert.ok(reply.text.includes(`<code>${path}</code>`), path);
    assert.match(reply.text, /curl -H &#39;Content-Type: application\/json&#39; -d &#39;\{&#34;text&#34;:\[&#34;a&#34;\]\}&#39; http:\/\/127\.0\.0\.1:\d+\/predict\/echo/);
  });
});
