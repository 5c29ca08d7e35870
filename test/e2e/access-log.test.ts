import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lacSkipReason, post, startServer } from '../helpers/cli.js';

// The logs of the real `hub serving start` on stderr (a pipe here, so JSON lines): one access line per request
// with its request id, nothing at info before the server listens, and none with --access_log off.

type Line = Record<string, unknown>;

/** stderr's JSON lines; other lines (warning: ...) are left out. */
function jsonLines(stderr: string): Line[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

async function eventually(done: () => boolean, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 20) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return done();
}

describe('access log of hub serving start', { skip: await lacSkipReason() }, () => {
  test('HUB_LOG_LEVEL=info: one JSON line per request with its id; start-up wrote no log line', async () => {
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1'], { HUB_LOG_LEVEL: 'info' });
    try {
      assert.deepEqual(jsonLines(server.stderr()), [], `nothing logged at start: ${server.stderr()}`);
      const ok = await post(`${server.url}/predict/lac`, { texts: ['今天是个好日子'] }, { 'content-type': 'application/json', 'x-request-id': 'e2e-ok' });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-request-id'), 'e2e-ok');
      const bad = await post(`${server.url}/predict/lac`, { texts: [1] }, { 'content-type': 'application/json', 'x-request-id': 'e2e-bad' });
      assert.equal(bad.status, 400);
      const made = (await fetch(`${server.url}/healthz`)).headers.get('x-request-id')!;
      assert.ok(await eventually(() => jsonLines(server.stderr()).filter((l) => l.msg === 'request').length >= 3), server.stderr());
      const lines = jsonLines(server.stderr()).filter((l) => l.msg === 'request');
      assert.deepEqual(lines.map((l) => [l.request_id, l.level, l.method, l.route, l.module, l.status, l.code]), [
        ['e2e-ok', 'info', 'POST', '/predict/:module', 'lac', 200, '000'],
        ['e2e-bad', 'info', 'POST', '/predict/:module', 'lac', 400, '113'],
        [made, 'info', 'GET', '/healthz', undefined, 200, undefined],
      ]);
      for (const line of lines) {
        assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(typeof line.ms, 'number');
        assert.equal(typeof line.bytes_in, 'number');
        assert.equal(typeof line.bytes_out, 'number');
      }
      assert.equal(lines[0]!.bytes_out, Number(ok.headers.get('content-length')));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('--access_log off: no request lines', async () => {
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--access_log', 'off'], { HUB_LOG_LEVEL: 'info' });
    try {
      const ok = await post(`${server.url}/predict/lac`, { texts: ['今天是个好日子'] });
      assert.equal(ok.status, 200);
      await post(`${server.url}/predict/nothing`, {});
    } finally {
      assert.equal(await server.stop(), 0);
    }
    assert.deepEqual(jsonLines(server.stderr()).filter((l) => l.msg === 'request'), [], server.stderr());
  });
});
