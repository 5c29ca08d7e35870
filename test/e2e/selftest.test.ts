import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort, lacSkipReason, runHub, startServer, type RunningServer } from '../helpers/cli.js';

// `hub serving selftest` through the real binary against a real server: every hostile case answered as it should.

describe('hub serving selftest', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--api_key', 'k1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('every case is answered as it should, and the table says so', () => {
    const r = runHub(['serving', 'selftest', '-p', String(server!.port), '--api_key', 'k1']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l));
    assert.equal(rows.length, 10, r.stdout);
    assert.ok(rows.every((l) => l.startsWith('ok ')), r.stdout);
    assert.match(r.stdout, /^all 10 cases answered as they should$/m);
  });

  test('a key-protected server without the key, no server, and a remote host are one-line errors', async () => {
    assert.equal(runHub(['serving', 'selftest', '-p', String(server!.port)]).stderr, `error: the server at http://127.0.0.1:${server!.port} needs an API key: give --api_key\n`);
    const nobody = await freePort();
    assert.equal(runHub(['serving', 'selftest', '-p', String(nobody)]).stderr, `error: nothing answers at http://127.0.0.1:${nobody}: start a server first (hub serving start -m lac), or give -p\n`);
    assert.equal(runHub(['serving', 'selftest', '--host', '10.0.0.1']).stderr, 'error: --host: 10.0.0.1 is not a loopback address; selftest only sends its cases to this machine\n');
  });
});
