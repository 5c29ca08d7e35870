// What a Kubernetes probe sees under load: `hub serving start -m lac --health_port P` on loopback, loaded by
// `hub bench -m lac -c 32 -d 15`, while /healthz is asked one request at a time (keep-alive) on the serving
// port and on the health port. Prints p50 and p99 of each. Run: npx tsc -p tsconfig.json && node dist/bench/health-probe.js
// Env: BENCH_CONNECTIONS (32), BENCH_SECONDS (15), HUB_HOME (default the lac bench's temp folder), HUB_LAC_DIR.

import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../src/cli/bench/load.js';
import { freePort, startServer } from './lib/servers.js';

const HUB_BIN = fileURLToPath(new URL('../../bin/hub.js', import.meta.url));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** Pause between one probe's answer and the next probe, per port: a probe's rhythm, not a load of its own. */
const PROBE_GAP_MS = 20;

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
async function probeWhile(port: number, running: () => boolean): Promise<{ ms: number[]; failed: number }> {
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
  return { ms: ms.sort((a, b) => a - b), failed };
}

async function main(): Promise<void> {
  const port = await freePort();
  const healthPort = await freePort();
  const server = await startServer({
    name: 'hub serving',
    command: process.execPath,
    args: [HUB_BIN, 'serving', 'start', '-m', 'lac', '--host', '127.0.0.1', '-p', String(port), '--health_port', String(healthPort)],
    cwd: process.cwd(),
    env: { ...process.env, HUB_HOME: process.env.HUB_HOME ?? join(tmpdir(), 'hub-serving-bench'), HUB_LOG_LEVEL: 'warn' },
    readyLine: /Hub Serving is ready/,
    readyTimeoutMs: 180_000,
  });
  try {
    const load = spawn(process.execPath, [HUB_BIN, 'bench', '-m', 'lac', '-c', String(CONNECTIONS), '-d', String(SECONDS), '--url', `http://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    const [serving, health] = await Promise.all([probeWhile(port, running), probeWhile(healthPort, running)]);
    const code = await ended;
    process.stdout.write(report);
    // The cores may be shared with other work: the load average says how much, beside the figures.
    process.stdout.write(`machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}\n`);
    if (code !== 0) throw new Error(`hub bench exited with ${code}`);
    for (const [name, result] of [[`serving port ${port}`, serving], [`health port ${healthPort}`, health]] as const) {
      const at = (p: number) => `${percentile(result.ms, p).toFixed(2)} ms`;
      process.stdout.write(`/healthz on the ${name}: ${result.ms.length} probes answered 200, ${result.failed} not; p50 ${at(50)}, p99 ${at(99)}, max ${at(100)}\n`);
    }
  } finally {
    await server.stop();
  }
}

await main();
