// One bounded autocannon run against a loopback URL. Latency percentiles come from our own list of response
// times: autocannon's histogram keeps whole milliseconds, too coarse for ~1 ms answers at low concurrency.

import autocannon from 'autocannon';

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
  /** Answers after which the server closed the connection (each cost the client a new connection). */
  closedByServer: number;
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

/** Load that is thrown away: lets the server reach steady state (JIT, pools, connections) first. */
export async function warmUp(options: LoadOptions): Promise<void> {
  assertLoopback(options.url);
  await fire(options);
}

/** The measured run. */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
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
