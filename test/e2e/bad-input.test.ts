import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { post, lacSkipReason, startServer, type Reply, type RunningServer, expectError } from '../helpers/cli.js';

// Every kind of bad request gets the envelope and the right HTTP status, and the server stays right afterwards.

function raw(url: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const req = request({ host: target.hostname, port: target.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function envelope(text: string): { msg: string; results: unknown; status: string } {
  const parsed = JSON.parse(text) as { msg: string; results: unknown; status: string };
  assert.deepEqual(Object.keys(parsed).sort(), ['error', 'msg', 'results', 'status']);
  assert.doesNotMatch(parsed.msg, /\n\s+at /, 'no stack trace reaches the client');
  return parsed;
}

describe('bad input', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  let url = '';

  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--body_limit', '1048576']);
    url = server.url;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });


  test('wrong types and ranges name the argument and what is allowed', async () => {
    expectError(await post(`${url}/predict/lac`, { text: 5 }), 400, '113', /^text: 5 is not allowed: expected a string or a list of strings/);
    expectError(await post(`${url}/predict/lac`, { text: ['a', 3] }), 400, '113', /text/);
    expectError(await post(`${url}/predict/lac`, { text: ['a'], batch_size: 0 }), 400, '113', /^batch_size: 0 is not allowed: expected an integer from 1 to 1024/);
    expectError(await post(`${url}/predict/lac`, { text: ['a'], return_tag: 'yes' }), 400, '113', /return_tag/);
    expectError(await post(`${url}/predict/lac`, { text: ['a'], texts: ['b'] }), 400, '113', /either "text" or "texts"/);
    expectError(await post(`${url}/predict/lac`, {}), 400, '113', /give the texts/);
    expectError(await post(`${url}/predict/lac`, [1, 2]), 400, '113', /JSON object/);
    expectError(await post(`${url}/predict/lac`, { text: ['a'], user: 1 }), 400, '113', /unknown key "user"; accepted keys: text, texts, batch_size, return_tag, use_gpu/);
  });

  test('a text over the length limit is refused, not analysed', async () => {
    expectError(await post(`${url}/predict/lac`, { text: ['好'.repeat(100_001)] }), 400, '113', /limited to 100000 characters/);
  });

  test('bodies that are not JSON, not UTF-8, empty, or of another type', async () => {
    expectError(await post(`${url}/predict/lac`, '{"text": ['), 400, '112', /not valid JSON/);
    expectError(await post(`${url}/predict/lac`, new Uint8Array([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d, 0x7d])), 400, '112', /not valid UTF-8/);
    const empty = await raw(url, 'POST', '/predict/lac', '', { 'content-type': 'application/json' });
    assert.equal(empty.status, 400);
    assert.equal(envelope(empty.text).status, '112');
    const noBody = await raw(url, 'POST', '/predict/lac');
    assert.equal(noBody.status, 400);
    assert.equal(envelope(noBody.text).status, '112');
    const form = await raw(url, 'POST', '/predict/lac', 'text=abc', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.match(envelope(form.text).msg, /application\/x-www-form-urlencoded is not supported/);
  });

  test('a body over the limit gets 413 before it is parsed', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x20);
    const reply = await raw(url, 'POST', '/predict/lac', huge, { 'content-type': 'application/json' }).catch((error: Error) => ({ status: 0, text: error.message, headers: {} }));
    // The server may answer and close before the client has sent everything; both are a refusal.
    if (reply.status !== 0) {
      assert.equal(reply.status, 413);
      assert.equal(envelope(reply.text).status, '115');
    } else {
      assert.match(reply.text, /EPIPE|ECONNRESET|socket hang up/);
    }
    const declared = await raw(url, 'POST', '/predict/lac', '{}', { 'content-type': 'application/json', 'content-length': String(20 * 1024 * 1024) }).catch(() => undefined);
    if (declared) {
      assert.equal(declared.status, 413);
      assert.equal(envelope(declared.text).status, '115');
    }
  });

  test('multipart uploads count against the body limit as a whole, and malformed ones are refused', async () => {
    const form = new FormData();
    for (let i = 0; i < 3; i++) form.append('images', new Blob([new Uint8Array(500 * 1024)]), `part${i}.bin`);
    form.append('text', 'x');
    const response = await fetch(`${url}/predict/lac`, { method: 'POST', body: form });
    assert.equal(response.status, 413);
    assert.equal(envelope(await response.text()).status, '115');
    const broken = await raw(url, 'POST', '/predict/lac', '--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nabc', { 'content-type': 'multipart/form-data; boundary=xyz' });
    assert.equal(broken.status, 400);
    assert.equal(envelope(broken.text).status, '132');
  });

  test('unknown modules, path tricks, wrong methods and unknown routes', async () => {
    const unknown = await post(`${url}/predict/senta_nope`, { text: ['a'] });
    expectError(unknown, 404, '111', /Module senta_nope is not available\. Available: lac\./);
    const tooLong = await raw(url, 'POST', '/predict/' + 'a'.repeat(300), '{}', { 'content-type': 'application/json' });
    assert.equal(tooLong.status, 414);
    assert.match(envelope(tooLong.text).msg, /longer than 256 characters/);
    const badUrl = await raw(url, 'POST', '/predict/%E0%A4%A', '{}', { 'content-type': 'application/json' });
    assert.equal(badUrl.status, 400);
    assert.match(envelope(badUrl.text).msg, /not a valid URL/);
    for (const path of ['/predict/..%2F..%2Fetc%2Fpasswd', '/predict/%2e%2e', '/predict/lac%00']) {
      const reply = await raw(url, 'POST', path, '{"text":["a"]}', { 'content-type': 'application/json' });
      assert.equal(reply.status, 404, path);
      assert.match(envelope(reply.text).status, /^11[17]$/);
    }
    const traversal = await raw(url, 'POST', '/predict/../../etc/passwd', '{}', { 'content-type': 'application/json' });
    assert.equal(traversal.status, 404);
    const get = await raw(url, 'GET', '/predict/lac');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal(envelope(get.text).status, '116');
    const nowhere = await raw(url, 'GET', '/nowhere');
    assert.equal(nowhere.status, 404);
    assert.equal(envelope(nowhere.text).status, '117');
  });

  test('the server is still right afterwards, and health says so', async () => {
    const reply = await post(`${url}/predict/lac`, { texts: ['今天是个好日子'] });
    assert.deepEqual(reply.body.results, [{ word: ['今天', '是', '个', '好日子'], tag: ['TIME', 'v', 'q', 'n'] }]);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /hub_requests_total\{module="lac",status="113"\} \d+/);
    assert.match(metrics, /hub_requests_total\{module="lac",status="000"\} \d+/);
  });
});
