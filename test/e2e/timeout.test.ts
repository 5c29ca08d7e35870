import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectError, post, lacSkipReason, startServer, type Reply, type RunningServer } from '../helpers/cli.js';
import { modelIdle } from '../helpers/metrics.js';

// --timeout: a prediction that runs too long is answered 504 at the deadline, and the server goes on. The
// Hub-Timeout header lowers it for one request, never raises it; a request that cannot make its deadline is
// answered 504 or refused at once with 429, never with a result after it.

describe('--timeout', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--timeout', '0.3', '--threads', '2']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('a long text past the timeout gets 504 and the envelope', async () => {
    const reply = await post(`${server!.url}/predict/lac`, { text: ['我在北京天安门广场见到了张三。'.repeat(6600)] });
    assert.equal(reply.status, 504);
    assert.equal(reply.body.status, '119');
    assert.match(reply.body.msg, /longer than the timeout of 0\.3 s/);
  });

  test('the server answers right afterwards: the late work left the queue, what was running finished', async () => {
    await modelIdle(server!.url, 'lac');
    const reply = await post(`${server!.url}/predict/lac`, { text: ['今天是个好日子'] });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.results, [{ word: ['今天', '是', '个', '好日子'], tag: ['TIME', 'v', 'q', 'n'] }]);
  });

  /** A timeout's answer: 504 at the deadline, or 429 with Retry-After when the queue could not make it in time. */
  function expectLate(reply: Reply, seconds: string): void {
    if (reply.status === 429) {
      expectError(reply, 429, '124', /retry in \d+ s/);
      assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
    } else {
      expectError(reply, 504, '119', new RegExp(`longer than the timeout of ${seconds.replace('.', '\\.')} s`));
    }
  }

  const SENTENCES = Array.from({ length: 200 }, (_, i) => ['今天是个好日子', '天气预报说今天要下雨', '百度是一家高科技公司'][i % 3]!);

  test('Hub-Timeout lowers the timeout for its request: 200 texts answered within 0.3 s are not within 1 ms', async () => {
    await modelIdle(server!.url, 'lac');
    const url = `${server!.url}/predict/lac`;
    const fine = await post(url, { text: SENTENCES }, { 'content-type': 'application/json', 'hub-timeout': '0.3' });
    assert.equal(fine.status, 200, fine.text.slice(0, 300));
    assert.equal((fine.body.results as unknown[]).length, 200);
    expectLate(await post(url, { text: SENTENCES }, { 'content-type': 'application/json', 'hub-timeout': '0.001' }), '0.001');
  });

  test('Hub-Timeout never raises the server\'s timeout', async () => {
    await modelIdle(server!.url, 'lac');
    const reply = await post(`${server!.url}/predict/lac`, { text: ['我在北京天安门广场见到了张三。'.repeat(6600)] }, { 'content-type': 'application/json', 'hub-timeout': '100' });
    expectLate(reply, '0.3');
  });

  test('a Hub-Timeout that is not a number of seconds above 0 is refused with 400', async () => {
    for (const value of ['abc', '0', '-1', '1e3', '2s', '']) {
      const reply = await post(`${server!.url}/predict/lac`, { text: ['今天是个好日子'] }, { 'content-type': 'application/json', 'hub-timeout': value });
      expectError(reply, 400, '113', /^The Hub-Timeout header must be a number of seconds above 0, such as 2 or 0\.5 \(it can only lower the server's timeout of 0\.3 s\); got "/);
    }
  });
});
