import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshHubHome, startServer, type RunningServer } from '../helpers/cli.js';
import { childPids, eventually, postJson, writeHeldModule } from './process-helpers.js';

// --use_multiprocess with real processes: the primary forks the serving processes, replaces one that dies
// (which takes connections only once loaded), and on SIGTERM stops them all after the requests in flight.
// The module is a user module over a tiny ONNX file, both written by the test.

const PATH = '/predict/held';
const held = writeHeldModule();

const pidSeen = (stderr: string, pid: number) => stderr.split('\n').some((line) => line.includes(`"pid":${pid},`) && line.includes(`"path":"${PATH}"`));

describe('a cluster of serving processes', () => {
  const home = freshHubHome();
  let server: RunningServer | undefined;
  let primary = 0;

  before(async () => {
    server = await startServer(['-m', held.folder, '--host', '127.0.0.1', '--use_multiprocess', '--workers', '2', '--threads', '1'], { HUB_HOME: home, HUB_LOG_LEVEL: 'info' });
    primary = server.child.pid!;
  });
  after(async () => {
    held.release('cluster');
    await server?.stop();
  });

  // A new connection each time, so the primary deals requests to every process.
  const double = async (x: [number, number]) => {
    const answer = await postJson(server!.port, PATH, { x });
    assert.equal(answer.status, 200, answer.text);
    return JSON.parse(answer.text).results as number[][];
  };

  test('two serving processes answer on one port; the primary keeps the PID file', async () => {
    assert.equal(childPids(primary).length, 2);
    assert.match(server!.stdout(), /^2 processes x 1 inference thread \(cpu\)/m);
    assert.deepEqual(await double([1, 2]), [[2, 4]]);
    const record = JSON.parse(readFileSync(join(home, 'conf', `serving_${server!.port}.json`), 'utf8')) as { pid: number; processes: number };
    assert.equal(record.pid, primary);
    assert.equal(record.processes, 2);
  });

  test('a serving process that dies is replaced, and the new one serves', async () => {
    const [victim, survivor] = childPids(primary);
    process.kill(victim!, 'SIGKILL');
    await eventually('the primary reports the exit', () => (server!.stderr().includes(`serving process ${victim} exited (SIGKILL); starting another`) ? true : undefined));
    const fresh = await eventually('a new serving process', () => {
      const now = childPids(primary);
      return now.length === 2 && !now.includes(victim!) ? now.find((pid) => pid !== survivor) : undefined;
    });
    // Every request is answered meanwhile; the new process gets its turn once it is loaded and listens.
    await eventually('the new process answers', async () => {
      assert.deepEqual(await double([5, 6]), [[10, 12]]);
      return pidSeen(server!.stderr(), fresh) ? true : undefined;
    }, 400);
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    assert.match(metrics, /^hub_process_restarts_total 1$/m);
  });

  test('SIGTERM to the primary finishes the request in flight, stops every process and exits 0', async () => {
    const workers = childPids(primary);
    const inFlight = postJson(server!.port, PATH, { x: [7, 8], hold: 'cluster' });
    await held.started('cluster');
    server!.child.kill('SIGTERM');
    await eventually('the primary stops its processes', () => (server!.stdout().includes('SIGTERM: stopping 2 serving processes') ? true : undefined));
    held.release('cluster');
    const answer = await inFlight;
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(JSON.parse(answer.text).results, [[14, 16]]);
    assert.equal(await server!.exited, 0);
    assert.match(server!.stdout(), /Hub Serving stopped\n$/);
    assert.ok(!existsSync(join(home, 'conf', `serving_${server!.port}.json`)), 'the PID file is removed');
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), /ESRCH/, `serving process ${pid} has exited`);
  });
});
