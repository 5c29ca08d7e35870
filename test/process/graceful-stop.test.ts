import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshHubHome, startServer } from '../helpers/cli.js';
import { eventually, postJson, writeHeldModule } from './process-helpers.js';

// A single serving process and its signals: the first SIGINT or SIGTERM stops it gracefully (no new requests,
// the ones in flight answered, PID file removed, exit 0); a second one while it waits ends it at once.

const held = writeHeldModule();

describe('signals to a serving process', () => {
  test('SIGINT: the request in flight is answered, new ones are not, the PID file goes and the exit code is 0', async () => {
    const home = freshHubHome();
    const server = await startServer(['-m', held.folder, '--host', '127.0.0.1', '--threads', '1'], { HUB_HOME: home });
    try {
      const pidFile = join(home, 'conf', `serving_${server.port}.json`);
      assert.ok(existsSync(pidFile));
      const inFlight = postJson(server.port, '/predict/held', { x: [3, 4], hold: 'sigint' });
      await held.started('sigint');
      server.child.kill('SIGINT');
      await eventually('the stop begins', () => (server.stdout().includes('SIGINT: stopping: finishing requests in flight') ? true : undefined));
      const late = await postJson(server.port, '/predict/held', { x: [1, 1] }).then((a) => a.status, () => 'refused');
      assert.notEqual(late, 200, 'a request after the signal is not served');
      held.release('sigint');
      const answer = await inFlight;
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(JSON.parse(answer.text).results, [[6, 8]]);
      assert.equal(await server.exited, 0);
      assert.match(server.stdout(), /Hub Serving stopped\n$/);
      assert.ok(!existsSync(pidFile), 'the PID file is removed');
    } finally {
      held.release('sigint');
      await server.stop();
    }
  });

  test('a second SIGTERM while a request is still in flight ends the process at once with 1', async () => {
    const server = await startServer(['-m', held.folder, '--host', '127.0.0.1', '--threads', '1'], { HUB_HOME: freshHubHome() });
    try {
      const inFlight = postJson(server.port, '/predict/held', { x: [3, 4], hold: 'twice' });
      await held.started('twice');
      server.child.kill('SIGTERM');
      await eventually('the stop begins', () => (server.stdout().includes('SIGTERM: stopping: finishing requests in flight') ? true : undefined));
      const cutOff = assert.rejects(inFlight, /socket hang up|ECONNRESET/, 'the request is cut off, not answered');
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 1);
      await cutOff;
      assert.doesNotMatch(server.stdout(), /Hub Serving stopped/);
    } finally {
      held.release('twice');
      await server.stop();
    }
  });
});
