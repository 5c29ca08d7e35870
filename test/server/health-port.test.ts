import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { loadServingConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors/catalogue.js';
import { portInUse } from '../../src/process/port.js';
import { startService, type Service, type ServiceModule } from '../../src/server/service.js';
import { freePort } from '../helpers/cli.js';
import type { ProbeAnswer, ProbeThreadData } from './health-probe-thread.js';

// --health_port, served in this process by startService: its thread answers the probes while this thread's
// event loop is held by a synchronous busy loop, which is what a loop saturated by requests looks like to a
// probe. Probes are then sent from a thread of the test's own; a SharedArrayBuffer flag says, inside the busy
// loop, that their answers have arrived.

const PROBE_THREAD = new URL('./health-probe-thread.js', import.meta.url);
/** Only a bound on a failing test: a passing one leaves the busy loop as soon as the answers are in. */
const BLOCK_BOUND_MS = 30_000;

interface Blocked {
  /** Whether every answer arrived while this thread was still in the busy loop. */
  answeredWhileBlocked: boolean;
  answers: Promise<ProbeAnswer[]>;
}

/** Starts the probe thread, then blocks this thread's event loop until its answers are in (or the bound passes). */
function probeWhileBlocked(data: Omit<ProbeThreadData, 'done'>): Blocked {
  const done = new SharedArrayBuffer(4);
  const flag = new Int32Array(done);
  const thread = new Worker(PROBE_THREAD, { workerData: { ...data, done } satisfies ProbeThreadData });
  const answers = once(thread, 'message').then(([message]) => {
    if (!Array.isArray(message)) throw new Error(`the probe failed: ${JSON.stringify(message)}`);
    return message as ProbeAnswer[];
  });
  const bound = performance.now() + BLOCK_BOUND_MS;
  while (Atomics.load(flag, 0) === 0 && performance.now() < bound) {
    // Busy: nothing else runs on this thread, the service's routes and heartbeat included.
  }
  return { answeredWhileBlocked: Atomics.load(flag, 0) === 1, answers };
}

interface Started {
  service: Service;
  url: string;
  health: string;
}

async function start(options: { modules?: () => Promise<ServiceModule[]>; stallAfterMs?: number } = {}): Promise<Started> {
  const port = await freePort();
  const healthPort = await freePort();
  const { config } = loadServingConfig({ modules: ['lac'], port: String(port), host: '127.0.0.1', healthPort: String(healthPort) });
  const service = await startService(config, options.modules ?? [], [{ kind: 'cpu' }], pino({ level: 'silent' }), undefined, { stallAfterMs: options.stallAfterMs });
  return { service, url: `http://127.0.0.1:${port}`, health: `http://127.0.0.1:${healthPort}` };
}

const getJson = async (url: string): Promise<ProbeAnswer> => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('--health_port', () => {
  test('answers /healthz, /livez and /readyz while the serving thread is busy', async () => {
    const { service, health } = await start();
    try {
      await service.loaded;
      const blocked = probeWhileBlocked({ urls: [`${health}/healthz`, `${health}/livez`, `${health}/readyz`] });
      assert.equal(blocked.answeredWhileBlocked, true, 'answered before the busy loop ended');
      assert.deepEqual(await blocked.answers, [
        { status: 200, body: { status: 'ok' } },
        { status: 200, body: { status: 'ok' } },
        { status: 200, body: { status: 'ready', modules: [] } },
      ]);
    } finally {
      await service.close();
    }
  });

  test('/readyz says loading, then ready, then draining, as the serving port does; closing the service closes it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { service, url, health } = await start({ modules: async () => (await gate, []) });
    try {
      const loading = await getJson(`${health}/readyz`);
      assert.deepEqual(loading, { status: 503, body: { status: 'loading', modules: [] } });
      assert.deepEqual(await getJson(`${url}/readyz`), loading);
      assert.deepEqual(await getJson(`${health}/healthz`), { status: 200, body: { status: 'ok' } });

      release();
      await service.loaded;
      const ready = await getJson(`${health}/readyz`);
      assert.deepEqual(ready, { status: 200, body: { status: 'ready', modules: [] } });
      assert.deepEqual(await getJson(`${url}/readyz`), ready);

      // close() marks the service draining at once; the busy loop keeps it from going further meanwhile.
      const closed = service.close();
      const blocked = probeWhileBlocked({ urls: [`${health}/readyz`, `${health}/healthz`] });
      assert.equal(blocked.answeredWhileBlocked, true);
      assert.deepEqual(await blocked.answers, [
        { status: 503, body: { status: 'draining', modules: [] } },
        { status: 200, body: { status: 'ok' } },
      ]);
      await closed;
      await assert.rejects(fetch(`${health}/healthz`), 'the health port is closed with the service');
    } finally {
      release();
      await service.close();
    }
  });

  test('a main event loop silent past the threshold: /healthz and /livez answer 503 stalled, /readyz 503; 200 once it runs again', async () => {
    const { service, health } = await start({ stallAfterMs: 300 });
    try {
      await service.loaded;
      // The probe thread asks until the heartbeat is old enough; this thread stays busy meanwhile.
      const blocked = probeWhileBlocked({ urls: [`${health}/healthz`, `${health}/livez`, `${health}/readyz`], untilStatus: 503 });
      assert.equal(blocked.answeredWhileBlocked, true);
      const [healthz, livez, readyz] = await blocked.answers;
      for (const answer of [healthz!, livez!]) {
        assert.equal(answer.status, 503);
        assert.equal(answer.body.status, 'stalled');
        assert.ok((answer.body.event_loop_silent_ms as number) > 300, JSON.stringify(answer.body));
      }
      assert.equal(readyz!.status, 503);
      assert.equal(readyz!.body.status, 'stalled');
      assert.deepEqual(readyz!.body.modules, []);

      // Running again, the loop beats within its interval: ask until it shows, a bounded number of times.
      let after = await getJson(`${health}/healthz`);
      for (let tries = 0; after.status !== 200 && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = await getJson(`${health}/healthz`);
      }
      assert.deepEqual(after, { status: 200, body: { status: 'ok' } });
    } finally {
      await service.close();
    }
  });

  test('an occupied health port fails the start with one line and leaves the serving port free', async () => {
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const port = await freePort();
      const { config } = loadServingConfig({ modules: ['lac'], port: String(port), host: '127.0.0.1', healthPort: String(taken) });
      await assert.rejects(startService(config, [], [{ kind: 'cpu' }], pino({ level: 'silent' })),
        (error: unknown) => error instanceof UsageError && error.message === `Port ${taken} is occupied, please change it (--health_port <port>)`);
      assert.equal(await portInUse(port, '127.0.0.1'), false, 'the serving port is closed again');
    } finally {
      blocker.close();
    }
  });

  test('the serving port itself is refused as health port', async () => {
    const port = await freePort();
    const { config } = loadServingConfig({ modules: ['lac'], port: String(port), host: '127.0.0.1', healthPort: String(port) });
    await assert.rejects(startService(config, [], [{ kind: 'cpu' }], pino({ level: 'silent' })),
      (error: unknown) => error instanceof UsageError && error.message === `--health_port: ${port} is the serving port (-p); give another port, or 0 for none`);
  });
});
