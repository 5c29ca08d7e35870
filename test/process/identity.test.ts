import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { identityProof, loopbackAddress, provesIdentity } from '../../src/process/identity.js';
import { servingProcessProven, type PidRecord } from '../../src/process/pidfile.js';
import { writeDoubler } from '../helpers/double-model.js';
import { freshHubHome, runHub, startServer, type RunningServer } from '../helpers/cli.js';

// Where /proc is missing (macOS, BSD), a PID file is proven by its token: the server on the recorded port signs
// a challenge with it. Tested here by turning the /proc check off, against a real server started by the CLI.

test('a proof is an HMAC of a well-formed challenge; anything else gets none', () => {
  const challenge = 'ab'.repeat(16);
  assert.match(identityProof('token', challenge)!, /^[0-9a-f]{64}$/);
  assert.notEqual(identityProof('token', challenge), identityProof('other', challenge));
  for (const bad of ['', 'xyz', 'ab'.repeat(8), 'AB'.repeat(16), 'ab'.repeat(65)]) assert.equal(identityProof('token', bad), undefined, bad);
  assert.equal(loopbackAddress('0.0.0.0'), '127.0.0.1');
  assert.equal(loopbackAddress('::'), '[::1]');
  assert.equal(loopbackAddress('::1'), '[::1]');
  assert.equal(loopbackAddress('127.0.0.1'), '127.0.0.1');
});

describe('a server proves its PID file without /proc', () => {
  const home = freshHubHome();
  let server: RunningServer;
  let record: PidRecord;

  before(async () => {
    const file = writeDoubler(home);
    server = await startServer(['-m', file, '--host', '127.0.0.1', '--threads', '1'], { HUB_HOME: home });
    const pidFile = join(home, 'conf', `serving_${server.port}.json`);
    record = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
    assert.equal(statSync(pidFile).mode & 0o777, 0o600, 'the file holding the token is its owner\'s alone');
  });
  after(() => server.stop());

  test('the recorded token is proven; a wrong one, a foreign server on the port, a dead pid are not', async () => {
    assert.match(record.token ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await provesIdentity(record.host, record.port, record.token!), true);
    assert.equal(await servingProcessProven(record, { procfs: false }), true);
    assert.equal(await servingProcessProven({ ...record, token: 'f'.repeat(64) }, { procfs: false }), false);
    assert.equal(await servingProcessProven({ ...record, token: undefined }, { procfs: false }), false, 'an old file without a token proves nothing');
    assert.equal(await servingProcessProven({ ...record, pid: 2 ** 22 + 7 }, { procfs: false }), false);

    // Another program on a port, answering /healthz as we do, but without the token.
    const stranger: Server = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    try {
      const port = (stranger.address() as AddressInfo).port;
      assert.equal(await servingProcessProven({ ...record, port }, { procfs: false }), false);
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
  });

  test('hub serving status calls it running, and stop stops it', async () => {
    const status = runHub(['serving', 'status', '--json'], { HUB_HOME: home });
    const rows = JSON.parse(status.stdout) as { port: number; running: boolean }[];
    assert.equal(rows.find((r) => r.port === server.port)?.running, true, status.stdout);
    const stop = runHub(['serving', 'stop', '-p', String(server.port)], { HUB_HOME: home });
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, /stopped; the port is free/);
    assert.equal(await server.exited, 0);
  });
});
