import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { buildApp, type AppOptions, type AppState } from '../../src/server/app.js';
import { Metrics } from '../../src/server/metrics.js';
import { loggerOptions } from '../../src/process/log.js';

// A real server built by buildApp on 127.0.0.1 with a small module of the test's own: `echo` answers its
// arguments; `{"fail": "..."}` makes its predict throw an Error with that message; `{"wait_ms": n}` answers after n ms.

const manifest = {
  name: 'echo', version: '1.0.0', compatibleVersions: [], task: 'test', summary: 'echoes its arguments',
  weights: 'none', input: 'anything', output: 'the arguments', example: { text: ['a'] },
};

export const WEIGHTS_FROM = 'a test folder (/usr/lib/hub-serving-test/echo_weights) (prepared in /home/someone/.hub-serving/modules/echo/0123)';

/** How many times echo's predict has run, in this process: a refusal "before any work" leaves it unchanged. */
export const calls = { predict: 0 };

const echo: ModuleDefinition = {
  manifest,
  predictSchema: z.record(z.string(), z.unknown()),
  initSchema: z.record(z.string(), z.unknown()),
  describeArgs: () => [],
  installed: async () => undefined,
  install: async () => ({ source: 'none', directory: '', checksum: '', fresh: false }),
  load: async () => ({
    manifest,
    weightsFrom: WEIGHTS_FROM,
    async predict(args) {
      calls.predict++;
      if (typeof args.fail === 'string') throw new Error(args.fail);
      if (typeof args.wait_ms === 'number') await new Promise((resolve) => setTimeout(resolve, Math.min(args.wait_ms as number, 5000)));
      return [Object.fromEntries(Object.entries(args).map(([k, v]) => [k, Buffer.isBuffer(v) ? `${v.length} bytes` : v]))];
    },
  }),
};

/** Log records as parsed objects, written by a real pino logger with the server's own options. */
export class LogLines {
  readonly records: Record<string, unknown>[] = [];
  readonly text: string[] = [];
  readonly logger: Logger;

  constructor(level = 'info') {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          this.text.push(line);
          this.records.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    this.logger = pino(loggerOptions(level), sink);
  }

  /** The access lines and error lines: those with a status. */
  requests(): Record<string, unknown>[] {
    return this.records.filter((r) => typeof r.status === 'number');
  }
}

export interface EchoServer {
  app: FastifyInstance;
  port: number;
  url: string;
  state: AppState;
  close(): Promise<void>;
}

export async function startEchoServer(options: Partial<AppOptions> & { bodyLimit?: number } = {}): Promise<EchoServer> {
  const loaded = await echo.load({ initArgs: {}, pool: undefined as never, log: pino({ level: 'silent' }) }, { source: '', directory: '', checksum: '', fresh: false });
  const state = options.state ?? { ready: true, draining: false };
  const app = await buildApp({
    modules: new Map([['echo', { definition: echo, loaded, predictArgs: {} }]]),
    aliases: new Map([['test', 'echo']]),
    bodyLimit: 64 * 1024,
    timeoutSeconds: 10,
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(() => 0),
    ...options,
    state,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { app, port, url: `http://127.0.0.1:${port}`, state, close: () => app.close() };
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { msg: string; results: unknown; status: string };
}

/**
 * One request with node:http, which (unlike fetch) sends any Host and Origin it is given. The body is parsed as
 * JSON when it is JSON; `body.status` is then the envelope's.
 */
export function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...(options.headers ?? {}) };
    const request = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, setHost: false, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: HttpReply['body'];
        try {
          body = JSON.parse(text) as HttpReply['body'];
        } catch {
          body = { msg: '', results: undefined, status: '' };
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Waits until `done()` holds, polling every 10 ms, at most `ms`; returns whether it held. */
export async function eventually(done: () => boolean, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 10) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return done();
}
