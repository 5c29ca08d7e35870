import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exchange, httpRequest } from './raw-http.js';
import { LogLines, eventually, send, startEchoServer, type EchoServer } from './echo-app.js';

// The log lines a request leaves: one access line at info with its fields, 5xx at error with the cause and its
// stack (never in the reply), 504 at warn; --access_log off keeps only the errors. A real pino logger with the
// server's own options, writing to memory, behind a real server on 127.0.0.1.

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST', path: '/predict/echo', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers },
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('access log', () => {
  let server: EchoServer;
  const log = new LogLines('info');

  before(async () => {
    server = await startEchoServer({ logger: log.logger, timeoutSeconds: 0.2, apiKeys: ['k'] });
  });
  after(() => server.close());

  const linesFor = async (id: string, count = 1) => {
    assert.ok(await eventually(() => log.records.filter((r) => r.request_id === id).length >= count), `a log line for ${id}`);
    return log.records.filter((r) => r.request_id === id);
  };

  test('one line per request at info: method, route, module, status, code, ms, bytes in and out, request id, ISO time', async () => {
    const body = JSON.stringify({ text: ['今天是个好日子'] });
    const reply = await send(server.port, { method: 'POST', path: '/predict/test', body, headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'x-request-id': 'access-1' } });
    assert.equal(reply.status, 200);
    const [line, ...more] = await linesFor('access-1');
    assert.equal(more.length, 0, 'exactly one line');
    assert.equal(line!.level, 'info');
    assert.match(String(line!.time), ISO);
    assert.equal(line!.msg, 'request');
    assert.deepEqual(
      { method: line!.method, route: line!.route, path: line!.path, module: line!.module, status: line!.status, code: line!.code,
        bytes_in: line!.bytes_in, bytes_out: line!.bytes_out },
      { method: 'POST', route: '/predict/:module', path: '/predict/test', module: 'test', status: 200, code: '000',
        bytes_in: Buffer.byteLength(body), bytes_out: Number(reply.headers['content-length']) });
    assert.equal(typeof line!.ms, 'number');
    assert.ok((line!.ms as number) >= 0);
  });

  test('refusals are logged at info with their envelope code: 401, 404, 413 before the body is read, a malformed request', async () => {
    await send(server.port, json({ text: ['a'] }, { 'x-request-id': 'access-401' }));
    assert.deepEqual((await linesFor('access-401')).map((l) => [l.level, l.status, l.code]), [['info', 401, '126']]);
    await send(server.port, { path: '/nowhere?secret=1', headers: { 'x-api-key': 'k', 'x-request-id': 'access-404' } });
    const [notFound] = await linesFor('access-404');
    assert.deepEqual([notFound!.status, notFound!.code, notFound!.route, notFound!.path], [404, '117', null, '/nowhere']);
    const big = await exchange(server.port, httpRequest('/predict/echo', Buffer.alloc(100_000, 0x61), { 'Content-Type': 'application/json', 'X-Api-Key': 'k', 'X-Request-Id': 'access-413' }));
    assert.equal(big.status, 413);
    const [tooLarge] = await linesFor('access-413');
    assert.deepEqual([tooLarge!.status, tooLarge!.code, tooLarge!.bytes_in, tooLarge!.bytes_out], [413, '115', 100_000, Buffer.byteLength(big.text)]);
    const malformed = await exchange(server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    const id = malformed.headers.get('x-request-id')!;
    const [parser] = await linesFor(id);
    assert.deepEqual([parser!.status, parser!.code, parser!.msg], [400, '131', 'request refused by the HTTP parser']);
  });

  test('a failed prediction: one line at error with the cause and its stack; the reply has neither', async () => {
    const reply = await send(server.port, json({ fail: 'the model broke' }, { 'x-api-key': 'k', 'x-request-id': 'access-500' }));
    assert.equal(reply.status, 500);
    assert.doesNotMatch(reply.text, /\n\s+at |stack/);
    const lines = await linesFor('access-500');
    const access = lines.filter((l) => l.status === 500);
    assert.equal(access.length, 1, JSON.stringify(lines));
    assert.equal(access[0]!.level, 'error');
    assert.equal(access[0]!.code, '101');
    assert.match(String(access[0]!.msg), /Prediction failed: the model broke/);
    // The route logs the original error with its stack on a line of its own.
    const cause = lines.find((l) => (l.err as { stack?: string } | undefined)?.stack?.includes('the model broke'));
    assert.ok(cause, JSON.stringify(lines));
    assert.match((cause!.err as { stack: string }).stack, /\n\s+at /);
  });

  test('a timeout: one line at warn with the cause (504, code 119)', async () => {
    const reply = await send(server.port, json({ wait_ms: 1000 }, { 'x-api-key': 'k', 'x-request-id': 'access-504' }));
    assert.equal(reply.status, 504);
    const [line, ...more] = await linesFor('access-504');
    assert.equal(more.length, 0);
    assert.deepEqual([line!.level, line!.status, line!.code], ['warn', 504, '119']);
    assert.match(String(line!.msg), /longer than the timeout of 0.2 s/);
  });
});

describe('access_log off', () => {
  let server: EchoServer;
  const log = new LogLines('info');

  before(async () => {
    server = await startEchoServer({ logger: log.logger, accessLog: false });
  });
  after(() => server.close());

  test('no line for answered or refused requests; a 5xx is still logged at error', async () => {
    await send(server.port, json({ text: ['a'] }, { 'x-request-id': 'off-200' }));
    await send(server.port, { path: '/nowhere', headers: { 'x-request-id': 'off-404' } });
    await send(server.port, json({ fail: 'broken' }, { 'x-request-id': 'off-500' }));
    assert.ok(await eventually(() => log.records.some((r) => r.request_id === 'off-500' && r.status === 500)));
    assert.deepEqual(log.records.filter((r) => r.request_id === 'off-200' || r.request_id === 'off-404'), []);
    assert.deepEqual(log.records.filter((r) => r.level === 'info' && r.request_id !== undefined), []);
  });
});
