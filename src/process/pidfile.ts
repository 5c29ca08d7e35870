import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paths } from '../hub/home.js';

// One file per running server, HUB_HOME/conf/serving_<port>.json, as PaddleHub keeps it; ours is removed on a
// clean exit and checked against the live process, so a stale file is recognised rather than trusted.

export interface PidRecord {
  pid: number;
  port: number;
  host: string;
  module: string[];
  start_time: string;
  processes: number;
}

export async function writePidFile(record: PidRecord): Promise<void> {
  await mkdir(paths.conf(), { recursive: true });
  const file = paths.pidFile(record.port);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(record, null, 2));
  await rename(tmp, file);
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

/** Alive and still a Hub Serving process (a recycled pid of another program does not count). */
export function isServingProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = join('/proc', String(pid), 'cmdline');
  if (!existsSync('/proc/self')) return true;
  try {
    const args = readFileSync(cmdline, 'utf8');
    return /hub|serving/.test(args);
  } catch {
    return false;
  }
}
