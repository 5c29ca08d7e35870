// One warm start of `hub serving start`: from spawning the process to ready (its first /readyz 200, then its
// module's example request answered 200), with the weights already prepared in HUB_HOME, and the CPU time the
// process had used by then (all its threads, from /proc), which a busy machine inflates far less than the wall.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { freeLoopbackPort } from '../../src/process/port.js';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const POLL_MS = 10;
const GIVE_UP_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WarmStart {
  wallMs: number;
  cpuMs: number;
}

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
async function predicts(port: number, module: string, example: unknown): Promise<string | undefined> {
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

/** One start of `hub` (a bin/hub.js path) serving `module`, stopped after; given up after 60 s. */
export async function warmStart(hub: string, module: string, example: unknown, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<WarmStart> {
  const port = await freeLoopbackPort();
  const started = performance.now();
  const child = spawn(process.execPath, [hub, 'serving', 'start', '-m', module, '-p', String(port), '--host', '127.0.0.1', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    while (!gone && performance.now() - started < GIVE_UP_MS) {
      if (await ready(port)) {
        const failed = await predicts(port, module, example);
        if (failed) throw new Error(`ready, but the example request got ${failed}`);
        return { wallMs: performance.now() - started, cpuMs: cpuMs(child.pid!) };
      }
      await sleep(POLL_MS);
    }
    throw new Error(`not ready (${gone ? 'exited' : 'timed out'}): ${stderr.slice(-800)}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
