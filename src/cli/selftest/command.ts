import { UsageError } from '../../errors/catalogue.js';
import { say } from '../output.js';
import { parsePort } from '../serving-stop.js';
import { CASES, type Target } from './cases.js';

// `hub serving selftest [-p PORT]`: sends a running server the hostile requests a server on a network meets
// (bad bodies, deep nesting, chunk floods, oversize bodies, half-closed and slow clients, not-HTTP) on loopback,
// bounded in bytes and time, and prints what it answered against what it should. Exit 1 if any case fails.

export interface SelftestFlags {
  port?: string;
  host?: string;
  apiKey?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

async function firstModule(base: string, headers: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${base}/modules`, { headers, signal: AbortSignal.timeout(5000) });
  } catch {
    throw new UsageError(`nothing answers at ${base}: start a server first (hub serving start -m lac), or give -p`);
  }
  if (response.status === 401) throw new UsageError(`the server at ${base} needs an API key: give --api_key`);
  const modules = (await response.json().catch(() => [])) as { name?: string }[];
  const name = Array.isArray(modules) ? modules[0]?.name : undefined;
  if (!name) throw new UsageError(`the server at ${base} serves no module to test`);
  return name;
}

export async function selftest(flags: SelftestFlags): Promise<void> {
  const port = parsePort(flags.port);
  const host = flags.host ?? '127.0.0.1';
  // Hostile traffic goes to this machine only.
  if (!LOOPBACK.test(host)) throw new UsageError(`--host: ${host} is not a loopback address; selftest only sends its cases to this machine`);
  const headers: Record<string, string> = flags.apiKey ? { authorization: `Bearer ${flags.apiKey}` } : {};
  const base = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  const target: Target = { host: host.replace(/^\[|\]$/g, ''), port, module: await firstModule(base, headers), headers };
  say(`hub serving selftest: ${CASES.length} cases against ${base} (module ${target.module})`);
  const rows: string[][] = [];
  let failed = 0;
  for (const c of CASES) {
    const result = await c.run(target).catch((error: Error) => ({ ok: false, got: `error: ${error.message}` }));
    if (!result.ok) failed++;
    rows.push([result.ok ? 'ok' : 'FAIL', c.name, c.expected, result.got]);
  }
  const widths = [4, ...[1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)))];
  for (const row of rows) say(`${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padEnd(widths[2]!)}  ${row[3]}`);
  say(failed === 0 ? `all ${CASES.length} cases answered as they should` : `${failed} of ${CASES.length} cases failed`);
  if (failed > 0) process.exitCode = 1;
}
