import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { freePort, freshHubHome, HUB_BIN, lacSkipReason, post, startServer } from '../helpers/cli.js';
import { find, render } from './manifests.js';

// The probes the Deployment declares, called on a real server; and the readiness they rely on: the server
// listens before its modules are loaded, so /readyz says 503 "loading" (and predictions get 503) until it
// is ready, while /healthz already answers.

const probesOf = (relative: string) => {
  const deployment = find(render(relative).objects, 'Deployment') as unknown as { spec: { template: { spec: { containers: Record<string, { httpGet: { path: string } }>[] } } } };
  const [container] = deployment.spec.template.spec.containers;
  return (['startupProbe', 'readinessProbe', 'livenessProbe'] as const).map((kind) => ({ kind, path: container![kind]!.httpGet.path }));
};

describe('the Deployment\'s probes on a running server', { skip: await lacSkipReason() }, () => {
  test('every probe path answers 200 once lac is loaded', async () => {
    const server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
    try {
      for (const { kind, path } of probesOf('base')) {
        const response = await fetch(`${server.url}${path}`);
        assert.equal(response.status, 200, `${kind} ${path}: ${await response.text()}`);
      }
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('/readyz is 503 "loading" while lac is prepared and loaded, then 200; /healthz answers throughout', async () => {
    // A fresh HUB_HOME: the start converts lac's weights (seconds), with the port already open.
    const port = await freePort();
    const child = spawn(process.execPath, [HUB_BIN, 'serving', 'start', '-m', 'lac', '-p', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, HUB_HOME: freshHubHome(), HUB_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    const seen: string[] = [];
    let loadingPredict: Awaited<ReturnType<typeof post>> | undefined;
    let loadingHealth = 0;
    try {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const response = await fetch(`${url}/readyz`).catch(() => undefined);
        if (response) {
          const body = (await response.json()) as { status: string };
          if (seen.at(-1) !== `${response.status} ${body.status}`) seen.push(`${response.status} ${body.status}`);
          if (response.status === 200) break;
          if (!loadingPredict) {
            loadingPredict = await post(`${url}/predict/lac`, { texts: ['今天是个好日子'] });
            loadingHealth = (await fetch(`${url}/healthz`)).status;
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(seen, ['503 loading', '200 ready'], `stdout: ${out}`);
      assert.equal(loadingHealth, 200, '/healthz answers while loading');
      assert.equal(loadingPredict!.status, 503);
      assert.equal(loadingPredict!.body.status, '118');
      assert.match(loadingPredict!.body.msg, /the models are still loading/);
      const ready = await post(`${url}/predict/lac`, { texts: ['今天是个好日子'] });
      assert.deepEqual((ready.body.results as { word: string[] }[])[0]!.word, ['今天', '是', '个', '好日子']);
      assert.ok(out.indexOf('listening on') < out.indexOf('Hub Serving is ready'), out);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, `stdout: ${out}`);
    }
  });
});
