// What a Kubernetes probe sees under load: a lac server with --health_port, loaded by `hub bench -m lac`,
// while /healthz is asked one request at a time (keep-alive) on the serving port and on the health port, and
// the same of a bare server in a process of its own, the control.

import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { percentile } from '../../src/cli/bench/load.js';
import { repoRoot } from '../docs.js';
import { benchHubHome } from './our-server.js';
import { freePort, startServer } from './servers.js';

/** Pause between one probe's answer and the next probe, per port: a probe's rhythm, not a load of its own. */
const PROBE_GAP_MS = 20;

export interface ProbeFigures {
  answered: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HealthUnderLoad {
  connections: number;
  seconds: number;
  /** What `hub bench` printed about the load itself. */
  loadReport: string;
  servingPort: ProbeFigures;
  healthPort: ProbeFigures;
  /**
   * The control: a bare node:http server in a process of its own that answers every request "ok", probed the
   * same way during the same load. It shows what the machine's scheduler allows any server while the cores are
   * saturated, so the figures of the two ports can be read against it.
   */
  bareServer?: ProbeFigures;
}

const BARE_SERVER = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'))";

/** One GET of `path`, the time until its whole answer is in; status 0 for a failed request. */
function probe(agent: Agent, port: number, path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end();
  });
}

/** Probes `port` one request at a time over one kept-alive connection until `running()` turns false. */
async function probeWhile(port: number, running: () => boolean): Promise<ProbeFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  let failed = 0;
  while (running()) {
    const answer = await probe(agent, port, '/healthz');
    if (answer.status === 200) ms.push(answer.ms);
    else failed++;
    await new Promise((resolve) => setTimeout(resolve, PROBE_GAP_MS));
  }
  agent.destroy();
  ms.sort((a, b) => a - b);
  const at = (p: number) => Math.round(percentile(ms, p) * 100) / 100;
  return { answered: ms.length, failed, p50Ms: at(50), p99Ms: at(99), maxMs: at(100) };
}

export async function healthUnderLoad(connections: number, seconds: number): Promise<HealthUnderLoad> {
  const hub = join(repoRoot, 'bin', 'hub.js');
  const port = await freePort();
  const healthPort = await freePort();
  const server = await startServer({
    name: 'hub serving',
    command: process.execPath,
    args: [hub, 'serving', 'start', '-m', 'lac', '--host', '127.0.0.1', '-p', String(port), '--health_port', String(healthPort)],
    cwd: repoRoot,
    env: { ...process.env, HUB_HOME: benchHubHome(), HUB_LOG_LEVEL: 'warn' },
    readyLine: /Hub Serving is ready/,
    readyTimeoutMs: 180_000,
  });
  const barePort = await freePort();
  const bare = await startServer({
    name: 'bare node:http server',
    command: process.execPath,
    args: ['-e', BARE_SERVER, String(barePort)],
    cwd: repoRoot,
    env: process.env,
    readyLine: /listening/,
    readyTimeoutMs: 10_000,
  });
  try {
    const load = spawn(process.execPath, [hub, 'bench', '-m', 'lac', '-c', String(connections), '-d', String(seconds), '--url', `http://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let report = '';
    let loading = false;
    load.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      report += chunk;
      // Its first line is printed as the load begins.
      loading ||= report.includes('\n');
    });
    const ended = new Promise<number | null>((resolve) => load.once('exit', resolve));
    while (!loading && load.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const running = () => load.exitCode === null && !report.includes('\nrequests');
    const [servingPort, healthPortFigures, bareServer] = await Promise.all([probeWhile(port, running), probeWhile(healthPort, running), probeWhile(barePort, running)]);
    const code = await ended;
    if (code !== 0) throw new Error(`hub bench exited with ${code}`);
    return { connections, seconds, loadReport: report.trim(), servingPort, healthPort: healthPortFigures, bareServer };
  } finally {
    await Promise.all([server.stop(), bare.stop()]);
  }
}
