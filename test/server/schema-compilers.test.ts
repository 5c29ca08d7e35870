import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { send, startEchoServer } from './echo-app.js';

// fastify's schema compilers load on the first route with a schema, not with every server: no route has one, so a
// serving process never loads them (they cost about 60 ms of each start). A route that declares a schema still
// gets its validation.

const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const loaded = (name: string) => Object.keys(fromFastify.cache).some((path) => path.includes(`/${name}/`));

test('a server answers without loading ajv or fast-json-stringify, and a route with a schema still validates', async () => {
  const server = await startEchoServer();
  try {
    const answer = await send(server.port, { method: 'POST', path: '/predict/echo', headers: { 'content-type': 'application/json' }, body: '{"text":["a"]}' });
    assert.equal(answer.status, 200);
    assert.equal(loaded('ajv-compiler'), false, 'ajv compiler loaded by a server with no schema');
    assert.equal(loaded('fast-json-stringify-compiler'), false, 'serializer compiler loaded by a server with no schema');
  } finally {
    await server.close();
  }

  // The same compilers as fastify's own, once a schema asks for them.
  const { default: Fastify } = await import('fastify');
  const { lazySchemaCompilers } = await import('../../src/server/app.js');
  const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers() as never } });
  app.post('/n', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async (request) => request.body);
  try {
    assert.equal((await app.inject({ method: 'POST', url: '/n', payload: { n: 2 } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/n', payload: { n: 'two' } })).statusCode, 400);
    assert.equal(loaded('ajv-compiler'), true);
  } finally {
    await app.close();
  }
});
