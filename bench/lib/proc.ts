// Linux /proc readings: a server's process tree, its memory and CPU time, and the whole machine's CPU time,
// so each run can say who used the 2 cores (server, load generator, or something else on the machine).

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // Linux's usual value; only used if getconf is missing
  }
})();

/** Fields after the `(comm)` of /proc/<pid>/stat, which may itself contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process is gone
  }
}

/** `root` and every descendant alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (!statFields(pid)) continue;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function statusKb(pid: number, key: string): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface TreeMemory {
  processes: number;
  /** Sum of VmRSS over the tree (shared pages count once per process, as `ps` does). */
  rssMb: number;
  /** Sum of VmHWM, each process's peak RSS. */
  peakRssMb: number;
  perProcessRssMb: number[];
}

export function treeMemory(root: number): TreeMemory {
  const pids = processTree(root);
  const rss = pids.map((pid) => statusKb(pid, 'VmRSS') ?? 0);
  const hwm = pids.map((pid) => statusKb(pid, 'VmHWM') ?? 0);
  const mb = (kb: number) => Math.round(kb / 102.4) / 10;
  return {
    processes: pids.length,
    rssMb: mb(rss.reduce((a, b) => a + b, 0)),
    peakRssMb: mb(hwm.reduce((a, b) => a + b, 0)),
    perProcessRssMb: rss.map(mb),
  };
}

/** CPU seconds (user + system) used so far by the tree's live processes. */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]); // utime, stime
  }
  return ticks / CLK_TCK;
}

/** CPU seconds the whole machine spent busy (everything but idle and iowait), summed over cores. */
export function machineBusySeconds(): number {
  const first = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = first;
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

export interface CpuShare {
  /** Each in % of one core over the window: 200 means both cores of a 2-core machine. */
  serverPct: number;
  /** The server's busiest main thread (where a Node server parses HTTP and JSON); near 100 means saturated. */
  serverMainThreadPct?: number;
  loadGeneratorPct: number;
  /** Machine busy time not explained by the two above: other work on the machine. */
  otherPct: number;
  /** When `otherPct` is large: the other processes that used most of it, as "name pct". */
  otherTop?: string[];
}

/** CPU ticks of every live process, with its name; for naming what else ran during a window. */
function allProcesses(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(pid, { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // exited while listing
    }
  }
  return out;
}

/** Ticks of a process's main thread alone (its thread id is its pid). */
function mainThreadTicks(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

const OTHER_WORTH_NAMING = 10; // % of one core

/**
 * Starts a CPU accounting window; call the returned function when the window ends, with the CPU seconds of a load
 * generator that ran as its own, already exited, process (wrk) inside the window: it counts with the bench's own.
 */
export function cpuWindow(serverRoot?: number): (generatorSeconds?: number) => CpuShare {
  const t0 = process.hrtime.bigint();
  const tree0 = serverRoot ? processTree(serverRoot) : [];
  const server0 = serverRoot ? treeCpuSeconds(serverRoot) : 0;
  const main0 = new Map(tree0.map((pid) => [pid, mainThreadTicks(pid)]));
  const all0 = allProcesses();
  const self0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  return (generatorSeconds = 0) => {
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const machine = machineBusySeconds() - machine0;
    const selfUsage = process.cpuUsage(self0);
    const self = (selfUsage.user + selfUsage.system) / 1e6 + generatorSeconds;
    const server = serverRoot ? treeCpuSeconds(serverRoot) - server0 : 0;
    const pct = (s: number) => Math.round((100 * s) / wall);
    const share: CpuShare = { serverPct: pct(server), loadGeneratorPct: pct(self), otherPct: pct(Math.max(0, machine - server - self)) };
    if (serverRoot) {
      share.serverMainThreadPct = pct(Math.max(0, ...tree0.map((pid) => mainThreadTicks(pid) - (main0.get(pid) ?? 0))) / CLK_TCK);
    }
    if (share.otherPct >= OTHER_WORTH_NAMING) {
      const mine = new Set([...tree0, process.pid]);
      const byName = new Map<string, number>();
      for (const [pid, p] of allProcesses()) {
        if (mine.has(pid)) continue;
        const used = (p.ticks - (all0.get(pid)?.ticks ?? 0)) / CLK_TCK;
        if (used > 0) byName.set(p.comm, (byName.get(p.comm) ?? 0) + used);
      }
      share.otherTop = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([comm, s]) => `${comm} ${pct(s)}`);
    }
    return share;
  };
}

/**
 * Waits, at most `maxMs`, for a 1 s window in which the machine was busy less than `thresholdPct` of one core
 * (call it while nothing of ours is working). Returns the milliseconds waited; it gives up quietly.
 */
export async function waitForQuiet(thresholdPct: number, maxMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busyPct = 100 * (machineBusySeconds() - before);
    if (busyPct < thresholdPct || Date.now() - start >= maxMs) return Date.now() - start;
  }
}
