import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { post, lacSkipReason, startServer, type RunningServer } from '../helpers/cli.js';
import { modelIdle } from '../helpers/metrics.js';

// --timeout: a prediction that runs too long is answered 504 at the deadline, and the server goes on.

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
});
