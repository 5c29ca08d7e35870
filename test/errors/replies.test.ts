import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Errors, errorLabel, hubError, type ErrorName } from '../../src/errors/catalogue.js';
import type { V2Model } from '../../src/server/v2/routes.js';
import { send, startEchoServer, type EchoServer, type HttpReply } from '../server/echo-app.js';
import { exchange, httpRequest, type RawReply } from '../server/raw-http.js';

// Every reply path answers from the catalogue: the route's error handler, the router's refusals, node's HTTP
// parser, the staged close before a body is read, and /v2 in its own shape. Each carries the entry's HTTP
// status, code, name and headers. A real server on loopback with the echo module and a /v2 model of the test's.

/** A PaddleHub error reply as the catalogue says `name` answers: HTTP status, code, name, empty results. */
function expectEntry(reply: HttpReply | RawReply, name: ErrorName): void {
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  assert.equal(reply.status, Errors[name].http, reply.text);
  assert.deepEqual(Object.keys(body), ['msg', 'results', 'status', 'error']);
  assert.equal(body.status, Errors[name].status, reply.text);
  assert.equal(body.error, errorLabel(name));
  assert.equal(body.results, '');
}

const header = (reply: HttpReply | RawReply, name: string): string | undefined =>
  reply.headers instanceof Headers ? reply.headers.get(name) ?? undefined : (reply.headers[name] as string | undefined);

describe('error replies come from the catalogue', () => {
  let server: EchoServer;
  let unloading = false;
  const model: V2Model = {
    name: 'm', versions: ['1'], platform: 'test', inputs: [], outputs: [],
    ready: () => !unloading,
    infer: async () => ({}),
  };
  const post = (path: string, body: string) => send(server.port, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body });

  before(async () => {
    server = await startEchoServer({ v2Models: new Map([['m', model]]) });
  });
  after(async () => server.close());

  test("a success stays PaddleHub's envelope byte for byte; an error adds the code's name", async () => {
    const ok = await post('/predict/echo', '{"text":["a"]}');
    assert.equal(ok.text, '{"msg":"","results":[{"text":["a"]}],"status":"000"}');
    const unknown = await post('/predict/nope', '{"text":["a"]}');
    expectEntry(unknown, 'UNKNOWN_MODULE');
    assert.match(unknown.text, /,"status":"111","error":"unknown_module"\}$/);
  });

  test('the route, the router, the parser and the staged close each answer with their entry', async () => {
    expectEntry(await post('/predict/echo', '{"text": ['), 'BODY_NOT_JSON');
    expectEntry(await post('/predict/echo', '[1]'), 'INVALID_ARGUMENT');
    expectEntry(await exchange(server.port, httpRequest(`/predict/${'a'.repeat(300)}`, '{}', { 'Content-Type': 'application/json' })), 'URL_TOO_LONG');
    expectEntry(await exchange(server.port, httpRequest('/predict/%zz', '{}', { 'Content-Type': 'application/json' })), 'BAD_URL');
    expectEntry(await exchange(server.port, 'NOT HTTP AT ALL\r\n\r\n'), 'BAD_HTTP');
    expectEntry(await exchange(server.port, httpRequest('/predict/echo', '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nabc', { 'Content-Type': 'multipart/form-data; boundary=x' })), 'MALFORMED_BODY');
    // Declared over the limit: refused before the body is read, on the socket itself.
    expectEntry(await exchange(server.port, 'POST /predict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{}'), 'BODY_TOO_LARGE');
  });

  test('Retry-After rides on the 503s that may pass, whichever path answers them', async () => {
    // Loading is refused by the route; draining before the body is read, by the staged close on the socket.
    for (const [flag, name, seconds] of [['ready', 'MODELS_LOADING', '2'], ['draining', 'SHUTTING_DOWN', '1']] as const) {
      server.state[flag] = !server.state[flag];
      try {
        const predict = await post('/predict/echo', '{"text":["a"]}');
        expectEntry(predict, name);
        assert.equal(header(predict, 'retry-after'), seconds);
        const v2 = await post('/v2/models/m/infer', '{"inputs":[]}');
        assert.deepEqual([v2.status, header(v2, 'retry-after'), JSON.parse(v2.text)], [503, seconds, { error: hubError(name).message }]);
      } finally {
        server.state[flag] = !server.state[flag];
      }
    }
  });

  test("/v2 answers the catalogue's status and message in the protocol's shape", async () => {
    const v2 = async (method: string, path: string, body?: string) => {
      const reply = await send(server.port, { method, path, ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) });
      return { status: reply.status, body: JSON.parse(reply.text) as Record<string, unknown>, retryAfter: header(reply, 'retry-after') };
    };
    assert.deepEqual(await v2('GET', '/v2/models/nope'), { status: 404, body: { error: 'unknown model "nope"; served: m' }, retryAfter: undefined });
    assert.deepEqual(await v2('GET', '/v2/models/m/versions/7'), { status: 404, body: { error: 'model m has no version "7"; versions: 1' }, retryAfter: undefined });
    assert.deepEqual((await v2('GET', '/v2/nothing')).status, Errors.NOT_FOUND.http);
    const bad = await v2('POST', '/v2/models/m/infer', '{"inputs": [');
    assert.equal(bad.status, Errors.BODY_NOT_JSON.http);
    assert.match(String(bad.body.error), /not valid JSON/);
    unloading = true;
    try {
      assert.deepEqual(await v2('POST', '/v2/models/m/infer', '{"inputs":[]}'), { status: 503, body: { error: 'model m is being unloaded' }, retryAfter: undefined });
    } finally {
      unloading = false;
    }
  });
});
