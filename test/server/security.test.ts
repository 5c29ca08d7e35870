import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { expectError } from '../helpers/cli.js';
import { exchange, httpRequest } from './raw-http.js';
import { WEIGHTS_FROM, calls, send, startEchoServer, type EchoServer, type HttpReply } from './echo-app.js';

// API keys, allowed hosts, origins and CORS, request ids and replies without the machine's paths: a real server
// built by buildApp on 127.0.0.1, called over HTTP with node:http (which sends any Host or Origin it is given).

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST', path: '/predict/echo', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers },
});

const envelope = (reply: HttpReply, http: number, status: string, msg: RegExp) =>
  expectError({ status: reply.status, body: reply.body, headers: new Headers(), text: reply.text }, http, status, msg);

describe('API keys', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ apiKeys: ['alpha-key', 'beta key with spaces'] });
  });
  after(() => server.close());

  test('no key: 401 in the envelope (status 126) with WWW-Authenticate: Bearer, before any work', async () => {
    const before = calls.predict;
    const reply = await send(server.port, json({ text: ['a'] }));
    envelope(reply, 401, '126', /An API key is required: send Authorization: Bearer <key> or X-Api-Key: <key>/);
    assert.equal(reply.headers['www-authenticate'], 'Bearer');
    assert.equal(calls.predict, before, 'predict did not run');
  });

  test('a wrong key, a prefix, a longer key, another scheme: 401 with error="invalid_token" where a key was sent', async () => {
    for (const authorization of ['Bearer alpha', 'Bearer alpha-key2', 'Bearer ALPHA-KEY', 'Bearer  beta']) {
      const reply = await send(server.port, json({ text: ['a'] }, { authorization }));
      envelope(reply, 401, '126', /The API key is not valid/);
      assert.equal(reply.headers['www-authenticate'], 'Bearer error="invalid_token"', authorization);
    }
    envelope(await send(server.port, json({}, { authorization: 'Basic YWxwaGEta2V5' })), 401, '126', /required/);
    envelope(await send(server.port, json({}, { 'x-api-key': 'alpha-ke' })), 401, '126', /not valid/);
  });

  test('either key, as Authorization: Bearer (any case) or X-Api-Key, is accepted', async () => {
    for (const headers of <Record<string, string>[]>[{ authorization: 'Bearer alpha-key' }, { authorization: 'bearer alpha-key' }, { 'x-api-key': 'alpha-key' },
      { 'x-api-key': 'beta key with spaces' }, { authorization: 'Bearer beta key with spaces' }]) {
      const reply = await send(server.port, json({ text: ['a'] }, headers));
      assert.equal(reply.status, 200, `${JSON.stringify(headers)}: ${reply.text}`);
      assert.deepEqual(reply.body.results, [{ text: ['a'] }]);
    }
  });

  test('/healthz and /readyz answer without a key; every other route, known or not, asks for one', async () => {
    assert.equal((await send(server.port, { path: '/healthz' })).status, 200);
    assert.equal((await send(server.port, { path: '/readyz' })).status, 200);
    for (const path of ['/metrics', '/modules', '/nothing-here', '/healthz/../metrics', '/predict/echo']) {
      envelope(await send(server.port, { path }), 401, '126', /API key/);
    }
    assert.equal((await send(server.port, { path: '/metrics', headers: { 'x-api-key': 'alpha-key' } })).status, 200);
  });

  test('a large body without a key is refused before it is read, and the client still reads the 401', async () => {
    const reply = await exchange(server.port, httpRequest('/predict/echo', Buffer.alloc(60_000, 0x61), { 'Content-Type': 'application/json' }));
    assert.equal(reply.status, 401, reply.text);
    assert.equal(reply.body.status, '126');
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
    assert.ok(reply.headers.get('x-request-id'));
  });
});

describe('allowed hosts', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ host: '127.0.0.1' });
  });
  after(() => server.close());

  test('loopback names, the listening address and the hostname are answered, with or without a port', async () => {
    for (const host of ['127.0.0.1', `127.0.0.1:${server.port}`, 'localhost', `LOCALHOST:${server.port}`, 'localhost.', '[::1]', `[::1]:${server.port}`, hostname()]) {
      const reply = await send(server.port, { path: '/modules', headers: { host } });
      assert.equal(reply.status, 200, `${host}: ${reply.text}`);
    }
  });

  test('any other Host gets 403 in the envelope (status 127) before any work: DNS rebinding finds nothing', async () => {
    const before = calls.predict;
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1.evil.example', '10.1.2.3', '[::2]', 'localhost.evil']) {
      const reply = await send(server.port, { ...json({ text: ['a'] }), headers: { host, 'content-type': 'application/json' } });
      envelope(reply, 403, '127', /Host ".*" is not allowed.*--allowed_hosts \(HUB_ALLOWED_HOSTS\)/);
      assert.ok(reply.text.includes(JSON.stringify(JSON.stringify(host)).slice(1, -1)), reply.text);
    }
    envelope(await send(server.port, { path: '/metrics', headers: { host: 'evil.example' } }), 403, '127', /not allowed/);
    assert.equal(calls.predict, before);
  });

  test('the probes answer any Host: orchestrators call them by addresses the server cannot know', async () => {
    for (const path of ['/healthz', '/readyz']) {
      assert.equal((await send(server.port, { path, headers: { host: '10.244.1.17:8866' } })).status, 200, path);
    }
  });

  test('an HTTP/1.0 request without Host is refused too', async () => {
    const reply = await exchange(server.port, 'GET /modules HTTP/1.0\r\n\r\n');
    assert.equal(reply.status, 403, reply.text);
    assert.equal(reply.body.status, '127');
    assert.match(reply.body.msg, /no Host header/);
  });

  test('a configured list: exact names, .domain for a domain and its subdomains, * for any', async () => {
    const listed = await startEchoServer({ allowedHosts: ['models.internal', '.example.com'] });
    try {
      for (const host of ['models.internal', 'models.internal:8866', 'example.com', 'api.example.com', 'a.b.example.com:1']) {
        assert.equal((await send(listed.port, { path: '/modules', headers: { host } })).status, 200, host);
      }
      for (const host of ['127.0.0.1', 'localhost', 'badexample.com', 'models.internal.evil']) {
        assert.equal((await send(listed.port, { path: '/modules', headers: { host } })).status, 403, host);
      }
    } finally {
      await listed.close();
    }
    const any = await startEchoServer({ allowedHosts: ['*'] });
    try {
      assert.equal((await send(any.port, { path: '/modules', headers: { host: 'whatever.example' } })).status, 200);
      assert.equal((await exchange(any.port, 'GET /modules HTTP/1.0\r\n\r\n')).status, 200);
    } finally {
      await any.close();
    }
  });
});

describe('origins and CORS', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer();
  });
  after(() => server.close());

  test('CORS off: a cross-origin form POST (a "simple" request, no preflight) is refused with 403 before any work', async () => {
    const before = calls.predict;
    const boundary = 'x1234';
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n"hello"\r\n--${boundary}--\r\n`;
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`, 'not a url']) {
      const reply = await send(server.port, { method: 'POST', path: '/predict/echo', body: form, headers: { origin, 'content-type': `multipart/form-data; boundary=${boundary}` } });
      envelope(reply, 403, '128', /Origin ".*" is not allowed: .*--cors_origins \(HUB_CORS_ORIGINS\)/);
      assert.equal(reply.headers['access-control-allow-origin'], undefined);
    }
    assert.equal(calls.predict, before, 'nothing ran');
  });

  test('same origin (a page this server served, under the name it was asked by) and no Origin are answered', async () => {
    // https too: behind a proxy that ends TLS, the page's scheme is not the one the server sees.
    for (const headers of <Record<string, string>[]>[{ origin: `http://127.0.0.1:${server.port}` }, { origin: `https://127.0.0.1:${server.port}` }, { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` }, {}]) {
      const reply = await send(server.port, json({ text: ['a'] }, headers));
      assert.equal(reply.status, 200, `${JSON.stringify(headers)}: ${reply.text}`);
    }
  });

  test('cors_origins: a listed origin gets CORS headers and its preflight is answered without a key; others get 403', async () => {
    const cors = await startEchoServer({ corsOrigins: ['https://app.example.com'], apiKeys: ['k'] });
    try {
      const preflight = await send(cors.port, { method: 'OPTIONS', path: '/predict/echo', headers: {
        origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
      assert.equal(preflight.status, 204, preflight.text);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
      const ok = await send(cors.port, json({ text: ['a'] }, { origin: 'https://app.example.com', authorization: 'Bearer k' }));
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.com');
      assert.match(String(ok.headers['access-control-expose-headers']), /X-Request-Id/);
      // The listed page can read why it was refused.
      const keyless = await send(cors.port, json({ text: ['a'] }, { origin: 'https://app.example.com' }));
      envelope(keyless, 401, '126', /API key/);
      assert.equal(keyless.headers['access-control-allow-origin'], 'https://app.example.com');
      const other = await send(cors.port, { method: 'OPTIONS', path: '/predict/echo', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      envelope(other, 403, '128', /not allowed/);
      envelope(await send(cors.port, json({ text: ['a'] }, { origin: 'https://evil.example', authorization: 'Bearer k' })), 403, '128', /not allowed/);
    } finally {
      await cors.close();
    }
    const any = await startEchoServer({ corsOrigins: ['*'] });
    try {
      const reply = await send(any.port, json({ text: ['a'] }, { origin: 'https://anyone.example' }));
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['access-control-allow-origin'], '*');
    } finally {
      await any.close();
    }
  });
});

describe('request ids and what replies say', () => {
  let server: EchoServer;
  before(async () => {
    server = await startEchoServer({ bodyLimit: 4096 });
  });
  after(() => server.close());

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  test('a plain X-Request-Id of up to 128 characters is echoed; any other is replaced by a made one', async () => {
    for (const id of ['abc', 'req-1.2_3:4', 'a'.repeat(128)]) {
      assert.equal((await send(server.port, json({ text: ['a'] }, { 'x-request-id': id }))).headers['x-request-id'], id);
    }
    for (const id of ['a'.repeat(129), 'has space', 'semi;colon', 'ünïcode', '']) {
      const reply = await send(server.port, json({ text: ['a'] }, { 'x-request-id': id }));
      assert.match(String(reply.headers['x-request-id']), UUID, JSON.stringify(id));
    }
    const a = (await send(server.port, { path: '/healthz' })).headers['x-request-id'];
    const b = (await send(server.port, { path: '/healthz' })).headers['x-request-id'];
    assert.match(String(a), UUID);
    assert.notEqual(a, b);
  });

  test('every reply carries one: success, route errors, 404, 413 before the body is read, a malformed request', async () => {
    const replies = [
      await send(server.port, json({ text: ['a'] }, { 'x-request-id': 'r1' })),
      await send(server.port, json([1], { 'x-request-id': 'r2' })),
      await send(server.port, { path: '/nowhere', headers: { 'x-request-id': 'r3' } }),
      await send(server.port, { method: 'DELETE', path: '/predict/echo', headers: { 'x-request-id': 'r4' } }),
    ];
    assert.deepEqual(replies.map((r) => r.headers['x-request-id']), ['r1', 'r2', 'r3', 'r4']);
    const tooLarge = await exchange(server.port, httpRequest('/predict/echo', Buffer.alloc(10_000, 0x61), { 'Content-Type': 'application/json', 'X-Request-Id': 'r5' }));
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.headers.get('x-request-id'), 'r5');
    const malformed = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get('x-request-id') ?? '', UUID);
  });

  test('/modules and error messages name no absolute path of the machine; no stack trace reaches the client', async () => {
    const modules = await send(server.port, { path: '/modules' });
    assert.equal(modules.status, 200);
    assert.doesNotMatch(modules.text, /\/usr\/|\/home\/|hub-serving\/modules/, modules.text);
    assert.equal((JSON.parse(modules.text) as { weightsFrom: string }[])[0]!.weightsFrom, 'a test folder');
    assert.match(WEIGHTS_FROM, /\/usr\/lib/, 'the module itself does name its folders');
    const failed = await send(server.port, json({ fail: 'cannot open /home/someone/.hub-serving/modules/echo/0123/model.onnx: no such file' }));
    envelope(failed, 500, '101', /^Prediction failed: cannot open \.\.\.\/model\.onnx: no such file$/);
    assert.doesNotMatch(failed.text, /\/home\/|\n\s+at |\.ts:|\.js:\d/);
  });
});
