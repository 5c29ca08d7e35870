import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { lacSkipReason, startServer } from '../helpers/cli.js';

// Stopping while inference is still queued for clients that already went away: the work is finished, the
// threads are ended only once idle, and the process exits 0 (ending a thread inside onnxruntime aborts it).

describe('graceful stop under abandoned work', { skip: await lacSkipReason() }, () => {
  test('SIGTERM with a queue of work for disconnected clients exits 0', async () => {
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
    const body = JSON.stringify({ text: ['我在北京天安门广场见到了张三。'.repeat(200)] });
    const requests = Array.from({ length: 40 }, () => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/predict/lac', method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('error', () => {});
      req.end(body);
      return req;
    });
    await new Promise((r) => setTimeout(r, 150));
    for (const req of requests) req.destroy();
    const code = await server.stop();
    assert.equal(code, 0, `exit code ${code}\nstderr: ${server.stderr().slice(-500)}`);
    assert.match(server.stdout(), /Hub Serving stopped/);
  });
});
