// `npm run soak`: one server (lac and jieba_paddle) under a steady mix of good and bad requests for 10 minutes
// (SOAK_MINUTES), its memory read from /proc every 10 s. What an operator wants to know before trusting it for
// a week: does RSS level off, does every request keep getting the answer it should, does it still stop cleanly.
// Loopback only; bounded in time and in requests. Results to bench/results/soak-*.json and docs/benchmarks.md.

import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { regenerateBenchmarksDoc, repoRoot, resultsDir, resultsFileName } from './docs.js';
import { machineInfo } from './lib/machine.js';
import { cpuWindow, treeMemory } from './lib/proc.js';
import { freePort, startServer } from './lib/servers.js';
import { SOAK_MIX, type SoakResults, type SoakSample, percentile, soakSummary } from './soak.report.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const SAMPLE_SECONDS = 10;
const MAX_REQUESTS = 20_000_000;
/** Every this many requests a lane opens a new connection, so connection set-up and teardown are soaked too. */
const NEW_CONNECTION_EVERY = 50;

interface Answer {
  status: number;
  ms: number;
}

function send(agent: Agent | false, port: number, path: string, body: Buffer, contentType: string): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      res.once('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    });
    req.once('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  if (!Number.isFinite(MINUTES) || MINUTES <= 0 || MINUTES > 24 * 60) throw new Error(`SOAK_MINUTES: expected minutes from 0 to 1440, got ${process.env.SOAK_MINUTES}`);
  const start = new Date();
  const port = await freePort();
  const args = ['serving', 'start', '-m', 'lac', 'jieba_paddle', '-p', String(port), '--host', '127.0.0.1'];
  console.log(`soak: hub ${args.join(' ')}, ${CONNECTIONS} connections, ${MINUTES} min`);
  const server = await startServer({
    name: 'hub-serving',
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'hub.js'), ...args],
    cwd: repoRoot,
    env: { ...process.env, HUB_HOME: process.env.HUB_HOME ?? join(tmpdir(), 'hub-serving-bench'), HUB_LOG_LEVEL: 'warn' },
    readyLine: /Hub Serving is ready/,
    readyTimeoutMs: 300_000,
  });

  const mix = SOAK_MIX.flatMap((entry) => Array.from({ length: entry.weight }, () => entry));
  const bodies = new Map(SOAK_MIX.map((e) => [e.name, Buffer.from(e.body)]));
  const samples: SoakSample[] = [];
  const byCase = new Map(SOAK_MIX.map((e) => [e.name, { sent: 0, expected: 0, unexpected: new Map<number, number>() }]));
  let window: Answer[] = [];
  let sent = 0;
  const end = Date.now() + MINUTES * 60_000;

  const lane = async (index: number) => {
    let agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; Date.now() < end && sent < MAX_REQUESTS; i++) {
      sent++;
      if (i > 0 && i % NEW_CONNECTION_EVERY === 0) {
        agent.destroy();
        agent = new Agent({ keepAlive: true, maxSockets: 1 });
      }
      const entry = mix[(i * 7 + index) % mix.length]!;
      const answer = await send(agent, port, entry.path, bodies.get(entry.name)!, entry.contentType ?? 'application/json');
      window.push(answer);
      const stats = byCase.get(entry.name)!;
      stats.sent++;
      if (answer.status === entry.expect) stats.expected++;
      else stats.unexpected.set(answer.status, (stats.unexpected.get(answer.status) ?? 0) + 1);
    }
    agent.destroy();
  };

  const sample = (seconds: number, cpu: ReturnType<typeof cpuWindow>) => {
    const answers = window;
    window = [];
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const memory = treeMemory(server.pid);
    const share = cpu();
    samples.push({ seconds, rssMb: memory.rssMb, requests: answers.length, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), serverCpuPct: share.serverPct });
    const last = samples.at(-1)!;
    console.log(`  ${String(seconds).padStart(5)} s  RSS ${last.rssMb} MB  ${Math.round(last.requests / SAMPLE_SECONDS)} req/s  p99 ${last.p99Ms?.toFixed(1)} ms`);
  };

  const idleRssMb = treeMemory(server.pid).rssMb;
  const t0 = Date.now();
  let cpu = cpuWindow(server.pid);
  const timer = setInterval(() => {
    sample(Math.round((Date.now() - t0) / 1000), cpu);
    cpu = cpuWindow(server.pid);
  }, SAMPLE_SECONDS * 1000);
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => lane(i)));
  clearInterval(timer);
  // The lanes stop at the deadline, within a request of the last sample: a window that short says nothing.
  const tail = Math.round((Date.now() - t0) / 1000);
  if (tail - (samples.at(-1)?.seconds ?? 0) >= SAMPLE_SECONDS / 2) sample(tail, cpu);

  const health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
  // Quiet for a while: what the memory comes back to once the load is gone.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const afterIdleRssMb = treeMemory(server.pid).rssMb;
  const stop = await server.stop(30_000);

  const results: SoakResults = {
    bench: 'soak',
    machine: machineInfo(start),
    method: { minutes: MINUTES, connections: CONNECTIONS, sampleSeconds: SAMPLE_SECONDS, newConnectionEvery: NEW_CONNECTION_EVERY, command: `hub ${args.join(' ').replace(String(port), 'PORT')}` },
    idleRssMb,
    afterIdleRssMb,
    samples,
    cases: SOAK_MIX.map((e) => {
      const stats = byCase.get(e.name)!;
      return { name: e.name, expect: e.expect, sent: stats.sent, expected: stats.expected, unexpected: Object.fromEntries(stats.unexpected) };
    }),
    healthAfter: health,
    stop,
  };
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, resultsFileName('soak', start));
  await writeFile(file, JSON.stringify(results, null, 2));
  console.log(`\n${soakSummary(results)}\nwrote ${file}\nwrote ${await regenerateBenchmarksDoc()}`);
  const wrong = results.cases.reduce((n, c) => n + c.sent - c.expected, 0);
  if (wrong > 0 || stop.exit !== 'code 0' || health !== 200) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${(error as Error).message}`);
  process.exit(1);
});
