import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { freePort, post } from '../helpers/cli.js';

// The image as a user builds it from the project's Dockerfile, run as Kubernetes would run it (read-only
// root, a CPU limit, a non-root user, no network needed) and called from outside the container: the seed's
// demo request, readiness going from 503 to 200, the HEALTHCHECK, and SIGTERM during a request: the
// request is answered and the container exits 0. Uses podman with runc; no registry image can be pulled
// here, so the base is built by deploy/scripts/local-base.sh (debootstrap + this machine's node) unless
// HUB_CONTAINER_BASE names one (e.g. docker.io/library/node:20-bookworm-slim where a registry is reachable).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Per run, so that two runs on one machine never run each other's image.
const IMAGE = `localhost/hub-serving:test-${process.pid}`;
const NAME = `hub-serving-test-${process.pid}`;
const BUILD_TIMEOUT_MS = 9 * 60_000;

function commandMissing(command: string): boolean {
  return (spawnSync(command, ['--version']).error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function containerSkipReason(): string | undefined {
  const needed = ['podman', 'runc', ...(process.env.HUB_CONTAINER_BASE ? [] : ['debootstrap'])];
  const missing = needed.filter(commandMissing);
  let why: string | undefined;
  if (missing.length > 0) why = `${missing.join(', ')} not installed: apt-get install podman runc debootstrap`;
  else if (!process.env.HUB_CONTAINER_BASE && process.getuid?.() !== 0) why = 'building the local base image (debootstrap) needs root';
  if (why === undefined) return undefined;
  if (process.env.CI === 'true') throw new Error(`the container test cannot run: ${why}`);
  console.warn(`SKIPPING the container test: ${why}`);
  return why;
}

// podman's defaults ask for ulimits this machine's sandbox refuses; runc is the runtime that works here.
function containersConf(): string {
  if (process.env.CONTAINERS_CONF) return process.env.CONTAINERS_CONF;
  const file = join(mkdtempSync(join(tmpdir(), 'hub-containers-')), 'containers.conf');
  writeFileSync(file, '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n');
  return file;
}

let env: NodeJS.ProcessEnv = process.env;

function run(command: string, args: string[], timeoutMs = 60_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
}

function ok(command: string, args: string[], timeoutMs?: number): string {
  const result = run(command, args, timeoutMs);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output.slice(-4000)}`);
  return result.stdout;
}

const podman = (args: string[], timeoutMs?: number) => ok('podman', args, timeoutMs);

describe('the container image', { skip: containerSkipReason() }, () => {
  let port = 0;
  let url = '';

  before(async () => {
    env = { ...process.env, CONTAINERS_CONF: containersConf() };
    let base = process.env.HUB_CONTAINER_BASE;
    if (!base) {
      const started = Date.now();
      ok('bash', ['deploy/scripts/local-base.sh', 'localhost/hub-base:bookworm'], 5 * 60_000);
      console.log(`local base image ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      base = 'localhost/hub-base:bookworm';
    }
    const started = Date.now();
    podman(['build', '--format', 'docker', '--network=host', '--build-arg', `BASE=${base}`, '-t', IMAGE, '.'], BUILD_TIMEOUT_MS);
    const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]).trim());
    console.log(`built ${IMAGE} from ${base} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(size / 1e6).toFixed(0)} MB`);
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
  });

  after(() => {
    if (!env.CONTAINERS_CONF) return;
    run('podman', ['rm', '-f', '-t', '0', NAME]);
    // The build's cached layers stay for the next run; only this run's tag goes, and build layers left
    // unused for a day, so that repeated runs on one machine do not fill its disk.
    run('podman', ['rmi', IMAGE]);
    run('podman', ['image', 'prune', '-f', '--filter', 'until=24h']);
  });

  test('the image runs as a non-root user, with a HEALTHCHECK on /readyz and node as its entry point', () => {
    type Config = { User: string; Entrypoint: string[]; Env: string[]; Healthcheck?: { Test: string[] } };
    const [image] = JSON.parse(podman(['image', 'inspect', IMAGE])) as { Config: Config; Healthcheck?: { Test: string[] } }[];
    const config = image!.Config;
    // podman shows a Docker-format image's HEALTHCHECK beside the OCI config; docker inside it.
    const health = image!.Healthcheck ?? config.Healthcheck!;
    assert.equal(config.User, '1000:1000');
    assert.deepEqual(config.Entrypoint, ['node', '/app/bin/hub.js', 'serving', 'start']);
    assert.match(health.Test.join(' '), /\/readyz/);
    assert.ok(config.Env.includes('HUB_HOME=/var/lib/hub-serving'), config.Env.join(' '));
  });

  test('started with a CPU limit on a read-only root: 503 loading, then 200 ready, then the demo answer', async () => {
    podman(['run', '-d', '--name', NAME, '--network=host', '--health-interval=disable',
      '-e', `HUB_HEALTHCHECK_URL=${url}/readyz`,
      // As the Deployment runs it: read-only root, HUB_HOME/conf writable (the PID file), a CPU limit.
      '--read-only', '--read-only-tmpfs=false', '--tmpfs', '/var/lib/hub-serving/conf:rw,mode=1777',
      '--cpus', '1.5',
      IMAGE, '-m', 'lac', '-p', String(port), '--host', '127.0.0.1']);
    const seen: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      if (response) {
        const state = `${response.status} ${((await response.json()) as { status: string }).status}`;
        if (seen.at(-1) !== state) seen.push(state);
        if (response.status === 200) break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const logs = () => { const r = run('podman', ['logs', NAME]); return `${r.stdout}${r.stderr}`; };
    assert.deepEqual(seen, ['503 loading', '200 ready'], logs());
    assert.match(logs(), /1 process x 1 inference thread \(cpu\) x 1 intra-op thread on 1 core \(CPU quota 1\.5 cores of \d+\)/);

    const reply = await post(`${url}/predict/lac`, { texts: ['今天是个好日子', '天气预报说今天要下雨'], batch_size: 1 });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, '000');
    const words = (reply.body.results as { word: string[] }[]).map((r) => r.word);
    assert.deepEqual(words, [['今天', '是', '个', '好日子'], ['天气预报', '说', '今天', '要', '下雨']]);
  });

  test('inside: uid 1000, the HEALTHCHECK passes, the preStop command exists', () => {
    assert.equal(podman(['exec', NAME, 'id', '-u']).trim(), '1000');
    podman(['healthcheck', 'run', NAME]);
    podman(['exec', NAME, 'sleep', '0']);
  });

  test('SIGTERM during a request: the request is answered, the container exits 0', async () => {
    const long = '我在北京天安门广场见到了张三。'.repeat(1000);
    const started = Date.now();
    const inFlight = post(`${url}/predict/lac`, { texts: Array(6).fill(long), batch_size: 1 });
    await new Promise((r) => setTimeout(r, 300));
    podman(['kill', '--signal', 'TERM', NAME]);
    const reply = await inFlight;
    assert.equal(reply.status, 200, reply.text.slice(0, 500));
    assert.equal(reply.body.status, '000');
    assert.equal((reply.body.results as unknown[]).length, 6);
    const code = podman(['wait', NAME], 120_000).trim();
    assert.equal(code, '0', `exit code ${code}`);
    const logs = run('podman', ['logs', NAME]).stdout;
    assert.match(logs, /SIGTERM: stopping: finishing requests in flight/);
    assert.match(logs, /Hub Serving stopped/);
    console.log(`the request in flight was answered ${Date.now() - started} ms after it was sent; SIGTERM at 300 ms`);
  });
});
