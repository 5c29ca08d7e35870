import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { send, startEchoServer, type EchoServer } from './echo-app.js';

// Every refusal of the HTTP layer is counted in hub_refusals_total by reason, whichever route and reply shape
// it came from: the key, the Host, the Origin, the body's size and depth, malformed HTTP, a draining server.

const KEY = 'the-key';
let server: EchoServer;

before(async () => {
  server = await startEchoServer({ apiKeys: [KEY], bodyLimit: 4096 });
});
after(() => server.close());

async function refusals(): Promise<Map<string, number>> {
  const text = (await send(server.port, { path: '/metrics', headers: { 'x-api-key': KEY } })).text;
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^hub_refusals_total\{model="([^"]*)",reason="([^"]+)"\} (\d+)$/gm)) {
    counts.set(`${match[1]}/${match[2]}`, Number(match[3]));
  }
  return counts;
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  send(server.port, { method: 'POST', path, body, headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers } });

/** A request node's HTTP parser refuses, written by hand; resolves once the server has answered and closed. */
function malformed(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n'));
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

test('each refusal is counted once under its reason, with the module it was for (or none for an unknown name)', async () => {
  assert.equal((await post('/predict/echo', '{}', { 'x-api-key': 'wrong' })).status, 401);
  assert.equal((await post('/predict/echo', '{}', { 'x-api-key': '' })).status, 401);
  assert.equal((await post('/predict/nosuch', '{}', { 'x-api-key': 'wrong' })).status, 401);
  assert.equal((await post('/predict/echo', '{}', { host: 'attacker.example' })).status, 403);
  assert.equal((await post('/predict/test', '{}', { origin: 'https://attacker.example' })).status, 403, 'by its task name');
  assert.equal((await post('/predict/echo', JSON.stringify({ text: 'x'.repeat(5000) }))).status, 413);
  assert.equal((await post('/predict/echo', '['.repeat(1500) + ']'.repeat(1500))).status, 400);
  assert.equal((await send(server.port, { path: '/v2/models/echo', headers: { 'x-api-key': 'wrong' } })).status, 401, 'a /v2 route');
  assert.match(await malformed(), /^HTTP\/1\.1 400/);

  const counts = await refusals();
  assert.equal(counts.get('echo/unauthorized'), 2);
  assert.equal(counts.get('/unauthorized'), 2, 'an unknown module and a /v2 model that is not served get no label of their own');
  assert.equal(counts.get('echo/host_not_allowed'), 1);
  assert.equal(counts.get('echo/origin_not_allowed'), 1);
  assert.equal(counts.get('echo/body_too_large'), 1);
  assert.equal(counts.get('echo/nested_too_deep'), 1);
  assert.equal(counts.get('/bad_http'), 1);
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 9, 'nothing counted twice');
});

test('a prediction while draining is counted as shutting_down; successes and validation errors are not refusals', async () => {
  const before = await refusals();
  assert.equal((await post('/predict/echo', '{"text": ["a"]}')).status, 200);
  assert.equal((await post('/predict/echo', '{"fail": "boom"}')).status, 500);
  server.state.draining = true;
  try {
    assert.equal((await post('/predict/echo', '{}')).status, 503);
  } finally {
    server.state.draining = false;
  }
  const after = await refusals();
  assert.equal((after.get('echo/shutting_down') ?? 0) - (before.get('echo/shutting_down') ?? 0), 1);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  assert.equal(total(after) - total(before), 1);
});
