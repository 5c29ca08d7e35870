import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { CHALLENGE_HEADER, PROOF_HEADER, identityProof } from '../../process/identity.js';
import { HealthBoard } from './board.js';
import { readinessAnswer } from './readiness.js';

// The health port's listener, on a thread of its own: a plain node:http server whose answers come from the
// HealthBoard alone, so orchestrators' probes never wait behind HTTP parsing, JSON or pre- and post-processing
// on the serving thread's event loop. Started by listener.ts.

export interface HealthThreadData {
  buffer: SharedArrayBuffer;
  port: number;
  host: string;
  /** The PID file's token: /healthz signs challenges with it, as the serving port does (process/identity.ts). */
  identity?: string;
  /** How long the main event loop may stay silent before /healthz and /livez answer 503 "stalled". */
  stallAfterMs: number;
}

/** From the main thread: the served modules' names, or keep trying to listen (another process holds the port). */
export type ToHealthThread = { type: 'modules'; names: string[] } | { type: 'standby'; retryMs: number };
export type FromHealthThread = { type: 'listening'; port: number } | { type: 'error'; code?: string; message: string };

const data = workerData as HealthThreadData;
const board = new HealthBoard(data.buffer);
const send = (message: FromHealthThread) => parentPort!.postMessage(message);
let modules: string[] = [];

function reply(response: ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return reply(response, 405, { status: 'method not allowed' });
  }
  const path = (request.url ?? '/').split('?')[0];
  const silentMs = Math.round(board.msSinceBeat());
  const stalled = silentMs > data.stallAfterMs;
  if (path === '/healthz' || path === '/livez') {
    const challenge = request.headers[CHALLENGE_HEADER];
    if (path === '/healthz' && data.identity !== undefined && typeof challenge === 'string') {
      const proof = identityProof(data.identity, challenge);
      if (proof) response.setHeader(PROOF_HEADER, proof);
    }
    return stalled ? reply(response, 503, { status: 'stalled', event_loop_silent_ms: silentMs }) : reply(response, 200, { status: 'ok' });
  }
  if (path === '/readyz') {
    const { code, body } = readinessAnswer(board, modules);
    // A loop that has not run for the threshold serves nothing: not ready, unless it is draining anyway.
    if (stalled && !board.draining) return reply(response, 503, { ...body, status: 'stalled', event_loop_silent_ms: silentMs });
    return reply(response, code, body);
  }
  return reply(response, 404, { status: 'not found', routes: ['/healthz', '/livez', '/readyz'] });
}

const server = createServer(answer);
let retry: NodeJS.Timeout | undefined;
const listen = () => server.listen({ port: data.port, host: data.host, exclusive: true });

server.on('listening', () => {
  clearInterval(retry);
  const address = server.address();
  send({ type: 'listening', port: typeof address === 'object' && address ? address.port : data.port });
});
server.on('error', (error: NodeJS.ErrnoException) => {
  // In standby the port is held by a sibling process; the next try may find it free.
  if (retry === undefined) send({ type: 'error', code: error.code, message: error.message });
});

parentPort!.on('message', (message: ToHealthThread) => {
  if (message.type === 'modules') modules = message.names;
  else if (message.type === 'standby') retry = setInterval(listen, message.retryMs);
});

listen();
