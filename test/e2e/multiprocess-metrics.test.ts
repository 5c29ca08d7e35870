import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lacSkipReason, startServer, type RunningServer } from '../helpers/cli.js';
import { metric } from '../helpers/metrics.js';

// With --use_multiprocess every scrape of /metrics answers for the whole service, whichever process takes it.

describe('metrics across processes', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--use_multiprocess', '--workers', '2', '--threads', '1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('300 requests over new connections: every scrape counts all 300', async () => {
    const body = JSON.stringify({ text: ['今天是个好日子'] });
    for (let i = 0; i < 300; i += 10) {
      // A new connection each time, so the primary hands requests to both processes.
      await Promise.all(Array.from({ length: 10 }, async () => {
        const response = await fetch(`${server!.url}/predict/lac`, { method: 'POST', body, headers: { 'content-type': 'application/json', connection: 'close' } });
        assert.equal(response.status, 200);
        await response.text();
      }));
    }
    for (let i = 0; i < 6; i++) {
      const text = await (await fetch(`${server!.url}/metrics`, { headers: { connection: 'close' } })).text();
      const line = text.split('\n').find((l) => l.startsWith('hub_requests_total{') && l.includes('module="lac"') && l.includes('status="000"'));
      assert.ok(line, text.slice(0, 500));
      assert.equal(Number(line!.slice(line!.lastIndexOf(' ') + 1)), 300, `scrape ${i}: ${line}`);
    }
    const last = await (await fetch(`${server!.url}/metrics`)).text();
    assert.match(last, /^hub_requests_in_flight 0$/m);
    assert.match(last, /^hub_process_restarts_total 0$/m);
    assert.equal(await metric(server!.url, 'hub_batch_size_count', 'model="lac"') > 0, true, 'model calls of both processes are counted');
  });
});
