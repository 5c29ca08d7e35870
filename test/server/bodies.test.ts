import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { z } from 'zod';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { buildApp, type AppState } from '../../src/server/app.js';
import { Metrics } from '../../src/server/metrics.js';
import { expectError } from '../helpers/cli.js';
import { RawClient, exchange, httpRequest, writeOneByteChunks } from './raw-http.js';

// Bodies are read safely and every refusal, from a route or from the HTTP layer, is the envelope. A real
// server on 127.0.0.1 built by buildApp with a small module of the test's own that echoes its arguments.

const BODY_LIMIT = 64 * 1024;

const manifest = {
  name: 'echo', version: '1.0.0', compatibleVersions: [], task: 'test', summary: 'echoes its arguments',
  weights: 'none', input: 'anything', output: 'the arguments', example: { text: ['a'] },
};

const echo: ModuleDefinition = {
  manifest,
  predictSchema: z.record(z.string(), z.unknown()),
  initSchema: z.record(z.string(), z.unknown()),
  describeArgs: () => [],
  installed: async () => undefined,
  install: async () => ({ source: 'none', directory: '', checksum: '', fresh: false }),
  load: async () => ({
    manifest,
    weightsFrom: 'none',
    // A pause before answering, so a half-closed client's FIN arrives while the request is in flight.
    async predict(args) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return [Object.fromEntries(Object.entries(args).map(([k, v]) => [k, Buffer.isBuffer(v) ? `${v.length} bytes` : v]))];
    },
  }),
};

const nested = (depth: number) => `{"text":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

async function echoApp(state: AppState): Promise<FastifyInstance> {
  const loaded = await echo.load({ initArgs: {}, pool: undefined as never, log: pino({ level: 'silent' }) }, { source: '', directory: '', checksum: '', fresh: false });
  return buildApp({
    modules: new Map([['echo', { definition: echo, loaded, predictArgs: {} }]]),
    aliases: new Map(),
    bodyLimit: BODY_LIMIT,
    timeoutSeconds: 10,
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(() => 0),
    state,
  });
}

describe('request bodies and refusals', () => {
  let app: FastifyInstance;
  let port = 0;
  const state: AppState = { ready: true, draining: false };

  before(async () => {
    app = await echoApp(state);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app.close();
  });

  const json = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    exchange(port, httpRequest('/predict/echo', body, headers));

  test('JSON nested deeper than 64 levels is refused by depth before anything recurses', async () => {
    const ok = await json(nested(64));
    assert.equal(ok.status, 200, ok.text);
    expectError(await json(nested(65)), 400, '121', /deeper than the limit of 64 levels/);
    expectError(await json(`{"text":${'['.repeat(30_000)}${']'.repeat(30_000)}}`), 400, '121', /64 levels/);
    // Brackets inside strings are text, not nesting; escaped quotes do not end a string.
    const inString = await json(JSON.stringify({ text: ['\\"' + '['.repeat(1000)] }));
    assert.equal(inString.status, 200, inString.text);
  });

  test('strict JSON: invalid UTF-8, syntax errors, __proto__ keys and empty bodies are 112', async () => {
    const invalid = Buffer.concat([Buffer.from('{"text":["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]);
    expectError(await exchange(port, httpRequest('/predict/echo', invalid, { 'Content-Type': 'application/json' })), 400, '112', /not valid UTF-8/);
    expectError(await json('{"text": ['), 400, '112', /not valid JSON/);
    expectError(await json('{"__proto__": {"polluted": true}}'), 400, '112', /not valid JSON/);
    expectError(await json(''), 400, '112', /empty/);
  });

  test('a JSON body under another content type is accepted (curl -d); other bodies there are 415', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const reply = await json('{"text":["今天"]}', { 'Content-Type': type });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.body.results, [{ text: ['今天'] }]);
    }
    const untyped = await json('{"text":["a"]}', {});
    assert.equal(untyped.status, 200, untyped.text);
    expectError(await json('text=abc', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, '114', /application\/x-www-form-urlencoded is not supported/);
    expectError(await json('{"text": [', { 'Content-Type': 'text/plain' }), 415, '114', /text\/plain is not supported/);
    expectError(await json(nested(65), { 'Content-Type': 'text/plain' }), 400, '121', /64 levels/);
    expectError(await json('{}', { 'Content-Type': 'not a type' }), 415, '114', /not supported/);
  });

  test('a chunked body over the limit is 413; the rest is read, then the connection closed, and the next one served', async () => {
    const client = await RawClient.open(port);
    try {
      await client.write('POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      // Every write must succeed: the server reads what is left of the body after refusing it.
      await writeOneByteChunks(client, Buffer.alloc(4 * BODY_LIMIT, 0x20));
      const refused = await client.reply();
      expectError(refused, 413, '115', new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`));
      assert.equal(refused.headers.get('connection'), 'close');
      assert.equal(await client.closedByServer(), true);
    } finally {
      client.destroy();
    }
    const next = await json('{"text":["again"]}');
    assert.equal(next.status, 200, next.text);
    assert.deepEqual(next.body.results, [{ text: ['again'] }]);
  });

  test('a client that declared more than it sent does not lose its next request to the discarded body', async () => {
    const client = await RawClient.open(port);
    try {
      await client.write(`POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${2 * BODY_LIMIT}\r\n\r\n{}`);
      const refused = await client.reply();
      expectError(refused, 413, '115', /larger than the limit/);
      assert.equal(refused.headers.get('connection'), 'close');
    } finally {
      client.destroy();
    }
  });

  test('a client that writes its whole over-limit body before reading reads the 413, not a reset', async () => {
    const client = await RawClient.open(port);
    try {
      // Every write must succeed: a server that closed with bytes unread would make them fail with EPIPE.
      await client.write(httpRequest('/predict/echo', Buffer.alloc(20 * 1024 * 1024, 0x20), { 'Content-Type': 'application/json' }));
      expectError(await client.reply(), 413, '115', /larger than the limit/);
    } finally {
      client.destroy();
    }
  });

  test('a body declared far beyond what is worth reading is refused at once and the connection closed', async () => {
    const client = await RawClient.open(port);
    try {
      await client.write(`POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n{"text":`);
      expectError(await client.reply(), 413, '115', /larger than the limit/);
      assert.equal(await client.closedByServer(), true);
    } finally {
      client.destroy();
    }
  });

  test('a half-closed POST is answered: complete, or cut short by the client', async () => {
    const reply = await exchange(port, httpRequest('/predict/echo', '{"text":["half"]}', { 'Content-Type': 'application/json' }), { halfClose: true });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.results, [{ text: ['half'] }]);
    const cut = Buffer.from('POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":');
    expectError(await exchange(port, cut, { halfClose: true }), 400, '131', /before the request was complete/);
  });

  test('multipart: no boundary and unterminated bodies are 400 with the cause', async () => {
    const part = '--xyz\r\nContent-Disposition: form-data; name="images"; filename="a.bin"\r\n\r\nabc';
    expectError(await json(part, { 'Content-Type': 'multipart/form-data' }), 400, '132', /multipart body is malformed: .*[Bb]oundary/);
    expectError(await json(part, { 'Content-Type': 'multipart/form-data; boundary=xyz' }), 400, '132', /multipart body is malformed/);
    expectError(await json('--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nabc', { 'Content-Type': 'multipart/form-data; boundary=xyz' }), 400, '132', /malformed/);
  });

  test('multipart: the number of files is its own limit, 413 stays for bytes', async () => {
    const form = (files: number, size: number, extra = '') => {
      let body = '';
      for (let i = 0; i < files; i++) body += `--xyz\r\nContent-Disposition: form-data; name="images"; filename="f${i}.bin"\r\n\r\n${'x'.repeat(size)}\r\n`;
      return body + extra + '--xyz--\r\n';
    };
    const type = { 'Content-Type': 'multipart/form-data; boundary=xyz' };
    const ok = await json(form(64, 100, '--xyz\r\nContent-Disposition: form-data; name="threshold"\r\n\r\n0.5\r\n'), type);
    assert.equal(ok.status, 200, ok.text);
    assert.equal((ok.body.results as { images: string[]; threshold: number }[])[0]!.images.length, 64);
    assert.equal((ok.body.results as { threshold: number }[])[0]!.threshold, 0.5);
    for (const files of [65, 100]) expectError(await json(form(files, 100), type), 400, '120', /at most 64 files per request/);
    expectError(await json(form(4, BODY_LIMIT / 2), type), 413, '115', new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`));
    expectError(await json(form(0, 0, `--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\n${nested(65)}\r\n`), type), 400, '121', /64 levels/);
  });

  test('refusals by the HTTP layer are the envelope: 400 malformed, 431 headers too large, 408 too slow', async () => {
    expectError(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, '131', /not valid HTTP/);
    // Broken framing in the middle of a body being read: the reply is still the envelope.
    expectError(await exchange(port, 'POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{"\r\nzz\r\n'), 400, '131', /not valid HTTP/);
    expectError(await exchange(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`), 431, '123', /headers are larger than the limit/);
  });

  test('a request that stalls gets a 408 envelope (node\'s timeouts set short on a server of its own)', async () => {
    const slow = await echoApp(state);
    // Node's own timeouts, short, so a stalled request meets the 408 within the test.
    slow.server.headersTimeout = 300;
    slow.server.requestTimeout = 300;
    (slow.server as typeof slow.server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 100;
    await slow.listen({ port: 0, host: '127.0.0.1' });
    try {
      const slowPort = (slow.server.address() as AddressInfo).port;
      expectError(await exchange(slowPort, 'POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n'), 408, '122', /not received completely in time/);
      expectError(await exchange(slowPort, 'POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te'), 408, '122', /in time/);
    } finally {
      await slow.close();
    }
  });

  test('404, 405 and 414 from routing are the envelope too', async () => {
    expectError(await exchange(port, httpRequest('/nowhere', '{"text":["a"]}', { 'Content-Type': 'application/json' })), 404, '117', /Nothing is served at \/nowhere/);
    expectError(await exchange(port, 'GET /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 405, '116', /use POST/);
    expectError(await exchange(port, httpRequest(`/predict/${'a'.repeat(300)}`, '{}', { 'Content-Type': 'application/json' })), 414, '129', /longer than 256 characters/);
  });

  test('while the server drains, predictions are refused with a 503 envelope before the body is read', async () => {
    state.draining = true;
    try {
      expectError(await json('{"text":["a"]}'), 503, '134', /shutting down/);
    } finally {
      state.draining = false;
    }
    const reply = await json('{"text":["a"]}');
    assert.equal(reply.status, 200, reply.text);
  });
});
