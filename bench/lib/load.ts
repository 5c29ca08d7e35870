// One bounded load run against a loopback URL, by wrk when it is installed (a C process: the peer's own method,
// and it leaves the cores to the servers) or else by autocannon in the bench process. With autocannon, latency
// percentiles come from our own list of response times: its histogram keeps whole milliseconds, too coarse for
// ~1 ms answers at low concurrency.

import { spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { cpuWindow, type CpuShare } from './proc.js';
import { which } from './servers.js';
import { runWrk, type WrkSummary } from './wrk.js';

export interface LoadOptions {
  url: string;
  body: string;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** Successful (2xx) responses per second over the measured window. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Answers after which the server closed the connection (each cost the client a new connection); wrk does not count them. */
  closedByServer?: number;
}

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadGenerator {
  tool: LoadTool;
  /** The resolved wrk binary. */
  path?: string;
  /** For the results file and the method lines of the docs. */
  description: string;
  /** Why the fallback was used, when it was. */
  note?: string;
}

const AUTOCANNON = 'autocannon 8 (one thread, in the bench process; keep-alive connections unless the server closes them; no pipelining)';

/**
 * wrk when installed, autocannon otherwise; BENCH_LOAD_GENERATOR=wrk|autocannon picks one (wrk then must be
 * installed). `wrkPath` is where wrk was found, if anywhere.
 */
export function pickLoadGenerator(requested: string | undefined, wrkPath: string | undefined, wrkVersion = ''): LoadGenerator {
  if (requested && requested !== 'wrk' && requested !== 'autocannon') {
    throw new Error(`BENCH_LOAD_GENERATOR=${requested}: expected wrk or autocannon`);
  }
  if (requested === 'autocannon') return { tool: 'autocannon', description: AUTOCANNON, note: 'BENCH_LOAD_GENERATOR=autocannon' };
  if (!wrkPath) {
    if (requested === 'wrk') throw new Error('BENCH_LOAD_GENERATOR=wrk but wrk is not installed (apt-get install wrk)');
    return { tool: 'autocannon', description: AUTOCANNON, note: 'wrk is not installed (apt-get install wrk)' };
  }
  return {
    tool: 'wrk',
    path: wrkPath,
    description: `wrk${wrkVersion ? ` ${wrkVersion}` : ''} (the peer's README's client; its own process, 2 threads, 1 at concurrency 1; ` +
      'keep-alive connections, a new one whenever the server closes one; no pipelining; 10 s timeout)',
  };
}

/** The load generator of this machine (see pickLoadGenerator). */
export function chooseLoadGenerator(): LoadGenerator {
  const path = which('wrk');
  // `wrk --version` prints "wrk <version> [<engine>] ..." and exits with 1.
  const version = path ? /^wrk (\S+)/.exec(spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] : undefined;
  return pickLoadGenerator(process.env.BENCH_LOAD_GENERATOR || undefined, path, version);
}

/** The console line that says which load generator a bench uses. */
export function loadGeneratorLine(generator: LoadGenerator): string {
  return `load generator: ${generator.description}${generator.note ? ` (${generator.note})` : ''}`;
}

/** Where the load generator ran, for the CPU lines of the reports (results files from before wrk have no tool: autocannon). */
export function loadGeneratorWhere(tool: LoadTool | undefined): string {
  return tool === 'wrk' ? 'wrk, its own process' : 'autocannon, in the bench process';
}

/** How p50/p99 were taken, for the method lines of the reports. */
export function percentileMethod(tool: LoadTool | undefined): string {
  return tool === 'wrk'
    ? "percentiles of wrk's latency record (to the microsecond, of every answer)"
    : "exact percentiles of the 2xx answers' response times (not autocannon's whole-millisecond histogram)";
}

/** Nearest-rank percentile of an ascending list; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1') throw new Error(`refusing to load ${url}: benches only load 127.0.0.1`);
}

/** The parts of autocannon 8's (private) Client that reconnectAfterClose relies on. */
interface ClientInternals extends autocannon.Client {
  _doRequest(): void;
  _resetConnection(): void;
}

interface ParsedHeaders {
  headers?: string[];
  shouldKeepAlive?: boolean;
}

/**
 * autocannon 8 assumes keep-alive. When a server closes the connection after each answer (gunicorn's sync
 * workers send `Connection: close`), it writes the next request into the closing socket, reconnects on both
 * 'error' and 'end', and keeps stale entries in its queue: requests fail and latencies grow to hundreds of
 * ms. Here a client whose answer said `Connection: close` sends its next request on a fresh connection
 * instead, as wrk does. Keep-alive servers are unaffected.
 */
function reconnectAfterClose(client: autocannon.Client, onClose: () => void): void {
  const c = client as ClientInternals;
  if (typeof c._doRequest !== 'function' || typeof c._resetConnection !== 'function') {
    throw new Error('autocannon Client internals changed: update reconnectAfterClose in bench/lib/load.ts');
  }
  let closing = false;
  c.on('headers', (info: ParsedHeaders) => {
    const h = info.headers ?? [];
    const closeHeader = h.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'connection' && h[i + 1]?.toLowerCase() === 'close');
    closing = info.shouldKeepAlive === false || closeHeader;
  });
  const doRequest = c._doRequest;
  c._doRequest = function (this: ClientInternals) {
    if (!closing) return doRequest.call(this);
    closing = false;
    onClose();
    this._resetConnection(); // drops the old socket and its queue, connects, then sends through _doRequest
  };
}

function fire(options: LoadOptions, onLatency?: (ms: number) => void, onClose: () => void = () => {}): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: options.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: options.body,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      setupClient: (client) => reconnectAfterClose(client, onClose),
    }, (error, result) => {
      clearTimeout(guard);
      if (error) reject(error);
      else resolve(result);
    });
    if (onLatency) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) onLatency(responseTime);
      });
    }
    // autocannon stops itself at `duration`; this only guards against a run that never reports back.
    const guard = setTimeout(() => instance.stop(), (options.seconds + 30) * 1000);
  });
}

/** The measured autocannon run. */
async function measureAutocannon(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let closedByServer = 0;
  const result = await fire(options, (ms) => latencies.push(ms), () => closedByServer++);
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections: options.connections,
    seconds: result.duration,
    rps: round(result['2xx'] / result.duration, 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    closedByServer,
  };
}

/** A wrk summary as a LoadResult: wrk counts answers with status 400 or more as non-2xx (these servers send no 3xx). */
export function wrkLoadResult(summary: WrkSummary, connections: number): LoadResult {
  const seconds = summary.durationUs / 1e6;
  const e = summary.errors;
  const ok = summary.requests - e.status;
  const ms = (us: number) => (ok > 0 ? round(us / 1000, 2) : Number.NaN);
  return {
    connections,
    seconds: round(seconds, 2),
    rps: round(ok / seconds, 1),
    p50Ms: ms(summary.latencyUs.p50),
    p99Ms: ms(summary.latencyUs.p99),
    ok,
    non2xx: e.status,
    errors: e.connect + e.read + e.write + e.timeout,
    timeouts: e.timeout,
  };
}

export interface LoadRun extends LoadResult {
  /** The measured window: the server's process tree, the load generator (wrk's process, or the bench's), other work. */
  cpu: CpuShare;
}

/**
 * Warm-up load that is thrown away (the server reaches steady state: JIT, pools, connections), then the measured
 * run inside a CPU window over the server's process tree.
 */
export async function measuredRun(generator: LoadGenerator, options: LoadOptions, warmupSeconds: number, serverPid: number): Promise<LoadRun> {
  assertLoopback(options.url);
  if (generator.tool === 'wrk') {
    // wrk takes whole seconds only.
    const wrk = (seconds: number) => runWrk({ ...options, wrk: generator.path!, seconds: Math.max(1, Math.ceil(seconds)) });
    await wrk(warmupSeconds);
    const endCpu = cpuWindow(serverPid);
    const { summary, cpuSeconds } = await wrk(options.seconds);
    return { ...wrkLoadResult(summary, options.connections), cpu: endCpu(cpuSeconds) };
  }
  await fire({ ...options, seconds: warmupSeconds });
  const endCpu = cpuWindow(serverPid);
  const load = await measureAutocannon(options);
  return { ...load, cpu: endCpu() };
}
