// Warm start: how long `hub serving start -m lac` takes from spawning the process to ready (its first /readyz
// 200, then its module's example request answered 200), with the weights already prepared in HUB_HOME. Bounded: RUNS starts (default 5) per build, each given up
// after 60 s. Besides the wall time it reports the CPU time the process had used by then (all its threads,
// from /proc), which a busy machine inflates far less.
// `npx tsc -p tsconfig.json && node dist/bench/warm-start.js [module] [start flags...]`; HUB_HOME and
// HUB_LAC_DIR are passed on. HUB_BIN=a/bin/hub.js,b/bin/hub.js compares builds: their starts alternate, so
// a load that changes meanwhile falls on each alike.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { importModule } from '../src/modules/registry-names.js';
import { freeLoopbackPort } from '../src/process/port.js';

const BUILDS = (process.env.HUB_BIN ?? fileURLToPath(new URL('../../bin/hub.js', import.meta.url))).split(',');
/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const RUNS = Number(process.env.RUNS ?? 5);
const POLL_MS = 10;
const GIVE_UP_MS = 60_000;
const [module = 'lac', ...extra] = process.argv.slice(2);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(port: number): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    await reply.arrayBuffer();
    return reply.status === 200;
  } catch {
    return false;
  }
}

/** The module's example request answered 200 with PaddleHub's success status; else the reply, for the error. */
async function predicts(port: number, example: Record<string, unknown>): Promise<string | undefined> {
  const reply = await fetch(`http://127.0.0.1:${port}/predict/${module}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(example),
    signal: AbortSignal.timeout(GIVE_UP_MS),
  });
  const text = await reply.text();
  return reply.status === 200 && (JSON.parse(text) as { status?: string }).status === '000' ? undefined : `${reply.status} ${text.slice(0, 300)}`;
}

/** User + system CPU milliseconds a process has used so far (fields 14 and 15 of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** One start: milliseconds from spawn to ready (readyz, then a prediction), and CPU used by then; stopped after. */
async function once(hub: string, example: Record<string, unknown>): Promise<{ wall: number; cpu: number }> {
  const port = await freeLoopbackPort();
  const started = performance.now();
  const child = spawn(process.execPath, [hub, 'serving', 'start', '-m', module, '-p', String(port), '--host', '127.0.0.1', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    while (!gone && performance.now() - started < GIVE_UP_MS) {
      if (await ready(port)) {
        const failed = await predicts(port, example);
        if (failed) throw new Error(`ready, but the example request got ${failed}`);
        return { wall: performance.now() - started, cpu: cpuMs(child.pid!) };
      }
      await sleep(POLL_MS);
    }
    throw new Error(`not ready (${gone ? 'exited' : 'timed out'}): ${stderr.slice(-800)}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// Weights prepared first, so every measured start is a warm one.
const install = spawnSync(process.execPath, [BUILDS[0]!, 'install', module], { encoding: 'utf8' });
if (install.status !== 0) {
  console.error(`hub install ${module} failed:\n${install.stderr}`);
  process.exit(1);
}
const definition = await importModule(module);
if (!definition) {
  console.error(`${module} is not a built-in module`);
  process.exit(1);
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average (1, 5, 15 min) at the start: ${load()}`);
const walls = BUILDS.map((): number[] => []);
const cpus = BUILDS.map((): number[] => []);
for (let i = 0; i < RUNS; i++) {
  for (const [b, hub] of BUILDS.entries()) {
    const { wall, cpu } = await once(hub, definition.manifest.example);
    walls[b]!.push(wall);
    cpus[b]!.push(cpu);
    console.log(`${hub} run ${i + 1}: ready in ${wall.toFixed(0)} ms, ${cpu.toFixed(0)} ms of CPU`);
  }
}
for (const [b, hub] of BUILDS.entries()) {
  const w = walls[b]!;
  console.log(`${hub}: ${module} warm start to ready, median ${median(w).toFixed(0)} ms of ${RUNS} (min ${Math.min(...w).toFixed(0)}, ` +
    `max ${Math.max(...w).toFixed(0)}); CPU used by then, median ${median(cpus[b]!).toFixed(0)} ms`);
}
console.log(`load average (1, 5, 15 min) at the end: ${load()}`);
