import { UsageError } from '../errors/catalogue.js';
import { paths } from '../artifacts/home.js';
import { DEFAULT_PORT } from '../config/schema.js';
import { hasExited, readPidFile, removePidFile, servingProcessProven, type PidRecord } from '../process/pidfile.js';
import { waitForPortFree } from '../process/port.js';
import { say } from './output.js';
import { rm } from 'node:fs/promises';

const STOP_WAIT_MS = 120_000;

export function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port: "${value}" is not allowed: expected an integer from 1 to 65535`);
  return port;
}

async function waitForExit(record: PidRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(record)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function servingStop(options: { port?: string }): Promise<void> {
  const port = parsePort(options.port);
  const record = await readPidFile(port);
  if (!record) {
    throw new UsageError(`no Hub Serving is recorded on port ${port} (no ${paths.pidFile(port)}); \`hub serving status\` lists the running ones`);
  }
  if (!(await servingProcessProven(record))) {
    await rm(paths.pidFile(port), { force: true });
    say(`Hub Serving on port ${port} (pid ${record.pid}) was not running; removed its stale file`);
    return;
  }
  say(`Hub Serving on port ${port} (pid ${record.pid}) will stop: finishing requests in flight`);
  process.kill(record.pid, 'SIGTERM');
  if (!(await waitForExit(record, STOP_WAIT_MS))) {
    throw new UsageError(`pid ${record.pid} is still running after ${STOP_WAIT_MS / 1000} s; \`kill -9 ${record.pid}\` ends it at once`);
  }
  await removePidFile(port, record.pid);
  const host = record.host === '0.0.0.0' || record.host === '::' ? '0.0.0.0' : record.host;
  if (!(await waitForPortFree(port, host, 10_000))) throw new UsageError(`the server stopped but port ${port} is still in use by another program`);
  say(`Hub Serving on port ${port} stopped; the port is free`);
}
