// What a results file says about where it was measured.

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
  };
}
