import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors/catalogue.js';
import { findModule } from '../../modules/registry.js';
import { freeLoopbackPort } from '../../process/port.js';
import { say } from '../output.js';
import { batchDelta, describeBatches, parseBatchSizes } from './batches.js';
import { percentile, runLoad } from './load.js';

// `hub bench -m <module>`: loads a running server (--url) or one it starts on loopback, and prints what a
// user of a model server wants to know: requests per second, latency percentiles, answers by status, and the
// batch sizes the scheduler reached.

export interface BenchFlags {
  module?: string;
  connections?: string;
  duration?: string;
  url?: string;
  body?: string;
}

const HUB_BIN = fileURLToPath(new URL('../../../../bin/hub.js', import.meta.url));
/** However long the run, no more requests than this. */
const MAX_REQUESTS = 1_000_000;

function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name}: ${value} is not allowed: expected an integer from ${min} to ${max}`);
  return n;
}

async function startOwnServer(module: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [HUB_BIN, 'serving', 'start', '-m', module, '-p', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (out.includes('Hub Serving is ready')) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new UsageError(`the server for ${module} exited with ${code} before it was ready: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function scrape(url: string): Promise<string> {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  } catch {
    return '';
  }
}

/** `--body '{...}'`, or `--body @file` as curl has it, for bodies too large for a command line (images). */
async function bodyOf(flag: string): Promise<string> {
  if (!flag.startsWith('@')) return flag;
  try {
    return await readFile(flag.slice(1), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--body: cannot read ${flag.slice(1)} (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`);
  }
}

export async function bench(flags: BenchFlags): Promise<void> {
  if (!flags.module) throw new UsageError('--module: name the module to load, e.g. hub bench -m lac');
  const definition = findModule(flags.module);
  if (!definition && !flags.body) throw new UsageError(`--module: ${flags.module} is not a module we know; give --body for a server of another kind`);
  const name = definition?.manifest.name ?? flags.module;
  const connections = intFlag('--connections', flags.connections, 16, 1, 1024);
  const seconds = intFlag('--duration', flags.duration, 10, 1, 3600);
  const body = flags.body === undefined ? JSON.stringify(definition!.manifest.example) : await bodyOf(flags.body);
  try {
    JSON.parse(body);
  } catch {
    throw new UsageError('--body: expected a JSON object of predict arguments');
  }

  const own = flags.url ? undefined : await startOwnServer(name);
  const base = (flags.url ?? own!.url).replace(/\/+$/, '');
  try {
    say(`hub bench: POST ${base}/predict/${name}, ${connections} connection${connections > 1 ? 's' : ''}, ${seconds} s${own ? ' (server started for this run)' : ''}`);
    say(`body: ${body.length > 120 ? `${body.slice(0, 117)}...` : body}`);
    const before = parseBatchSizes(await scrape(base));
    const result = await runLoad({ url: `${base}/predict/${name}`, body, connections, seconds, maxRequests: MAX_REQUESTS });
    const after = parseBatchSizes(await scrape(base));
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    const ok = result.statuses.get('200') ?? 0;
    const statuses = [...result.statuses].sort().map(([status, n]) => `${status}: ${n}`).join(', ');
    const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
    say(`requests  ${sorted.length} answered in ${result.seconds.toFixed(1)} s: ${(ok / result.seconds).toFixed(1)} req/s answered 200`);
    say(`latency   p50 ${ms(50)}, p90 ${ms(90)}, p99 ${ms(99)}, max ${ms(100)}`);
    say(`statuses  ${statuses}`);
    say(`batches   ${describeBatches(batchDelta(before, after))}`);
    if (ok === 0) process.exitCode = 1;
  } finally {
    if (own) {
      own.child.kill('SIGTERM');
      await new Promise((resolve) => own.child.once('exit', resolve));
    }
  }
}
