import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectError, lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';
import { metric, modelIdle, waitFor } from '../helpers/metrics.js';
import { writeTinySentaDir } from '../modules/senta_bilstm/tiny-senta.js';

// The scheduler through real HTTP: requests share model calls and get their own results, a small request is
// not held behind big ones, a full queue refuses with 429 and Retry-After, and work whose client left or
// whose deadline passed never runs. Proofs are counts read from /metrics, never timings.

type LacResult = { word: string[]; tag: string[] };
const SENTENCES = ['今天是个好日子', '天气预报说今天要下雨', '百度是一家高科技公司', '我在北京天安门广场见到了张三'];
/** 900 characters: one piece (pieces are at most 1,024). */
const LONG = '今天是个好日子天气预报说今天要下雨百度是一家高科技公司我在北京天安门广场见到了张三'.repeat(20);

describe('the scheduler, lac', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('48 concurrent requests are answered each with its own results, equal to the same requests one by one', async () => {
    const url = `${server!.url}/predict/lac`;
    const bodies = Array.from({ length: 48 }, (_, i) => ({ text: [SENTENCES[i % 4]!, SENTENCES[(i + 1) % 4]!.slice(0, 3 + (i % 5)), LONG.slice(0, 20 + i)] }));
    const alone: unknown[] = [];
    for (const body of bodies.slice(0, 8)) alone.push((await post(url, body)).body.results);
    const batchedBefore = await metric(server!.url, 'hub_batch_size_count', 'model="lac"');
    const together = await Promise.all(bodies.map((body) => post(url, body)));
    together.forEach((reply, i) => assert.equal(reply.body.status, '000', reply.text));
    assert.deepEqual(together.slice(0, 8).map((r) => r.body.results), alone);
    together.forEach((reply, i) => {
      const results = reply.body.results as LacResult[];
      assert.deepEqual(results.map((r) => r.word.join('')), bodies[i]!.text, `request ${i} got its own texts back`);
    });
    const calls = (await metric(server!.url, 'hub_batch_size_count', 'model="lac"')) - batchedBefore;
    assert.ok(calls < 48 * 3, `${calls} model calls for ${48 * 3} texts: texts of different requests shared calls`);
  });

  test('the reply says where the time went (Server-Timing)', async () => {
    const reply = await post(`${server!.url}/predict/lac`, { text: ['今天是个好日子'] });
    assert.match(reply.headers.get('server-timing') ?? '', /^queue;dur=\d+\.\d, infer;dur=\d+\.\d, total;dur=\d+\.\d$/);
  });

  test('a one-text request sent while three 4,000-text requests are served is answered before any of them', async () => {
    const url = `${server!.url}/predict/lac`;
    const order: string[] = [];
    const big = [0, 1, 2].map((k) => post(url, { text: Array.from({ length: 4000 }, (_, i) => SENTENCES[(i + k) % 4]!) }).then((r) => {
      order.push(`big${k}`);
      return r;
    }));
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v > 6000);
    const small = await post(url, { text: ['今天是个好日子'] });
    order.push('small');
    assert.deepEqual((small.body.results as LacResult[])[0]!.word, ['今天', '是', '个', '好日子']);
    for (const reply of await Promise.all(big)) assert.equal(reply.body.status, '000');
    assert.equal(order[0], 'small', `completion order: ${order.join(', ')}`);
  });
});

describe('the scheduler, refusals and cancellation', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    // One item per call and a small queue, so that a queue past its bound is easy to reach.
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--max_batch_size', '1', '--max_queue_size', '300', '--timeout', '1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  const items = () => metric(server!.url, 'hub_batch_size_sum', 'model="lac"');

  test('a request that does not fit the queue gets 429 with Retry-After at once; the next one that fits succeeds', async () => {
    const url = `${server!.url}/predict/lac`;
    const first = post(url, { text: Array.from({ length: 250 }, () => LONG) });
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v > 100);
    const refused = await post(url, { text: Array.from({ length: 200 }, () => '今天是个好日子') });
    expectError(refused, 429, '124', /^The lac queue is full \(\d+ of 300 items waiting\); retry in \d+ s\.$/);
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    assert.ok((await metric(server!.url, 'hub_refusals_total', 'model="lac",reason="queue_full"')) >= 1);
    await first.catch(() => undefined);
    // Idle, calls included: the calls still running would count against the next request's 1 s.
    await modelIdle(server!.url, 'lac');
    const fine = await post(url, { text: ['今天是个好日子'] });
    assert.equal(fine.body.status, '000');
    expectError(await post(url, { text: Array.from({ length: 301 }, () => '好') }), 413, '125', /makes 301 items for lac, more than its queue holds \(300\)/);
  });

  test('work that cannot make its deadline never all runs: 504 at the deadline or 429 at once, and the queue empties', async () => {
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v === 0);
    const ran = await items();
    const reply = await post(`${server!.url}/predict/lac`, { text: Array.from({ length: 290 }, () => LONG) });
    // At the pace measured so far the queue may foresee the miss (429 before any of it runs), or not (504).
    if (reply.status === 429) {
      expectError(reply, 429, '124', /retry in \d+ s/);
      assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
    } else {
      expectError(reply, 504, '119', /timeout of 1 s/);
    }
    assert.equal(await metric(server!.url, 'hub_model_queue_items', 'model="lac"'), 0, 'nothing of it is left queued');
    await new Promise((r) => setTimeout(r, 300));
    const after = await items();
    assert.ok(after - ran < 290, `${after - ran} of 290 items ran: the rest were dropped at the deadline`);
    if (reply.status === 429) assert.equal(after, ran, 'a refused request ran nothing');
  });

  test("a client that disconnects: its queued items never run", async () => {
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v === 0);
    const ran = await items();
    const body = JSON.stringify({ text: Array.from({ length: 250 }, () => LONG) });
    const req = httpRequest(`${server!.url}/predict/lac`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    req.on('error', () => {});
    req.end(body);
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v > 100);
    req.destroy();
    await waitFor(server!.url, 'hub_model_queue_items', 'model="lac"', (v) => v === 0);
    const settled = await items();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await items(), settled, 'nothing more ran after the queue emptied');
    assert.ok(settled - ran < 250, `${settled - ran} of 250 items ran before the client left`);
  });
});

describe('the scheduler, senta_bilstm', { skip: await lacSkipReason() }, () => {
  test('600 texts in one request, then one text from another client: both answered', async () => {
    const weights = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-sched-')));
    const server = await startServer(['-m', 'senta_bilstm', '--host', '127.0.0.1'], { HUB_SENTA_DIR: weights });
    try {
      const url = `${server.url}/predict/senta_bilstm`;
      const big = await post(url, { texts: Array.from({ length: 600 }, (_, i) => SENTENCES[i % 4]!) });
      assert.equal(big.body.status, '000', big.text.slice(0, 300));
      assert.equal((big.body.results as unknown[]).length, 600);
      const next = await post(url, { texts: ['今天是个好日子'] });
      assert.equal(next.body.status, '000');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
