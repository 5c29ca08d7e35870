import { Agent, request } from 'node:http';

// A closed-loop load: N keep-alive connections, each sending the next request as soon as its answer is read,
// until the duration or the request cap is reached. Latencies and statuses are recorded per answer.

export interface LoadOptions {
  url: string;
  body: string;
  connections: number;
  seconds: number;
  /** Bound on requests, whatever the duration. */
  maxRequests: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  /** Answers by HTTP status; 'error' for connections that failed. */
  statuses: Map<string, number>;
}

function once(agent: Agent, url: URL, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const body = Buffer.from(options.body);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latenciesMs: number[] = [];
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const started = performance.now();
  const end = started + options.seconds * 1000;
  let sent = 0;
  const lane = async () => {
    while (performance.now() < end && sent < options.maxRequests) {
      sent++;
      const t0 = performance.now();
      try {
        count(String(await once(agent, url, body, options.headers ?? {})));
        latenciesMs.push(performance.now() - t0);
      } catch {
        count('error');
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, lane));
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, latenciesMs, statuses };
}

/** The p-th percentile (0..100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
