// What a results file says about where it was measured.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  /** ISO time the run started. */
  date: string;
  /** 1-minute load average at the start: high means something else was already using the cores. */
  loadAverage1m: number;
  /** The commit measured, "+changes" where the work tree had uncommitted code (results and docs aside). */
  commit?: string;
}

function commit(): string | undefined {
  const git = (args: string[]) => spawnSync('git', args, { encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return undefined;
  const changed = git(['status', '--porcelain', '--', '.', ':!bench/results', ':!docs/benchmarks.md']).stdout.trim();
  return `${head.stdout.trim()}${changed ? '+changes' : ''}`;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux; fall through
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(start: Date): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: start.toISOString(),
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    commit: commit(),
  };
}
