import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../artifacts/atomic.js';
import { paths } from '../artifacts/home.js';
import { provesIdentity } from './identity.js';

// One file per running server, HUB_HOME/conf/serving_<port>.json, as PaddleHub keeps it; ours is removed on a
// clean exit and checked against the live process, so a stale file is recognised rather than trusted. The file
// records the process's start time (from /proc), which a recycled pid of another program cannot have: nothing is
// ever signalled on the word of a pid alone. Where there is no /proc, a token in the file (readable by its owner
// only) is proven by the server over loopback instead (identity.ts).

export interface PidRecord {
  pid: number;
  port: number;
  host: string;
  module: string[];
  start_time: string;
  processes: number;
  /** The process's start, in clock ticks since boot (/proc/<pid>/stat); absent off Linux. */
  proc_start?: number;
  /** The secret the server proves it holds (identity.ts); absent in files of older versions. */
  token?: string;
}

export async function writePidFile(record: PidRecord): Promise<void> {
  // The token is a secret of the user who started the server.
  await writeJsonAtomic(paths.pidFile(record.port), record, { mode: 0o600 });
}

export async function readPidFile(port: number): Promise<PidRecord | undefined> {
  const file = paths.pidFile(port);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** Removes the file only if it still names this pid, so a newer server's file survives. */
export async function removePidFile(port: number, pid: number): Promise<void> {
  const record = await readPidFile(port);
  if (!record || record.pid === pid) await rm(paths.pidFile(port), { force: true });
}

export async function listPidFiles(): Promise<PidRecord[]> {
  if (!existsSync(paths.conf())) return [];
  const records: PidRecord[] = [];
  for (const name of (await readdir(paths.conf())).sort()) {
    const match = /^serving_(\d+)\.json$/.exec(name);
    if (!match) continue;
    const record = await readPidFile(Number(match[1]));
    if (record) records.push(record);
  }
  return records;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined without /proc. */
export function processStartTime(pid: number): number | undefined {
  return procStat(pid)?.started;
}

/** State (field 3) and start time (field 22) of /proc/<pid>/stat, or undefined without it. */
function procStat(pid: number): { state: string; started: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const started = Number(fields[19]);
  return Number.isFinite(started) ? { state: fields[0] ?? '', started } : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const hasProcfs = (): boolean => existsSync('/proc/self');
const livePid = (pid: number): boolean => Number.isInteger(pid) && pid > 0 && alive(pid);

/**
 * Whether the record's process still runs, by /proc alone: alive and started when the record says (a pid reused
 * by another program, whatever its name, does not count). A record without a start time cannot be proven ours.
 * Undefined without /proc, where only servingProcessProven can tell.
 */
export function isServingProcess(record: Pick<PidRecord, 'pid' | 'proc_start'>): boolean | undefined {
  if (!livePid(record.pid)) return false;
  if (!hasProcfs()) return undefined;
  const stat = procStat(record.pid);
  // A zombie has exited; only its parent has not collected it yet.
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.started === record.proc_start;
}

/**
 * Whether the record names a running server of ours: by /proc where there is one, else (or when `procfs` is
 * false) by the live pid together with the server on the recorded port proving the file's token.
 */
export async function servingProcessProven(record: PidRecord, options: { procfs?: boolean } = {}): Promise<boolean> {
  const byProc = options.procfs === false ? (livePid(record.pid) ? undefined : false) : isServingProcess(record);
  if (byProc !== undefined) return byProc;
  return typeof record.token === 'string' && record.token !== '' && provesIdentity(record.host, record.port, record.token);
}

/** After a proven process was signalled: whether it is gone (it may close its port before it exits). */
export function hasExited(record: PidRecord): boolean {
  return !livePid(record.pid) || isServingProcess(record) === false;
}
