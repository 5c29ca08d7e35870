import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { find, render } from '../deploy/manifests.js';
import { freePort, lacSkipReason, post, runHub, startServer } from '../helpers/cli.js';

// `hub serving start --health_port` as users run it: the probes on their own port beside a real lac server, the
// Deployment's probes pointed at that port, an occupied port refused, and under --use_multiprocess the port
// kept answered when the process holding it dies.

const answer = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Processes whose parent is `pid` (the cluster primary's serving processes). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Which of `pids` holds the socket listening on 127.0.0.1:`port` (Linux /proc). */
function listenerOf(port: number, pids: number[]): number | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/tcp', 'utf8').split('\n').map((line) => line.trim().split(/\s+/)).find((f) => f[1] === local && f[3] === '0A');
  if (!row) return undefined;
  const socket = `socket:[${row[9]}]`;
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === socket);
    } catch {
      return false;
    }
  });
}

describe('hub serving start --health_port', { skip: await lacSkipReason() }, () => {
  test('the probes answer on the health port as on the serving port, the Deployment\'s among them; stopping closes it', async () => {
    const healthPort = await freePort();
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--health_port', String(healthPort)]);
    const health = `http://127.0.0.1:${healthPort}`;
    try {
      assert.deepEqual(await answer(`${health}/healthz`), { status: 200, body: { status: 'ok' } });
      assert.deepEqual(await answer(`${health}/livez`), { status: 200, body: { status: 'ok' } });
      const ready = await answer(`${health}/readyz`);
      assert.deepEqual(ready, { status: 200, body: { status: 'ready', modules: ['lac'] } });
      assert.deepEqual(await answer(`${server.url}/readyz`), ready);
      assert.deepEqual(await answer(`${health}/predict/lac`), { status: 404, body: { status: 'not found', routes: ['/healthz', '/livez', '/readyz'] } });
      assert.equal((await fetch(`${health}/healthz`, { method: 'POST' })).status, 405);
      const predicted = await post(`${server.url}/predict/lac`, { texts: ['今天是个好日子'] });
      assert.deepEqual((predicted.body.results as { word: string[] }[])[0]!.word, ['今天', '是', '个', '好日子']);

      // The Deployment probes the health port it passes to the server, by the container port's name.
      const [container] = (find(render('base').objects, 'Deployment') as unknown as { spec: { template: { spec: { containers: Record<string, any>[] } } } }).spec.template.spec.containers;
      const declared = container!.env.find((e: { name: string }) => e.name === 'HUB_HEALTH_PORT').value as string;
      assert.equal(container!.ports.find((p: { name: string }) => p.name === 'health').containerPort, Number(declared));
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const { path, port } = container![kind].httpGet as { path: string; port: string };
        assert.equal(port, 'health', `${kind} probes the health port`);
        assert.equal((await fetch(`${health}${path}`)).status, 200, `${kind} ${path}`);
      }
    } finally {
      assert.equal(await server.stop(), 0);
    }
    await assert.rejects(fetch(`${health}/healthz`), 'the health port closes with the server');
  });

  test('an occupied health port fails the start with one line, with --use_multiprocess too', async () => {
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      for (const extra of [[], ['--use_multiprocess', '-w', '2', '--threads', '1']]) {
        const r = runHub(['serving', 'start', '-m', 'lac', '--host', '127.0.0.1', '-p', String(await freePort()), '--health_port', String(taken), ...extra]);
        assert.equal(r.status, 1, r.stderr);
        assert.deepEqual(r.stderr.trim().split('\n'), [`error: Port ${taken} is occupied, please change it (--health_port <port>)`], extra.join(' '));
      }
    } finally {
      blocker.close();
    }
  });

  test('--use_multiprocess (HUB_HEALTH_PORT): one process answers the port; when it dies, another takes it over', async () => {
    const healthPort = await freePort();
    const health = `http://127.0.0.1:${healthPort}`;
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1', '--use_multiprocess', '-w', '2', '--threads', '1'], { HUB_HEALTH_PORT: String(healthPort) });
    try {
      assert.deepEqual(await answer(`${health}/readyz`), { status: 200, body: { status: 'ready', modules: ['lac'] } });
      const holder = listenerOf(healthPort, childrenOf(server.child.pid!));
      assert.ok(holder !== undefined, 'a serving process holds the health port');
      process.kill(holder, 'SIGKILL');

      // The others try the port once a second: ask until one holds it, a bounded number of times.
      let next: number | undefined;
      for (let tries = 0; tries < 120 && (next === undefined || next === holder); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        next = listenerOf(healthPort, childrenOf(server.child.pid!));
      }
      assert.ok(next !== undefined && next !== holder, `another serving process holds the port (before ${holder}, now ${next})`);
      assert.deepEqual(await answer(`${health}/healthz`), { status: 200, body: { status: 'ok' } });
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
